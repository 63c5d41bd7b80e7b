"""Reading raw files: text decoding decided over the whole file, CSV and JSON, and the format check.

- **Encoding.** One encoding for a whole file, from evidence that covers it: every line is decoded as
  it streams by (UTF-8 when it is, Windows-1252 — the Latin-1 family French publishers used — when it
  is not), and a file whose lines disagree is refused, naming a line of each kind. A single Latin-1
  line inside a UTF-8 file can therefore never turn the whole file into "MÃ©decin".
- **Format.** ``require_fields`` fails a file that lacks a required field with a *format drift report*:
  the field, the fields found that look closest, and the source's documentation address.
- **JSON** is UTF-8 by definition (RFC 8259): a JSON file that is not valid UTF-8 is refused, never re-read
  as Latin-1.
- Files may be stored gzip-compressed (``name.gz``, or any name whose content is gzip): readers open them
  transparently, and a gzip stream cut short is a whole-file error.
"""

import csv
import difflib
import gzip
import io
import json
import re
import zipfile
import zlib
from pathlib import Path

from .download import looks_like_html
from .errors import FormatDrift, MissingRawFile, SourceError

# A well-formed multi-byte UTF-8 sequence: in a line that is not valid UTF-8 as a whole, finding one
# means the line (or file) mixes UTF-8 and a legacy encoding.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
LEGACY = "cp1252"
HEAD_SIZE = 4096
GZIP_MAGIC = b"\x1f\x8b"
# What a damaged compressed stream raises while it is read.
READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error)


def resolve(path):
    """``path`` itself, or its gzip-compressed sibling ``path.gz`` when only that one exists."""
    path = Path(path)
    if path.exists():
        return path
    compressed = path.with_name(path.name + ".gz")
    return compressed if compressed.exists() else path


def exists(path):
    return resolve(path).exists()


def open_binary(path):
    """The file's bytes, decompressed when its content is gzip (whatever its name says)."""
    path = resolve(path)
    if not path.exists():
        raise MissingRawFile(f"fichier absent du cache : {path}")
    raw = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    if raw.peek(2)[:2] == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=raw, mode="rb")
    return raw


def interrupted(name, exc):
    return SourceError(f"{name} : lecture interrompue (fichier tronqué ?) : {exc}")


def read_bytes(path):
    with open_binary(path) as fh:
        try:
            return fh.read()
        except READ_ERRORS as exc:
            raise interrupted(Path(path).name, exc) from exc


def check_head(head, name, *, text=True):
    """Whole-file refusals decided from the first bytes: empty, an HTML page, UTF-16 (for a text file)."""
    if not head.strip():
        raise SourceError(f"{name} : fichier vide")
    if looks_like_html(head):
        raise SourceError(f"{name} est une page HTML (page d'erreur du serveur ?) et non des données")
    if text and (head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:200].count(b"\x00") > 10):
        raise SourceError(f"{name} : encodage UTF-16 non pris en charge, le fichier doit être en UTF-8")


