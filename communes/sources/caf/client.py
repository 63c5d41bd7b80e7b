"""Downloads the CNAF childcare datasets of data.caf.fr (Opendatasoft Explore v2.1) into the raw cache.

Four national datasets, one file each (``caf/<dataset id>.json``): places and coverage rates at the
commune level (published only for communes over 10,000 inhabitants) and at the EPCI level (every
intercommunalité). Each export is checked against the ``total_count`` the API announces before it
replaces the cached file (``download.ods_export``): a shortened export is refused, as Data ES taught us.
"""

from django.conf import settings

from ..download import http_client, ods_export, raw_dir
from ..probes import probe_ods

PLACES_COMMUNE = "nbpla_pe_com"
RATES_COMMUNE = "txcouv_pe_com"
PLACES_EPCI = "nbpla_pe_epci"
RATES_EPCI = "txcouv_pe_epci"
DATASETS = (PLACES_COMMUNE, RATES_COMMUNE, PLACES_EPCI, RATES_EPCI)


def raw_file(dataset):
    return raw_dir("caf") / f"{dataset}.json"


def fetch(departements, client=None):
    """Download the four national files; returns how many changed. ``departements`` filter at import."""
    base = settings.OSEZ_SOURCE_URLS["caf"]
    with client or http_client() as http:
        return sum(int(ods_export(http, base, dataset, raw_file(dataset))) for dataset in DATASETS)


def probe(http, dep):
    base = settings.OSEZ_SOURCE_URLS["caf"]
    return [probe_ods(http, dataset, base, dataset) for dataset in DATASETS]
