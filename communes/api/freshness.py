"""HTTP validators for the open data: ETag, Last-Modified and Cache-Control derived from the last refresh.

Every API answer is a function of the published data, which only changes when a source is refreshed
(an import, a partner's file, a proximity computation). So the time of the latest of those events is a
version of the whole dataset: a client that asks again after a refresh-free night gets a 304 without
the server doing any of the work behind the answer.
"""

import hashlib
from datetime import UTC

from django.db import connection
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, quote_etag

from communes.models import ImportRecord, Proximity, Source, TerritoryUpload

# Browsers and proxies may reuse an answer this long, then revalidate it with its ETag (a cheap 304).
MAX_AGE_SECONDS = 600


# (model, field) whose latest value dates the published data. Proximities are recomputed after an
# import finishes, so their time may be the later one; a source's last attempt changes its state.
STAMPS = [
    (Source, "last_success_at"),
    (Source, "last_attempt_at"),
    (ImportRecord, "finished_at"),
    (TerritoryUpload, "published_at"),
    (Proximity, "computed_at"),
]


def data_version():
    """The time of the latest change to the published data, or None when nothing was ever published.

    Hand-written SQL because it runs before every API answer: one round trip for five small
    aggregates, where the ORM would need one query each.
    """
    parts = []
    for model, field in STAMPS:
        column = connection.ops.quote_name(model._meta.get_field(field).column)
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(f"SELECT MAX({column}) AS stamp FROM {table}")  # noqa: S608 - model names, no input
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(stamp) FROM ({' UNION ALL '.join(parts)}) AS stamps")  # noqa: S608
        (value,) = cursor.fetchone()
    if isinstance(value, str):  # SQLite hands back text from a raw query
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def validators(request, version):
    """(ETag, Last-Modified timestamp) of this URL for this data version."""
    if version is None:
        return None, None
    raw = f"{version.isoformat()}|{request.get_full_path()}"
    etag = quote_etag(hashlib.sha256(raw.encode()).hexdigest()[:32])
    return etag, int(version.timestamp())


def not_modified(request):
    """A 304 answer when the client's copy is current, else None; remembers the validators on the request."""
    if request.method not in ("GET", "HEAD"):
        return None
    etag, last_modified = validators(request, data_version())
    request.osez_validators = (etag, last_modified)
    if etag is None:
        return None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is not None:
        patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
    return response


def add_validators(request, response):
    """Put ETag, Last-Modified and Cache-Control on a successful answer."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    etag, last_modified = getattr(request, "osez_validators", (None, None))
    if etag is not None:
        response.headers.setdefault("ETag", etag)
        response.headers.setdefault("Last-Modified", http_date(last_modified))
    patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
    return response


class ConditionalMixin:
    """For DRF views: answer 304 before doing any work, and add the validators to a 200."""

    def dispatch(self, request, *args, **kwargs):
        response = not_modified(request)
        if response is not None:
            return response
        response = super().dispatch(request, *args, **kwargs)
        return add_validators(request, response)
