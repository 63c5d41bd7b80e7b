"""Shared machinery of the sources: raw-cache downloads, file sniffing, row checks and safe publishing.

Publishing rule: an importer first reads and validates the whole batch in memory (no write), then
``publish_places`` checks the batch as a whole (empty, shrinking) and writes it in one transaction, so
readers see the old data or the new one, never a mix, and a refused batch leaves everything untouched.
"""

import codecs
import csv
import hashlib
import io
import json
import logging
import math
import os
import tempfile
from dataclasses import dataclass, field
from email.utils import formatdate

import httpx
from django.conf import settings
from django.db import connection, reset_queries, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

MAX_REJECTED_KEPT = 50
BATCH_SIZE = 2000
EARTH_RADIUS_KM = 6371.0088


class SourceError(Exception):
    """A whole-file problem: the source is aborted with this (French) message, nothing is written."""


class NetworkError(SourceError):
    """The source could not be downloaded (timeout, refused connection, HTTP error): worth retrying."""


class MissingRawFile(SourceError):
    """The raw cache does not hold the file an import needs."""


# --- raw cache and downloads ---------------------------------------------------------------------


def raw_dir(source_slug):
    return settings.OSEZ_RAW_DIR / source_slug


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
    try:
        return json.loads(_meta_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def http_client():
    # A short connect timeout makes a machine without network fail in seconds, not minutes; the read
    # timeout stays long because the national BPE zip is large.
    total = settings.OSEZ_SOURCE_TIMEOUT
    timeout = httpx.Timeout(total, connect=min(5.0, total))
    return httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": "osez-refresh/1.0"})


def download(url, dest, *, params=None, client=None, expect_json=False):
    """Fetch ``url`` into ``dest`` (atomically, only if the answer is good); return True when it changed.

    Conditional request (ETag / Last-Modified kept next to the file), the file's SHA-256 is stored in
    the same ``.meta.json``. An HTML page served with 200, an empty body or (for JSON sources) a body
    that is not JSON never replaces the cached file.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
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
                raise NetworkError(f"le serveur a répondu {response.status_code} pour {url}")
            fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.")
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


# --- reading files -------------------------------------------------------------------------------


def open_text(path_or_bytes_stream, sample_size=1 << 20):
    """A text stream with the encoding detected (UTF-8, else Latin-1/CP1252) and the head checked.

    Detection reads a sample: strict UTF-8 decoding either works (UTF-8, with or without BOM) or the
    file is one of the Latin-1 family, which is what French publishers used before UTF-8.
    """
    raw = (
        open(path_or_bytes_stream, "rb")  # noqa: SIM115 - the returned stream owns and closes it
        if isinstance(path_or_bytes_stream, (str, os.PathLike))
        else path_or_bytes_stream
    )
    sample = raw.read(sample_size)
    if not sample.strip():
        raw.close()
        raise SourceError("fichier vide")
    if looks_like_html(sample):
        raw.close()
        raise SourceError("le fichier est une page HTML (page d'erreur du serveur ?) et non des données")
    encoding = "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        encoding = "cp1252"
    rest = raw
    stream = io.BufferedReader(_Prefixed(sample, rest))
    return io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline=""), encoding


class _Prefixed(io.RawIOBase):
    """A byte stream replaying the sniffed sample before the rest of the file (so we never seek)."""

    def __init__(self, prefix, rest):
        self._prefix = memoryview(prefix)
        self._rest = rest

    def readable(self):
        return True

    def readinto(self, buffer):
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self):
        self._rest.close()
        super().close()


def csv_reader(text_stream):
    """A csv.reader with the delimiter sniffed from the header line, and the header itself."""
    header_line = text_stream.readline()
    if not header_line.strip():
        raise SourceError("fichier vide (pas de ligne d'en-tête)")
    counts = {d: header_line.count(d) for d in (";", ",", "|", "\t")}
    delimiter = max(counts, key=counts.get)
    header = [
        h.strip().strip('"').lstrip("\ufeff") for h in next(csv.reader([header_line], delimiter=delimiter))
    ]
    return csv.reader(text_stream, delimiter=delimiter), header


def load_json_records(path):
    """A JSON array of flat records; a truncated, HTML or non-array file is a whole-file error."""
    with open(path, "rb") as fh:
        data = fh.read()
    if not data.strip():
        raise SourceError(f"fichier vide : {path.name}")
    if looks_like_html(data[:1024]):
        raise SourceError(f"{path.name} est une page HTML (page d'erreur du serveur ?) et non des données")
    try:
        records = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        try:
            records = json.loads(data.decode("cp1252"))
        except ValueError as exc:
            raise SourceError(f"{path.name} n'est pas un JSON valide (fichier tronqué ?) : {exc}") from exc
    except ValueError as exc:
        raise SourceError(f"{path.name} n'est pas un JSON valide (fichier tronqué ?) : {exc}") from exc
    if isinstance(records, dict) and isinstance(records.get("results"), list):
        records = records["results"]
    if not isinstance(records, list):
        raise SourceError(f"{path.name} n'est pas une liste d'enregistrements JSON")
    return records


def json_records(departements, raw_file, required, batch, progress=None):
    """(département, line, record) for every object of each département's raw JSON file, whole-file
    checks first.

    Items that are not JSON objects are counted and rejected here; the caller counts the rest as it
    decides what belongs to the batch. The batch gets the files' checksum once all were read.
    """
    paths = []
    for dep in departements:
        path = raw_file(dep)
        if not path.exists():
            raise MissingRawFile(f"fichier absent du cache : {path}")
        paths.append(path)
        records = load_json_records(path)
        if records:
            require_columns(
                set().union(*(r.keys() for r in records if isinstance(r, dict))), required, path.name
            )
        for line, record in enumerate(records, start=1):
            if progress:
                progress(1)
            if not isinstance(record, dict):
                batch.total_rows += 1
                batch.reject(line, "enregistrement qui n'est pas un objet JSON")
                continue
            yield dep, line, record
    batch.checksum = combined_checksum(paths)


def require_columns(present, required, file_name):
    missing = [c for c in required if c not in present]
    if missing:
        raise SourceError(
            f"{file_name} : colonne(s) obligatoire(s) absente(s) : {', '.join(missing)} "
            f"(colonnes trouvées : {', '.join(sorted(present)[:30])})"
        )


# --- rows ----------------------------------------------------------------------------------------


def to_float(value):
    if value is None:
        return None
    if isinstance(value, (int, float)):
        result = float(value)
    else:
        text = str(value).strip().replace(",", ".")
        if not text:
            return None
        result = float(text)  # ValueError is turned into a row rejection by the caller
    if not math.isfinite(result):
        raise ValueError(value)
    return result


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass
class CommuneInfo:
    code: str
    departement: str
    latitude: float | None
    longitude: float | None
    max_km: float


def commune_index(departements):
    """Active communes of the départements: code → what row checks need (one query)."""
    from communes.models import Commune

    index = {}
    for code, dep, lat, lon, surface in Commune.objects.filter(
        departement_id__in=departements, is_active=True
    ).values_list("code_insee", "departement_id", "latitude", "longitude", "surface_ha"):
        # A place may sit anywhere in its commune: allow the commune's "radius" with a wide margin.
        radius = math.sqrt((surface or 0) / 100 / math.pi)
        index[code] = CommuneInfo(code, dep, lat, lon, 15.0 + 3 * radius)
    if not index:
        raise SourceError(
            "aucune commune chargée pour le(s) département(s) "
            f"{', '.join(departements)} : importez d'abord la source « communes »"
        )
    return index


@dataclass
class Batch:
    """A validated batch: rows ready to publish, rejected rows with their reason, counts."""

    rows: list = field(default_factory=list)
    rejected: list = field(default_factory=list)
    rejected_count: int = 0
    total_rows: int = 0
    checksum: str = ""
    keys: set = field(default_factory=set)
    departements: tuple = ()
    notes: list = field(default_factory=list)

    def reject(self, line, reason, ref=""):
        self.rejected_count += 1
        if len(self.rejected) < MAX_REJECTED_KEPT:
            self.rejected.append({"ligne": line, "ref": str(ref)[:100], "raison": reason})

    def add_place(
        self, line, *, layer, ref, name, commune, lat, lon, address="", postcode="", attributes=None
    ):
        """Check one place and keep it, or reject it with a reason; returns True when kept."""
        key = (layer, ref)
        if not ref:
            self.reject(line, "identifiant manquant", ref)
            return False
        if key in self.keys:
            self.reject(line, f"identifiant en double : {ref}", ref)
            return False
        if (lat is None) != (lon is None):
            self.reject(line, "coordonnées incomplètes", ref)
            return False
        if lat is not None:
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                self.reject(line, f"coordonnées invalides ({lat}, {lon})", ref)
                return False
            if commune.latitude is not None:
                distance = haversine_km(lat, lon, commune.latitude, commune.longitude)
                if distance > commune.max_km:
                    self.reject(
                        line,
                        f"coordonnées à {distance:.0f} km de la commune {commune.code}, hors du territoire",
                        ref,
                    )
                    return False
        self.keys.add(key)
        attrs = json.dumps(attributes or {}, ensure_ascii=False, sort_keys=True, default=str)
        name = (name or "").strip()[:300] or ref
        self.rows.append(
            (
                layer,
                ref[:100],
                name,
                commune.code,
                lat,
                lon,
                (address or "").strip()[:300],
                (postcode or "")[:5],
                attrs,
            )
        )
        return True


COPY_BATCH = 20000
PLACE_COLUMNS = ("layer_id", "source_id", "source_ref", "name", "commune_id", "latitude", "longitude", "address",
                 "postcode", "attributes", "row_hash", "is_active", "first_seen", "last_seen",
                 # Columns of migration 0005 have no database default: COPY must give them their value.
                 "phone", "email", "website", "position_quality")  # fmt: skip


def copy_rows(model, columns, rows):
    """PostgreSQL COPY of plain tuples: several times faster than INSERTs built by bulk_create.

    Hand-written because Django has no COPY API; used only on PostgreSQL, inside the caller's transaction.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def insert_places(items, source, now, build):
    """Create places from (row, digest) pairs: COPY on PostgreSQL, bulk_create elsewhere."""
    from communes.models import Place

    if not items:
        return
    if connection.vendor == "postgresql":
        copy_rows(
            Place,
            PLACE_COLUMNS,
            ((layer, source.pk, ref, name, commune, lat, lon, address, postcode, attrs, digest, True, now, now,
              "", "", "", "exact")
             for (layer, ref, name, commune, lat, lon, address, postcode, attrs), digest in items),
        )  # fmt: skip
    else:
        Place.objects.bulk_create([build(row, digest) for row, digest in items], batch_size=BATCH_SIZE)
    forget_queries()


def forget_queries():
    """Drop Django's DEBUG query log: with DEBUG on it would keep every multi-megabyte bulk INSERT."""
    if settings.DEBUG:
        reset_queries()


def row_digest(row):
    return hashlib.blake2b(repr(row).encode(), digest_size=16).hexdigest()


@dataclass
class PublishResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    superseded: int = 0


def check_batch_size(accepted, previous, *, force, what="lignes"):
    """Refuse an empty batch or one that lost more than OSEZ_MAX_SHRINK of the last good run."""
    if accepted == 0:
        raise SourceError(f"lot vide : aucune ligne valide ({what}), les données publiées sont conservées")
    if force or not previous:
        return
    shrink = 1 - accepted / previous
    if shrink > settings.OSEZ_MAX_SHRINK:
        raise SourceError(
            f"le lot ne compte que {accepted} {what} valides contre {previous} publiées "
            f"(-{shrink:.0%}, plus de {settings.OSEZ_MAX_SHRINK:.0%}) : refusé, les données publiées sont "
            "conservées (relancer avec --force après vérification)"
        )


def publish_places(source, batch, *, force=False, progress=None, layers_scope=None, also=None):
    """Upsert a validated batch of places for ``source`` within its départements, in one transaction.

    ``layers_scope`` limits the places that may be marked inactive (None: all layers of the source);
    ``also(result)`` runs inside the same transaction (e.g. superseding BPE places).
    """
    from communes.models import Place

    batch.keys = set()  # only needed while reading; frees a set of every key before the writes
    scope = Place.objects.filter(source=source, commune__departement_id__in=batch.departements)
    if layers_scope is not None:
        scope = scope.filter(layer_id__in=layers_scope)
    previous = scope.filter(is_active=True).count()
    check_batch_size(len(batch.rows), previous, force=force, what="lieux")

    existing = {
        (layer, ref): (pk, digest, active)
        for pk, layer, ref, digest, active in scope.values_list(
            "id", "layer_id", "source_ref", "row_hash", "is_active"
        ).iterator(chunk_size=20000)
    }
    now = timezone.now()
    result = PublishResult()
    to_create, to_update, seen = [], [], []
    fields = ["name", "commune_id", "latitude", "longitude", "address", "postcode", "attributes", "row_hash",
              "is_active", "last_seen"]  # fmt: skip

    def build(row, digest, pk=None):
        layer, ref, name, commune, lat, lon, address, postcode, attrs = row
        place = Place(
            layer_id=layer, source=source, source_ref=ref, name=name, commune_id=commune, latitude=lat,
            longitude=lon, address=address, postcode=postcode, attributes=json.loads(attrs), row_hash=digest,
            is_active=True, last_seen=now,
        )  # fmt: skip
        if pk is None:
            place.first_seen = now
        else:
            place.pk = pk
        return place

    with transaction.atomic():
        for row in batch.rows:
            digest = row_digest(row)
            found = existing.pop((row[0], row[1]), None)
            if found is None:
                to_create.append((row, digest))
                result.created += 1
            elif found[1] != digest or not found[2]:
                to_update.append(build(row, digest, found[0]))
                result.updated += 1
            else:
                seen.append(found[0])
                result.unchanged += 1
            if len(to_create) >= COPY_BATCH:
                insert_places(to_create, source, now, build)
                to_create = []
                forget_queries()
            if len(to_update) >= BATCH_SIZE:
                Place.objects.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
                to_update = []
                forget_queries()
            if len(seen) >= 20000:
                Place.objects.filter(pk__in=seen).update(last_seen=now)
                seen = []
                forget_queries()
            if progress:
                progress(1)
        insert_places(to_create, source, now, build)
        Place.objects.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
        if seen:
            Place.objects.filter(pk__in=seen).update(last_seen=now)
        # What is left in ``existing`` vanished from this complete, validated batch: inactive, not deleted.
        vanished = [pk for pk, _digest, active in existing.values() if active]
        for start in range(0, len(vanished), 20000):
            result.deactivated += Place.objects.filter(pk__in=vanished[start : start + 20000]).update(
                is_active=False
            )
        if also:
            also(result)
    return result


def publish_preferred(source, batch, *, force=False, progress=None):
    """Publish a source that is preferred for some layers, retiring the BPE's places of those layers."""
    from communes.catalog import PREFERRED_SOURCE

    layers = [layer for layer, preferred in PREFERRED_SOURCE.items() if preferred == source.slug]

    def supersede(result):
        result.superseded = supersede_bpe(layers, batch.departements)

    return publish_places(source, batch, force=force, progress=progress, also=supersede)


def supersede_bpe(layers, departements):
    """Deactivate BPE places of layers now published by their preferred source in these départements."""
    from communes.models import Place

    return Place.objects.filter(
        source_id="bpe", layer_id__in=layers, commune__departement_id__in=departements, is_active=True
    ).update(is_active=False)
