"""Downloads the CNAF childcare datasets of data.caf.fr (Opendatasoft Explore v2.1) into the raw cache.

Four national datasets, one file each (``caf/<dataset id>.json``): places and coverage rates at the
commune level (published only for communes over 10,000 inhabitants) and at the EPCI level (every
intercommunalité). Each export is checked against the ``total_count`` the API announces before it
replaces the cached file: a shortened export is refused, as Data ES taught us.
"""

import json

import httpx
from django.conf import settings

from ..base import NetworkError, SourceError, http_client, raw_dir
from ..indicators import download_verified

PLACES_COMMUNE = "nbpla_pe_com"
RATES_COMMUNE = "txcouv_pe_com"
PLACES_EPCI = "nbpla_pe_epci"
RATES_EPCI = "txcouv_pe_epci"
DATASETS = (PLACES_COMMUNE, RATES_COMMUNE, PLACES_EPCI, RATES_EPCI)

API = "/api/explore/v2.1/catalog/datasets/{dataset}"


def raw_file(dataset):
    return raw_dir("caf") / f"{dataset}.json"


def total_count(http, url):
    try:
        response = http.get(url, params={"limit": 0})
    except httpx.HTTPError as exc:
        raise NetworkError(f"comptage impossible sur {url} : {exc}") from exc
    if response.status_code >= 400:
        raise NetworkError(f"le serveur a répondu {response.status_code} pour {url}")
    try:
        return int(response.json()["total_count"])
    except (ValueError, KeyError, TypeError) as exc:
        raise SourceError(f"réponse sans total_count pour {url}") from exc


def fetch(departements, client=None):
    """Download the four national files; returns how many changed. ``departements`` filter at import."""
    base = settings.OSEZ_SOURCE_URLS["caf"].rstrip("/")
    changed = 0
    with client or http_client() as http:
        for dataset in DATASETS:
            api = base + API.format(dataset=dataset)
            expected = total_count(http, api + "/records")

            def complete(path, expected=expected, dataset=dataset):
                try:
                    records = json.loads(path.read_bytes())
                except ValueError as exc:
                    raise SourceError(f"{dataset} : export JSON illisible ({exc})") from exc
                if not isinstance(records, list) or len(records) < expected:
                    found = len(records) if isinstance(records, list) else 0
                    raise SourceError(
                        f"{dataset} : export incomplet ({found} enregistrements sur {expected} annoncés)"
                    )

            changed += download_verified(
                api + "/exports/json", raw_file(dataset), client=http, verify=complete, expect_json=True
            )
    return changed
