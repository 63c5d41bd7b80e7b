"""Downloads the Data ES sports facilities of each département into the raw cache."""

from django.conf import settings

from ..base import download, http_client, raw_dir

DATASET = "/api/explore/v2.1/catalog/datasets/data-es/exports/json"


def raw_file(dep):
    return raw_dir("sport") / f"data-es-{dep}.json"


def fetch(departements, client=None):
    base = settings.OSEZ_SOURCE_URLS["sport"].rstrip("/")
    changed = 0
    with client or http_client() as http:
        for dep in departements:
            params = {"refine": f'dep_code_filled:"{dep}"'}
            changed += download(base + DATASET, raw_file(dep), params=params, client=http, expect_json=True)
    return changed
