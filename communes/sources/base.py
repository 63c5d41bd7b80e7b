"""Former single module of the sources' shared machinery, split by concern (issue 12, item 7):

- ``errors``   — what can go wrong with a whole file;
- ``download`` — the raw cache, HTTP downloads, Opendatasoft exports;
- ``files``    — reading and sniffing files (encoding, CSV, JSON) and the format drift report;
- ``rows``     — checking values and rows, the batch;
- ``publish``  — the publishing rules and the one-transaction writers.

These names stay importable from here so that code written against the old module (the territory
uploads, importers of other branches) keeps working while it moves to the modules above.
"""

from communes.geo import EARTH_RADIUS_KM, haversine_km

from .download import (
    combined_checksum,
    download,
    file_checksum,
    http_client,
    looks_like_html,
    raw_dir,
    read_meta,
)
from .errors import FormatDrift, MissingRawFile, NetworkError, SourceError
from .files import csv_reader, json_records, load_json_records, open_text, require_columns, require_fields
from .publish import (
    PublishResult,
    check_batch_size,
    copy_rows,
    forget_queries,
    publish_indicators,
    publish_places,
    publish_preferred,
    row_digest,
    supersede_bpe,
)
from .rows import Batch, CommuneInfo, IndicatorBatch, commune_index, to_float

__all__ = [
    "EARTH_RADIUS_KM", "Batch", "CommuneInfo", "FormatDrift", "IndicatorBatch", "MissingRawFile", "NetworkError",
    "PublishResult", "SourceError", "check_batch_size", "combined_checksum", "commune_index", "copy_rows",
    "csv_reader", "download", "file_checksum", "forget_queries", "haversine_km", "http_client", "json_records",
    "load_json_records", "looks_like_html", "open_text", "publish_indicators", "publish_places",
    "publish_preferred", "raw_dir", "read_meta", "require_columns", "require_fields", "row_digest",
    "supersede_bpe", "to_float",
]  # fmt: skip