class TextLines:
    """The decoded lines of a byte stream, one encoding for the whole of it (see the module docstring).

    Iterates like a text file opened with ``newline=''`` (``csv.reader`` takes it as is) and has the
    ``readline`` of one. ``encoding`` is the encoding seen so far (``utf-8`` until a legacy line shows up).
    """

    def __init__(self, raw, name="fichier"):
        self._raw = raw if hasattr(raw, "peek") else io.BufferedReader(raw, 1 << 20)
        self.name = name
        self.line_no = 0
        self.first_utf8 = None
        self.first_legacy = None
        try:
            head = self._raw.peek(HEAD_SIZE)[:HEAD_SIZE]
            check_head(head, name)
        except READ_ERRORS as exc:
            self.close()
            raise interrupted(name, exc) from exc
        except SourceError:
            self.close()
            raise
        self._skip_bom = head.startswith(b"\xef\xbb\xbf")

    @property
    def encoding(self):
        return LEGACY if self.first_legacy else "utf-8"

    def _mixed(self):
        return SourceError(
            f"{self.name} : encodages mélangés — ligne {self.first_utf8} en UTF-8, ligne {self.first_legacy} "
            "en Latin-1/Windows-1252 : fichier refusé (un fichier doit avoir un seul encodage)"
        )

    def _decode(self, data):
        self.line_no += 1
        if self._skip_bom:
            data = data.removeprefix(b"\xef\xbb\xbf")
            self._skip_bom = False
        if data.isascii():
            return data.decode("ascii")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            if UTF8_SEQUENCE.search(data):
                self.first_utf8 = self.first_utf8 or self.line_no
                self.first_legacy = self.first_legacy or self.line_no
                raise self._mixed() from None
            self.first_legacy = self.first_legacy or self.line_no
            if self.first_utf8:
                raise self._mixed() from None
            try:
                return data.decode(LEGACY)
            except UnicodeDecodeError as exc:
                raise SourceError(f"{self.name} : octet illisible ligne {self.line_no} ({exc})") from exc
        self.first_utf8 = self.first_utf8 or self.line_no
        if self.first_legacy:
            raise self._mixed()
        return text

    def __iter__(self):
        return self

    def __next__(self):
        try:
            data = self._raw.readline()
        except READ_ERRORS as exc:
            raise interrupted(self.name, exc) from exc
        if not data:
            raise StopIteration
        return self._decode(data)

    def readline(self):
        try:
            return next(self)
        except StopIteration:
            return ""

    def close(self):
        self._raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_text(path_or_bytes_stream, name=None):
    """(TextLines, encoding) for a path (plain or .gz) or an open binary stream."""
    if isinstance(path_or_bytes_stream, (str, Path)):
        path = resolve(path_or_bytes_stream)
        lines = TextLines(open_binary(path), name or path.name)
    else:
        lines = TextLines(path_or_bytes_stream, name or "fichier")
    return lines, lines.encoding


