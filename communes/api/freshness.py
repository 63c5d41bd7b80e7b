"""HTTP validators for the open data (ETag, Last-Modified, Cache-Control) and a shared cache of API answers.

Every API answer is a function of the published data, which changes when a source is refreshed (an
import, a partner's file, a proximity computation) or when staff edit a commune, layer or source. So
the time of the latest refresh, read from the database, together with the site's data generation
(osez.cache, bumped on every such edit), is a version of the whole dataset:

- a client that asks again after a refresh-free night gets a 304 without the server doing any work;
- an answer computed once is kept in the shared cache and served as is to the next client, until a
  refresh or an edit changes the version.

With Redis (production) the answers are stored and served by ``osez.cache.PublicPageCacheMiddleware``
before any view runs: one round trip, no query (``shared_answers`` below). With a per-process cache
(the embedded default) this module keeps them itself, as raw bytes (ETag, content type, body) under a
key of the URL read with the data generation, and checks the data version in the database each time,
since a refresh run by another process cannot bump this process's generation.
"""

import hashlib
from datetime import UTC

from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, quote_etag

from communes.models import ImportRecord, Proximity, Source, TerritoryUpload
from osez.cache import ANSWER_MARKER, data_generation, read_with_generation, store_bytes

# Browsers and proxies may reuse an answer this long, then revalidate it with its ETag (a cheap 304).
MAX_AGE_SECONDS = 600
# Answers kept in the shared cache: long enough to matter, bounded so an unusual setup (several
# processes without Redis, each with its own generation) cannot serve an edited layer stale for long.
SERVER_CACHE_SECONDS = 3600
SERVER_CACHE_MAX_BYTES = 512 * 1024


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


def validators(request, version, generation=None):
    """(ETag, Last-Modified timestamp) of this URL for this data version."""
    if version is None:
        return None, None
    if generation is None:
        generation = data_generation()
    if isinstance(generation, bytes):
        generation = generation.decode()
    # The full URL, host and scheme included: answers carry absolute links (next page, public page).
    raw = f"{version.isoformat()}|{generation}|{request.build_absolute_uri()}"
    etag = quote_etag(hashlib.sha256(raw.encode()).hexdigest()[:32])
    return etag, int(version.timestamp())


def _entry_key(request):
    raw = f"{request.method == 'HEAD'}|{request.build_absolute_uri()}"
    return "osez:api:" + hashlib.sha256(raw.encode()).hexdigest()


def shortcut(request):
    """A 304, or the answer computed earlier for this URL and data version, or None (then compute it).

    Remembers the validators on the request for ``add_validators`` and ``keep_answer``.
    """
    if request.method not in ("GET", "HEAD"):
        return None
    version = data_version()
    if hasattr(request, "osez_answer_generation"):
        # The shared-answer cache (osez.cache) has looked already and found nothing current.
        generation, stored = request.osez_answer_generation, None
    else:
        generation, stored = read_with_generation(_entry_key(request))
    etag, last_modified = validators(request, version, generation)
    request.osez_validators = (etag, last_modified)
    if etag is None:
        return None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is not None:
        patch_cache_control(response, public=True, max_age=MAX_AGE_SECONDS)
        return response
    if not stored:
        return None
    stored_etag, content_type, content = stored.split(b"\n", 2)
    if stored_etag.decode() != etag:  # another data version: compute it again
        return None
    response = HttpResponse(content, content_type=content_type.decode())
    response["X-Cache"] = "HIT"
    return add_validators(request, response)


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


def keep_answer(request, response, known_params=None):
    """Store a computed answer, unless its URL carries a parameter the view does not know.

    The entry's key is the whole URL: without this check ``?x=<random>`` would store one copy per
    value. An unknown parameter changes nothing in the answer, so such a request is simply answered
    without being stored (``known_params=None``: no check).
    """
    etag, _last_modified = getattr(request, "osez_validators", (None, None))
    if etag is None or response.status_code != 200 or response.streaming:
        return
    if known_params is not None and not set(request.GET) <= known_params:
        return
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    if len(response.content) > SERVER_CACHE_MAX_BYTES:
        return
    if hasattr(request, "osez_answer_generation"):
        # Stored by osez.cache on its way out, with the headers the outer middlewares add.
        setattr(response, ANSWER_MARKER, SERVER_CACHE_SECONDS)
    else:
        value = b"\n".join((etag.encode(), response["Content-Type"].encode(), response.content))
        store_bytes(_entry_key(request), value, SERVER_CACHE_SECONDS)


class ConditionalMixin:
    """For DRF views: a 304 or a cached answer instead of the work; validators and caching on a 200.

    The shortcut is taken after DRF's ``initial()`` (authentication, permissions, throttles), so a
    cheap answer still counts against an anonymous client's rate.
    """

    shortcut = None
    # Answers may be stored and served by osez.cache's middleware when the cache is shared.
    shared_answers = True

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.shortcut = shortcut(request._request)
        if self.shortcut is not None:
            # DRF looks the handler up after initial(): answer with the shortcut instead.
            setattr(self, request.method.lower(), lambda *a, **kw: self.shortcut)

    def known_query_params(self):
        """The parameters this view reads: its filters and its paginator's (a view reading others by
        hand names them in ``extra_query_params``); an answer to any other is not stored."""
        known = set(getattr(self, "extra_query_params", ()))
        filterset = getattr(self, "filterset_class", None)
        if filterset is not None:
            known |= set(filterset.base_filters)
        paginator = getattr(self, "paginator", None)
        for attribute in ("page_query_param", "page_size_query_param"):
            if getattr(paginator, attribute, None):
                known.add(getattr(paginator, attribute))
        return known

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.shortcut is None:
            add_validators(request._request, response)
            keep_answer(request._request, response, self.known_query_params())
        return response
