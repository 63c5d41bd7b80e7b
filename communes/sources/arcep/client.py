"""Downloads ARCEP's "Ma connexion internet" commune statistics into the raw cache.

The file read is ``commune_debit_filaire.csv`` (wired technologies only: fibre, cable, copper), not
``commune_debit.csv``: the latter counts satellite (and fixed 4G), which reaches essentially every
premises, so it says "100 % eligible to 30 Mbit/s" in nearly every commune — true, and useless to a
family comparing villages. The wired file says what the ground network offers at the door.
The cached file keeps the publisher's name (``arcep/commune_debit_filaire.csv``).
"""

from urllib.parse import urlparse

from django.conf import settings

from ..download import download, http_client, raw_dir
from ..probes import probe_csv

LABEL = "commune_debit_filaire"


def raw_file():
    name = urlparse(settings.OSEZ_SOURCE_URLS["arcep"]).path.rsplit("/", 1)[-1] or "commune_debit_filaire.csv"
    return raw_dir("arcep") / name


def fetch(departements, client=None):
    """One national file (filtered to the départements at import); returns 1 when it changed."""
    with client or http_client() as http:
        return int(download(settings.OSEZ_SOURCE_URLS["arcep"], raw_file(), client=http))


def probe(http, dep):
    return [probe_csv(http, LABEL, settings.OSEZ_SOURCE_URLS["arcep"])]