def normalise_field(name):
    """Field names as importers compare them: lower case, spaces and hyphens as underscores."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().strip('"').lstrip("\ufeff").strip()).lower()


def csv_reader(lines):
    """A csv.reader with the delimiter sniffed from the header line, and the header itself."""
    header_line = lines.readline()
    if not header_line.strip():
        raise SourceError("fichier vide (pas de ligne d'en-tête)")
    counts = {d: header_line.count(d) for d in (";", ",", "|", "\t")}
    delimiter = max(counts, key=counts.get)
    header = [
        h.strip().strip('"').lstrip("\ufeff") for h in next(csv.reader([header_line], delimiter=delimiter))
    ]
    return csv.reader(lines, delimiter=delimiter), header


def decode_document(data, name):
    """A JSON document's bytes as text. JSON is UTF-8 by definition (RFC 8259): a document that is not
    valid UTF-8 is refused — mixing encodings or written whole in Latin-1 — never re-read as Latin-1."""
    check_head(data[:HEAD_SIZE], name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        if UTF8_SEQUENCE.search(data):
            raise SourceError(
                f"{name} : encodages mélangés — du texte UTF-8 et un octet Latin-1/Windows-1252 "
                f"(ligne {line}) : fichier refusé"
            ) from exc
        raise SourceError(
            f"{name} : encodage invalide — un fichier JSON doit être en UTF-8, octet illisible ligne {line} "
            "(Latin-1 ?) : fichier refusé"
        ) from exc


def load_json_records(path):
    """A JSON array of records (or an Opendatasoft ``{"results": […]}``, or a GeoJSON FeatureCollection,
    whose features become records with their geometry); a truncated or HTML file is a whole-file error."""
    path = resolve(path)
    if not path.exists():
        raise MissingRawFile(f"fichier absent du cache : {path}")
    text = decode_document(read_bytes(path), path.name)
    try:
        records = json.loads(text)
    except ValueError as exc:
        raise SourceError(f"{path.name} n'est pas un JSON valide (fichier tronqué ?) : {exc}") from exc
    if isinstance(records, dict) and isinstance(records.get("results"), list):
        records = records["results"]
    elif isinstance(records, dict) and isinstance(records.get("features"), list):
        records = [
            {**(f.get("properties") or {}), "geometry": f.get("geometry")} if isinstance(f, dict) else f
            for f in records["features"]
        ]
    if not isinstance(records, list):
        raise SourceError(f"{path.name} n'est pas une liste d'enregistrements JSON")
    return records


def sniff_kind(path):
    """'json' or 'csv' from a file's first meaningful byte (names can lie: the content decides)."""
    with open_binary(path) as fh:
        try:
            head = fh.read(HEAD_SIZE)
        except READ_ERRORS as exc:
            raise interrupted(Path(path).name, exc) from exc
    check_head(head, Path(path).name)
    return "json" if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{") else "csv"


class CsvFile:
    """A CSV file streamed row by row, read by header name, whatever its delimiter, compression and encoding.

    ``index[name]`` gives a column's position (names normalised by ``normalise_field``: 'Code_RNE' is
    ``code_rne``); a missing ``required`` field fails with the format drift report. ``rows()`` yields
    ``(line, lines spanned, fields)`` with the file's own line numbers; a row whose number of fields
    differs from the header's (``width``) is yielded too — a shifted column, a cut line, or an
    unbalanced quote that swallowed the next lines (``lines spanned`` then says how many) — for the
    importer to reject with whatever key it can still read.
    """

    def __init__(self, path, *, required=(), source_slug=""):
        self.path = resolve(path)
        self.name = self.path.name
        self.lines, _encoding = open_text(self.path)
        try:
            self._reader, header = csv_reader(self.lines)
            self.header = [normalise_field(h) for h in header]
            self.index = {}
            for position, name in enumerate(self.header):
                self.index.setdefault(name, position)
            require_fields(self.index, required, self.name, source_slug)
        except (SourceError, csv.Error) as exc:
            self.close()
            if isinstance(exc, csv.Error):
                raise SourceError(f"{self.name} : en-tête CSV illisible : {exc}") from exc
            raise
        self.width = len(self.header)

    @property
    def encoding(self):
        return self.lines.encoding

    def rows(self):
        reader = self._reader
        previous = 1
        try:
            for fields in reader:
                # The header line was read before the reader existed: file line = reader's count + 1.
                start, previous = previous + 1, reader.line_num + 1
                if not any(v.strip() for v in fields):
                    continue
                yield start, previous - start + 1, fields
        except csv.Error as exc:
            raise SourceError(f"{self.name} : CSV illisible ligne {reader.line_num + 1} : {exc}") from exc

    def close(self):
        self.lines.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def read_csv_records(path):
    """(fields, [(line, lines spanned, record or None)]) for a CSV file of a few MB.

    Fields are normalised names; a record is None when its number of columns differs from the header
    (see ``CsvFile``).
    """
    with CsvFile(path) as table:
        records = [
            (line, span, dict(zip(table.header, row, strict=True)) if len(row) == table.width else None)
            for line, span, row in table.rows()
        ]
    return table.header, records


def load_table(path, drop_prefixes=()):
    """(fields, [(line, lines spanned, record or None)]) of a JSON or CSV file, told apart by content.

    Keys are normalised (``normalise_field``); keys starting with one of ``drop_prefixes`` are dropped
    as the file is read (personal data a publisher includes and the platform never keeps).
    """
    from .download import read_meta

    path = resolve(path)
    drop_prefixes = tuple(drop_prefixes)
    if sniff_kind(path) == "json":
        raw_records = load_json_records(path)
        check_announced_count(path, len(raw_records), read_meta(path))
        records = []
        for line, record in enumerate(raw_records, start=1):
            if isinstance(record, dict):
                record = {
                    normalise_field(k): v
                    for k, v in record.items()
                    if not normalise_field(k).startswith(drop_prefixes)
                }
                records.append((line, 1, record))
            else:
                records.append((line, 1, None))
        fields = set().union(*(r.keys() for _l, _s, r in records if r)) if records else set()
        return fields, records
    fields, records = read_csv_records(path)
    if drop_prefixes:
        records = [
            (line, span, {k: v for k, v in r.items() if not k.startswith(drop_prefixes)} if r else r)
            for line, span, r in records
        ]
        fields = [f for f in fields if not f.startswith(drop_prefixes)]
    return set(fields), records


# --- the format drift report ---------------------------------------------------------------------


def documentation_url(source_slug):
    from communes.catalog import documentation_url as lookup

    return lookup(source_slug)


def _folded(name):
    from communes.text import fold

    return re.sub(r"[^a-z0-9]", "", fold(str(name)))


def closest_fields(wanted, present, n=3):
    """The fields of ``present`` that look most like ``wanted`` (case, accents and separators ignored)."""
    by_folded = {}
    for name in present:
        by_folded.setdefault(_folded(name), name)
    matches = difflib.get_close_matches(_folded(wanted), list(by_folded), n=n, cutoff=0.5)
    return [by_folded[m] for m in matches]


def missing_fields(present, required):
    """The required entries absent from ``present``; an entry is a name or a tuple of alternatives."""
    present = set(present)
    missing = []
    for entry in required:
        options = entry if isinstance(entry, tuple) else (entry,)
        if not any(o in present for o in options):
            missing.append(entry)
    return missing


def drift_report(present, required, file_name, source_slug):
    """The format drift message for the required entries missing from ``present`` ('' if none)."""
    missing = missing_fields(present, required)
    if not missing:
        return "", [], []
    names, closest = [], []
    for entry in missing:
        options = entry if isinstance(entry, tuple) else (entry,)
        names.append(" ou ".join(f"« {o} »" for o in options))
        for option in options:
            closest.extend(c for c in closest_fields(option, present) if c not in closest)
    doc = documentation_url(source_slug)
    message = (
        f"{file_name} : le format de la source a changé — champ obligatoire absent : {', '.join(names)} ; "
        + (
            f"champs les plus proches trouvés : {', '.join(closest)}"
            if closest
            else f"aucun champ proche parmi les {len(set(present))} trouvés"
        )
        + (f" ; documentation de la source : {doc}" if doc else "")
    )
    return message, missing, closest


def require_fields(present, required, file_name, source_slug=""):
    """Fail with a format drift report when a required field (or every alternative of one) is missing."""
    message, missing, closest = drift_report(present, required, file_name, source_slug)
    if message:
        raise FormatDrift(
            message, missing=missing, closest=closest, documentation=documentation_url(source_slug)
        )


def json_records(departements, raw_file, required, batch, progress=None, source_slug=""):
    """(département, line, record) for every object of each département's raw JSON file, whole-file
    checks first.

    Items that are not JSON objects are counted and rejected here; the caller counts the rest as it
    decides what belongs to the batch. The batch gets the files' checksum once all were read.
    """
    from .download import combined_checksum, read_meta

    paths = []
    for dep in departements:
        path = resolve(raw_file(dep))
        if not path.exists():
            raise MissingRawFile(f"fichier absent du cache : {path}")
        paths.append(path)
        records = load_json_records(path)
        check_announced_count(path, len(records), read_meta(path))
        if records:
            require_fields(
                set().union(*(r.keys() for r in records if isinstance(r, dict))), required, path.name,
                source_slug,
            )  # fmt: skip
        for line, record in enumerate(records, start=1):
            if progress:
                progress(1)
            if not isinstance(record, dict):
                batch.total_rows += 1
                batch.reject(line, "enregistrement qui n'est pas un objet JSON")
                continue
            yield dep, line, record
    batch.checksum = combined_checksum(paths)


def check_announced_count(path, received, meta):
    """Refuse a cached export holding fewer records than the API announced when it was downloaded."""
    expected = meta.get("total_count")
    if isinstance(expected, int) and received < expected:
        raise SourceError(
            f"{Path(path).name} : export tronqué, {received} enregistrements sur {expected} annoncés "
            "par l'API au téléchargement"
        )
