"""Downloading: the raw cache, conditional HTTP downloads that never damage it, and Opendatasoft exports.

A client only ever writes a complete, checked answer into ``OSEZ_RAW_DIR/<source>/<file>`` (atomically,
through a temporary file); everything else — an HTML page served with 200, an empty body, a JSON export
shorter than the ``total_count`` the API announced — is refused and the cached file stays as it was.
"""

import contextlib
import contextvars
import hashlib
import json
import os
import tempfile
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

import httpx
from django.conf import settings

from .errors import NetworkError, SourceError

# Where importers read raw files from: OSEZ_RAW_DIR, or for the length of ``reading_from`` another root
# (the embedded fixtures/raw when a source could not be reached). A context variable rather than an
# argument, so that every importer — those of the new sources too — falls back without knowing it.
_RAW_ROOT = contextvars.ContextVar("osez_raw_root", default=None)
FICTIONAL_MARKER = "FICTIONAL"


def raw_root():
    return _RAW_ROOT.get() or Path(settings.OSEZ_RAW_DIR)


def raw_dir(source_slug):
    return raw_root() / source_slug


@contextlib.contextmanager
def reading_from(root):
    """Importers read ``root/<source>/…`` instead of OSEZ_RAW_DIR inside this block."""
    token = _RAW_ROOT.set(Path(root))
    try:
        yield
    finally:
        _RAW_ROOT.reset(token)


def fictional_note(source_slug):
    """The first line of ``<raw dir>/<source>/FICTIONAL`` when that folder holds fictional files, else ''."""
    marker = raw_dir(source_slug) / FICTIONAL_MARKER
    try:
        text = marker.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return (text.splitlines() or ["données fictives"])[0].strip() or "données fictives"


def file_checksum(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def combined_checksum(paths):
    if len(paths) == 1:
        return file_checksum(paths[0])
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(file_checksum(path).encode())
    return digest.hexdigest()


def looks_like_html(head):
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in start[:100]


def _meta_path(path):
    return path.with_name(path.name + ".meta.json")


def read_meta(path):
    """What was recorded next to a raw file: URL, validators, checksum, ``total_count``, data date…"""
    for candidate in (path, path.with_name(path.name.removesuffix(".gz"))):
        try:
            return json.loads(_meta_path(candidate).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return {}


def meta_data_date(path):
    """The data's own date for a raw file: a ``data_date`` recorded with it, else the server's
    ``Last-Modified``, else the day it was downloaded; None for a file nobody described."""
    from .rows import parse_date

    meta = read_meta(path)
    if meta.get("data_date"):
        return parse_date(meta["data_date"])
    for key in ("last_modified", "downloaded_at"):
        if meta.get(key):
            try:
                return parsedate_to_datetime(meta[key]).date()
            except (TypeError, ValueError):
                continue
    return None


def http_client():
    # A short connect timeout makes a machine without network fail in seconds, not minutes; the read
    # timeout stays long because the national BPE zip is large.
    total = settings.OSEZ_SOURCE_TIMEOUT
    timeout = httpx.Timeout(total, connect=min(5.0, total))
    return httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": "osez-refresh/1.0"})


def _status_error(status, url):
    if status == 404:
        error = NetworkError(
            f"adresse introuvable (404) : {url} — le producteur a peut-être déplacé ou retiré ce fichier ; "
            "l'adresse se change dans les réglages (variables OSEZ_URL_…)"
        )
    else:
        error = NetworkError(f"le serveur a répondu {status} pour {url}")
    error.status = status
    return error


def download(url, dest, *, params=None, client=None, expect_json=False, validate=None, extra_meta=None):
    """Fetch ``url`` into ``dest`` (atomically, only if the answer is good); return True when it changed.

    Conditional request (ETag / Last-Modified kept next to the file), the file's SHA-256 is stored in
    the same ``.meta.json``. An HTML page served with 200, an empty body, a body that is not JSON (for
    JSON sources) or one that ``validate(path)`` refuses (raising SourceError) never replaces the cache.
    """
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SourceError(f"cache brut non inscriptible ({dest.parent}) : {exc}") from exc
    meta = read_meta(dest) if dest.exists() else {}
    headers = {}
    if meta.get("etag"):
        headers["If-None-Match"] = meta["etag"]
    if meta.get("last_modified"):
        headers["If-Modified-Since"] = meta["last_modified"]
    own_client = client is None
    client = client or http_client()
    tmp_name = None
    try:
        with client.stream("GET", url, params=params, headers=headers) as response:
            if response.status_code == 304:
                return False
            if response.status_code >= 400:
                raise _status_error(response.status_code, response.url)
            try:
                fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.")
            except OSError as exc:
                raise SourceError(f"cache brut non inscriptible ({dest.parent}) : {exc}") from exc
            digest = hashlib.sha256()
            size = 0
            head = b""
            with os.fdopen(fd, "wb") as out:
                for chunk in response.iter_bytes():
                    if len(head) < 512:
                        head += chunk[: 512 - len(head)]
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            content_type = response.headers.get("content-type", "")
            if size == 0:
                raise SourceError(f"réponse vide pour {url}")
            if "text/html" in content_type or looks_like_html(head):
                raise SourceError(f"une page HTML a été servie au lieu des données pour {url}")
            if expect_json and not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"[", b"{")):
                raise SourceError(f"la réponse n'est pas du JSON pour {url}")
            if validate:
                validate(Path(tmp_name))
            os.replace(tmp_name, dest)
            tmp_name = None
            _meta_path(dest).write_text(
                json.dumps(
                    {
                        "url": str(response.url),
                        "etag": response.headers.get("etag", ""),
                        "last_modified": response.headers.get("last-modified", ""),
                        "downloaded_at": formatdate(usegmt=True),
                        "sha256": digest.hexdigest(),
                        "size": size,
                        **(extra_meta or {}),
                    }
                ),
                encoding="utf-8",
            )
            return True
    except httpx.TimeoutException as exc:
        raise NetworkError(f"délai dépassé en téléchargeant {url} ({type(exc).__name__})") from exc
    except httpx.HTTPError as exc:
        raise NetworkError(f"téléchargement impossible de {url} : {exc}") from exc
    finally:
        if tmp_name and os.path.exists(tmp_name):
            os.unlink(tmp_name)
        if own_client:
            client.close()


