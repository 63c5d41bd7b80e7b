"""Downloads the national BPE zip (one file for every département) into the raw cache.

The address is a setting (``OSEZ_URL_BPE``, default the newest vintage INSEE serves): INSEE withdraws
old vintages (``BPE23.zip`` in October 2025), and a 404 says so with the address and the setting.
"""

from urllib.parse import urlparse

from django.conf import settings

from ..download import download, http_client, raw_dir
from ..probes import probe_zip_csv


def raw_file():
    name = urlparse(settings.OSEZ_SOURCE_URLS["bpe"]).path.rsplit("/", 1)[-1] or "BPE.zip"
    return raw_dir("bpe") / name


def fetch(departements, client=None):
    with client or http_client() as http:
        return int(download(settings.OSEZ_SOURCE_URLS["bpe"], raw_file(), client=http))


def probe(http, dep):
    """The header and first rows of the zip's CSV, from its first 256 kB (a Range request)."""
    return [probe_zip_csv(http, "bpe", settings.OSEZ_SOURCE_URLS["bpe"])]
