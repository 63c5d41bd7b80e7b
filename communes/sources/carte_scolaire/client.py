"""Downloads the carte scolaire of the public collèges (data.education.gouv.fr) per département.

``carte-scolaire/carte-scolaire-colleges-{dep}.csv``: the Opendatasoft CSV export filtered on the
département (codes on three characters, '010'). The dataset's own modification date is kept in the
file's ``.meta.json`` (``data_date``, read by ``download.meta_data_date``): the export itself is
generated on demand and has no date.
"""

import httpx
from django.conf import settings

from ..download import download, http_client, ods_url, raw_dir
from ..probes import probe_ods

DATASET = "fr-en-carte-scolaire-colleges-publics"


def raw_file(dep, suffix=".csv"):
    return raw_dir("carte-scolaire") / f"carte-scolaire-colleges-{dep}{suffix}"


def where(dep):
    return f"code_departement='{dep.zfill(3)}'"


def dataset_modified(http, base):
    """The dataset's ``modified`` metadata (ISO date), or '' when the catalogue does not say."""
    try:
        response = http.get(f"{base.rstrip('/')}/api/explore/v2.1/catalog/datasets/{DATASET}")
        metas = response.json().get("metas", {}).get("default", {}) if response.status_code < 400 else {}
    except (httpx.HTTPError, ValueError, AttributeError):
        return ""
    return str(metas.get("modified") or metas.get("data_processed") or "")[:10]


def fetch(departements, client=None):
    base = settings.OSEZ_SOURCE_URLS["carte-scolaire"]
    changed = 0
    with client or http_client() as http:
        modified = dataset_modified(http, base)
        for dep in departements:
            changed += download(
                ods_url(base, DATASET, "exports/csv"), raw_file(dep), params={"where": where(dep), "delimiter": ";"},
                client=http, extra_meta={"data_date": modified} if modified else None,
            )  # fmt: skip
    return changed


def probe(http, dep):
    return [
        probe_ods(
            http, "carte-scolaire", settings.OSEZ_SOURCE_URLS["carte-scolaire"], DATASET, where=where(dep)
        )
    ]
