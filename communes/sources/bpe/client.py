"""Downloads the national BPE zip (one file for every département) into the raw cache."""

from urllib.parse import urlparse

from django.conf import settings

from ..base import download, http_client, raw_dir


def raw_file():
    name = urlparse(settings.OSEZ_SOURCE_URLS["bpe"]).path.rsplit("/", 1)[-1] or "BPE.zip"
    return raw_dir("bpe") / name


def fetch(departements, client=None):
    with client or http_client() as http:
        return int(download(settings.OSEZ_SOURCE_URLS["bpe"], raw_file(), client=http))
