"""Downloads the DREES workbook of the APL to general practitioners into the raw cache.

The DREES publishes one Excel workbook per profession on data.gouv.fr, with one sheet per vintage
("APL 2022", "APL 2023", "APL 2024": a tab is added each summer and the oldest dropped). The client asks
the data.gouv.fr API for the dataset, takes its newest workbook whose title names the general
practitioners, and stores it under the publisher's file name (``apl/<file name>.xlsx``).
``OSEZ_URL_APL`` may also point straight at a ``.xlsx``.
"""

import tempfile
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

from django.conf import settings

from communes.text import fold

from ..download import download, get_json, http_client, raw_dir
from ..errors import SourceError
from ..probes import Probe

LABEL = "classeur APL"


def raw_folder():
    return raw_dir("apl")


def file_name(url):
    return unquote(PurePosixPath(urlparse(url).path).name) or "apl-medecins-generalistes.xlsx"


def is_workbook(resource):
    url = str(resource.get("url") or "")
    kind = f"{resource.get('format') or ''} {resource.get('mime') or ''}".lower()
    return url.lower().endswith(".xlsx") or "xlsx" in kind or "spreadsheetml" in kind


def newest_workbook(http, api_url):
    """The URL of the dataset's newest GP workbook, from the data.gouv.fr API answer."""
    answer = get_json(http, api_url)
    resources = answer.get("resources") if isinstance(answer, dict) else None
    if not isinstance(resources, list):
        raise SourceError(f"réponse illisible du catalogue data.gouv.fr ({api_url})")
    candidates = [
        r for r in resources
        if isinstance(r, dict) and is_workbook(r) and "generaliste" in fold(str(r.get("title") or ""))
    ]  # fmt: skip
    if not candidates:
        raise SourceError(f"aucun classeur APL des médecins généralistes dans {api_url}")
    candidates.sort(key=lambda r: str(r.get("last_modified") or ""), reverse=True)
    return candidates[0]["url"]


def workbook_url(http):
    configured = settings.OSEZ_SOURCE_URLS["apl"]
    return configured if configured.lower().endswith(".xlsx") else newest_workbook(http, configured)


def fetch(departements, client=None):
    with client or http_client() as http:
        url = workbook_url(http)
        return int(download(url, raw_folder() / file_name(url), client=http))


def probe(http, dep):
    """The header of the newest sheet: a workbook cannot be read in part, so it is downloaded aside (a few MB)."""
    from .importer import header_fields

    url = workbook_url(http)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / file_name(url)
        download(url, path, client=http)
        fields, rows = header_fields(path)
    return [Probe(LABEL, url, fields, rows)]