# --- Opendatasoft Explore v2.1 (Annuaire de l'éducation, Data ES, and several of the new sources) ------


def ods_url(base, dataset, endpoint):
    return f"{base.rstrip('/')}/api/explore/v2.1/catalog/datasets/{dataset}/{endpoint}"


def get_json(client, url, params=None):
    """GET a small JSON answer (an API's count or a handful of records), with the usual error messages."""
    try:
        response = client.get(url, params=params)
    except httpx.TimeoutException as exc:
        raise NetworkError(f"délai dépassé pour {url} ({type(exc).__name__})") from exc
    except httpx.HTTPError as exc:
        raise NetworkError(f"requête impossible vers {url} : {exc}") from exc
    if response.status_code >= 400:
        raise _status_error(response.status_code, response.url)
    if looks_like_html(response.content[:512]):
        raise SourceError(f"une page HTML a été servie au lieu des données pour {url}")
    try:
        return response.json()
    except ValueError as exc:
        raise SourceError(f"la réponse n'est pas du JSON pour {url}") from exc


def ods_count(client, base, dataset, filters):
    """The ``total_count`` the API announces for these filters (``/records?limit=0``)."""
    url = ods_url(base, dataset, "records")
    answer = get_json(client, url, {**filters, "limit": 0})
    try:
        return int(answer["total_count"])
    except (KeyError, TypeError, ValueError) as exc:
        raise SourceError(f"{url} n'annonce pas de total_count") from exc


def ods_export(client, base, dataset, dest, *, where=None, refine=None, select=None):
    """Download a whole Opendatasoft JSON export into ``dest``, refusing one shorter than announced.

    An export was seen cut at 33,847 of 151,944 installations while still being valid JSON: the count
    asked first (same filters) is compared with what arrived, and kept in the file's ``.meta.json`` so
    that an offline import of that file checks it again.
    """
    from .files import load_json_records

    filters = {k: v for k, v in (("where", where), ("refine", refine)) if v}
    expected = ods_count(client, base, dataset, filters)
    url = ods_url(base, dataset, "exports/json")

    def complete(path):
        received = len(load_json_records(path))
        if received < expected:
            raise SourceError(
                f"export tronqué : {received} enregistrements reçus sur {expected} annoncés par {url} "
                "— le fichier du cache est conservé"
            )

    params = {**filters, **({"select": select} if select else {})}
    return download(
        url, dest, params=params, client=client, expect_json=True, validate=complete,
        extra_meta={"total_count": expected},
    )  # fmt: skip
