"""Downloads the carte scolaire of the public collèges (data.education.gouv.fr) per département.

``carte-scolaire/carte-scolaire-colleges-{dep}.csv``: the Opendatasoft CSV export filtered on the
département (codes on three characters, '010'). The dataset's own modification date is kept in the
file's ``.meta.json`` (``data_modified``): the export itself is generated on demand and has no date.
"""

import json

import httpx
from django.conf import settings

from ..base import download, http_client, raw_dir

DATASET = "/api/explore/v2.1/catalog/datasets/fr-en-carte-scolaire-colleges-publics"


def raw_file(dep, suffix=".csv"):
    return raw_dir("carte-scolaire") / f"carte-scolaire-colleges-{dep}{suffix}"


def dataset_modified(http, base):
    """The dataset's ``modified`` metadata (ISO date), or '' when the catalogue does not say."""
    try:
        response = http.get(base + DATASET)
        metas = response.json().get("metas", {}).get("default", {}) if response.status_code < 400 else {}
    except (httpx.HTTPError, ValueError, AttributeError):
        return ""
    return str(metas.get("modified") or metas.get("data_processed") or "")[:10]


def fetch(departements, client=None):
    base = settings.OSEZ_SOURCE_URLS["carte-scolaire"].rstrip("/")
    changed = 0
    with client or http_client() as http:
        modified = dataset_modified(http, base)
        for dep in departements:
            dest = raw_file(dep)
            where = f"code_departement='{dep.zfill(3)}'"
            changed += download(
                base + DATASET + "/exports/csv", dest, params={"where": where, "delimiter": ";"}, client=http
            )
            meta = dest.with_name(dest.name + ".meta.json")
            if modified and meta.exists():
                data = json.loads(meta.read_text(encoding="utf-8"))
                data["data_modified"] = modified
                meta.write_text(json.dumps(data), encoding="utf-8")
    return changed
