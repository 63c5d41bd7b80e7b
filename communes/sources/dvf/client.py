"""Downloads geo-DVF (DGFiP's property sales, geocoded by Etalab) per département and year.

Files are stored as the publisher serves them, gzip-compressed: ``dvf/dvf-{dep}-{year}.csv.gz`` from
``geo-dvf/latest/csv/{year}/departements/{dep}.csv.gz``. Conditional requests keep the nightly run to a
few 304 answers. Départements without DVF (Alsace-Moselle, Mayotte) are not asked for.
"""

from django.conf import settings

from ..download import download, http_client, raw_dir
from ..errors import NetworkError, SourceError
from ..probes import probe_gzip_csv
from . import NOT_PUBLISHED, last_complete_years

LABEL = "dvf"


def raw_file(dep, year, suffix=".csv.gz"):
    return raw_dir("dvf") / f"dvf-{dep}-{year}{suffix}"


def fetch(departements, client=None):
    """Every département-year file, each tried even when another failed; the failures are raised last."""
    template = settings.OSEZ_SOURCE_URLS["dvf"]
    changed = 0
    failures = []
    with client or http_client() as http:
        for dep in departements:
            if dep in NOT_PUBLISHED:
                continue
            for year in last_complete_years():
                try:
                    changed += download(template.format(year=year, dep=dep), raw_file(dep, year), client=http)
                except SourceError as exc:
                    failures.append(exc)
    if failures:
        # The importer then reads the newest complete years the cache holds (a year published late).
        error = NetworkError if all(isinstance(f, NetworkError) for f in failures) else SourceError
        raise error(f"{len(failures)} fichier(s) DVF non téléchargé(s) : {failures[0]}")
    return changed


def probe(http, dep):
    year = last_complete_years()[-1]
    dep = "75" if dep in NOT_PUBLISHED else dep
    return [probe_gzip_csv(http, LABEL, settings.OSEZ_SOURCE_URLS["dvf"].format(year=year, dep=dep))]
