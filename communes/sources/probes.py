"""Format probes for ``manage.py check_sources``: a handful of records from a source, and their fields.

A source's client declares ``probe(http, departement)`` returning a list of ``Probe`` (one per file it
downloads); its importer declares the required fields of each file in ``FORMATS`` (``{label: required}``).
The command compares them with the same format drift report the importers use, so an operator learns
from one command, before any import, which publisher changed what.
"""

import csv
import io
import struct
import zlib
from dataclasses import dataclass, field

from .download import get_json, looks_like_html, ods_url
from .errors import NetworkError, SourceError
from .files import normalise_field


@dataclass
class Probe:
    label: str  # the file it stands for, as named in the importer's FORMATS
    url: str
    fields: set = field(default_factory=set)
    records: int = 0


def probe_json(http, label, url, params=None, limit=5):
    """Fields of the first ``limit`` records of a JSON array answer (or Opendatasoft ``results``)."""
    answer = get_json(http, url, params)
    if isinstance(answer, dict):
        answer = answer.get("results", answer.get("features", []))
    records = [
        r.get("properties", r) if isinstance(r, dict) and "properties" in r else r for r in answer[:limit]
    ]
    fields = set().union(*(r.keys() for r in records if isinstance(r, dict))) if records else set()
    return Probe(label, url, fields, len(records))


def probe_ods(http, label, base, dataset, *, where=None, refine=None, limit=5):
    """A handful of records of an Opendatasoft dataset (``/records?limit=5``) and their fields."""
    params = {"limit": limit, **({"where": where} if where else {}), **({"refine": refine} if refine else {})}
    return probe_json(http, label, ods_url(base, dataset, "records"), params, limit)


def _csv_probe(label, url, text, normalise=False):
    lines = text.splitlines()
    if not lines:
        raise SourceError(f"aucune ligne lue depuis {url}")
    counts = {d: lines[0].count(d) for d in (";", ",", "|", "\t")}
    delimiter = max(counts, key=counts.get)
    rows = list(csv.reader(io.StringIO("\n".join(lines[:6])), delimiter=delimiter))
    header = [h.strip().lstrip("\ufeff") for h in rows[0]]
    if normalise:  # importers reading through files.CsvFile compare normalised names ('Code_RNE' → code_rne)
        header = [normalise_field(h) for h in header]
    return Probe(label, url, set(header), max(0, len(rows) - 1))


def _head(http, url, size):
    """The first ``size`` bytes of ``url`` (a Range request; a server ignoring it is read until ``size``)."""
    try:
        with http.stream("GET", url, headers={"Range": f"bytes=0-{size - 1}"}) as response:
            if response.status_code >= 400:
                raise NetworkError(f"le serveur a répondu {response.status_code} pour {url}")
            data = b""
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) >= size:
                    break
            return data[:size]
    except NetworkError:
        raise
    except Exception as exc:  # httpx errors of every kind: the probe only reports them
        raise NetworkError(f"requête impossible vers {url} : {exc}") from exc


def probe_csv(http, label, url, size=65536):
    """Header and first rows of a CSV file, from its first bytes only (names normalised as ``CsvFile`` does)."""
    data = _head(http, url, size)
    if looks_like_html(data[:512]):
        raise SourceError(f"une page HTML a été servie au lieu des données pour {url}")
    return _csv_probe(label, url, data.decode("utf-8", errors="replace").rsplit("\n", 1)[0], normalise=True)


def probe_gzip_csv(http, label, url, size=65536):
    """Header and first rows of a gzip-compressed CSV file, from its first bytes only."""
    data = _head(http, url, size)
    if looks_like_html(data[:512]):
        raise SourceError(f"une page HTML a été servie au lieu des données pour {url}")
    if data[:2] != b"\x1f\x8b":
        raise SourceError(f"{url} n'est pas un fichier gzip")
    text = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data).decode("utf-8", errors="replace")
    return _csv_probe(label, url, text.rsplit("\n", 1)[0], normalise=True)


def probe_zip_csv(http, label, url, size=262144):
    """Header and first rows of the first CSV member of a zip, from the zip's first bytes only.

    A zip starts with its first member's local header followed by its compressed data, so a Range
    request for the first bytes and a raw-deflate decompressor give the member's first lines without
    downloading the national file (140 MB for the BPE).
    """
    data = _head(http, url, size)
    if looks_like_html(data[:512]):
        raise SourceError(f"une page HTML a été servie au lieu des données pour {url}")
    if data[:4] != b"PK\x03\x04":
        raise SourceError(f"{url} n'est pas un fichier zip")
    method, _t, _d, _crc, _csize, _usize, name_len, extra_len = struct.unpack("<HHHIIIHH", data[8:30])
    start = 30 + name_len + extra_len
    body = data[start:]
    if method == 8:
        body = zlib.decompressobj(-15).decompress(body)
    elif method != 0:
        raise SourceError(f"{url} : méthode de compression zip {method} non prise en charge")
    return _csv_probe(label, url, body.decode("utf-8", errors="replace").rsplit("\n", 1)[0])
