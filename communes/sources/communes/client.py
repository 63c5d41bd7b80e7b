"""Downloads the communes of each département from geo.api.gouv.fr into the raw cache."""

from django.conf import settings

from ..download import download, http_client, raw_dir
from ..probes import probe_json

FIELDS = (
    "nom,code,codesPostaux,siren,codeEpci,epci,codeDepartement,codeRegion,population,surface,centre,contour"
)


def raw_file(dep):
    return raw_dir("communes") / f"geo-api-communes-{dep}.json"


def fetch(departements, client=None):
    """Download every département's file; returns the number of files that changed."""
    base = settings.OSEZ_SOURCE_URLS["communes"].rstrip("/")
    changed = 0
    with client or http_client() as http:
        for dep in departements:
            url = f"{base}/departements/{dep}/communes"
            changed += download(url, raw_file(dep), params={"fields": FIELDS}, client=http, expect_json=True)
    return changed


def probe(http, dep):
    """The département's communes without their contours (small), to check the fields."""
    base = settings.OSEZ_SOURCE_URLS["communes"].rstrip("/")
    fields = FIELDS.replace(",contour", "")
    return [probe_json(http, "communes", f"{base}/departements/{dep}/communes", {"fields": fields})]
