"""Shared-cache layer for public pages and API responses, invalidated when the data behind them changes.

A *data generation* number lives in the cache. Publishing anything that public pages show (an import,
a territory file, a sheet, an annotation) bumps it, so no entry stored before is ever served again: no
key scanning, no stale page after a refresh.

Two halves, like Django's own UpdateCache/FetchFromCache pair: views opt in with ``@cached_public``
(which declares the query parameters the view reads and marks its response as shareable), and
``PublicPageCacheMiddleware``, placed right after WhiteNoise, serves and stores the entries. Serving
that early skips sessions, authentication, CSRF and the rest for a page that is the same for every
anonymous visitor, and storing on the way out keeps the headers every inner middleware added (CSP,
frame options). Only requests without a session or messages cookie are served from or stored into the
cache, and never a response that sets a cookie or holds a CSRF token, so one visitor's personalised
content can never be served to another.

Cost of a cached page: one round trip to Redis. The page's entry is one raw bytes value (the
generation it was rendered under, its status and headers, then its body: no pickling), read with the
current generation in a single pipeline that also counts the visitor's requests for the public rate
limit. An entry whose generation is not the current one is a miss, so a bump is seen at once by every
worker and process, with nothing remembered per process. Its key does not hold the generation either:
a new rendering overwrites the old one instead of piling up beside it.

The key keeps only the query parameters the view declared (``query=``), and the view itself is handed
only those: a campaign tag (``?utm_source=…``) or any unknown parameter can neither multiply entries
nor change what the view renders.

The open-data API's answers take the same road when the cache is shared (Redis): a view class that
sets ``shared_answers = True`` (communes.api's ConditionalMixin) has its stored answers served here,
in the same single round trip that also counts the client for the API's anonymous throttle, with the
ETag and Last-Modified they were computed with (a matching ``If-None-Match`` gets its 304 here too).
No database query, no DRF dispatch: the answer is valid for as long as the data generation it was
computed under is the current one, since every change to what the API shows bumps it (osez.signals,
after the commit as well, so no answer rendered from data about to change outlives it). With a
per-process cache (locmem, the embedded default) a bump in another process is invisible, so this road
is closed and the API checks its data version in the database on every request instead.
"""

import gzip
import hashlib
import json
import logging
import os
import threading
import time
from functools import lru_cache, wraps
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, get_resolver, get_urlconf
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import parse_http_date_safe
from django.utils.translation import gettext as _

from .i18n import language_from_path

log = logging.getLogger(__name__)

GENERATION_KEY = "osez:data-generation"
PAGE_KEY_PREFIX = "osez:page:"
ANSWER_KEY_PREFIX = "osez:answer:"
# Set by an API view on an answer it wants kept (the value: seconds to keep it).
ANSWER_MARKER = "_osez_shared_answer"
RATE_KEY_PREFIX = "osez:rate:public:"
DEFAULT_TIMEOUT = 3600
BROWSER_MAX_AGE = 300
MARKER = "_osez_public_cache"
_REQUIRED = object()


def _fresh_generation():
    """Milliseconds since the epoch: a generation created again (the key was evicted, Redis restarted)
    is larger than any number handed out before, so an entry stored under an old one never matches."""
    return int(time.time() * 1000)


def data_generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # add() so that two processes starting together agree on one value.
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY) or _fresh_generation()
    return generation


def _bump():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # the key was missing (evicted, or the cache restarted)
        cache.set(GENERATION_KEY, _fresh_generation(), timeout=None)


def bump_data_generation(reason=""):
    """Call after publishing data that public pages or the API show.

    Inside a transaction it bumps twice: now, and once the transaction has committed. A page or an
    answer rendered in between, from data not yet committed, is stored under the first bump's
    generation, and the second retires it; without it, that stale entry would be served as current.
    """
    _bump()
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        transaction.on_commit(_bump)
    log.debug("public cache invalidated", extra={"reason": reason})


# --- Which query parameters a cached view reads


def declared_query_string(query_dict, names):
    """The declared parameters only, in declaration order, every value kept (``?communes=a&communes=b``)."""
    return urlencode([(name, value) for name in names for value in query_dict.getlist(name)])


def keep_declared_query(request, names):
    """Hand the view only the parameters it declared: what it renders then depends on nothing else.

    Both ``request.GET`` and the query string change, so a template's ``request.get_full_path`` (the
    finder's "link to these results") cannot copy a campaign tag into a shared page either.
    """
    if getattr(request, "_osez_declared_query", None) == names:
        return
    kept = declared_query_string(request.GET, names)
    if kept != request.META.get("QUERY_STRING", ""):
        request.META["QUERY_STRING"] = kept
        request.GET = QueryDict(kept, encoding=request.encoding)
    request._osez_declared_query = names


def cached_public(*, query=_REQUIRED, prefix="page", timeout=DEFAULT_TIMEOUT, max_age=BROWSER_MAX_AGE):
    """Mark an anonymous view's 200 response as shareable; PublicPageCacheMiddleware stores and serves it.

    ``query`` names every GET parameter the view (its form, its template) reads, ``query=()`` when it
    reads none. It is required, so forgetting it fails at import time; the view receives only these
    parameters (others are dropped from ``request.GET`` and the query string), so a view reading an
    undeclared one sees it empty and its own tests fail. ``prefix`` only names the kind of page in logs
    and tests; every page shares one key space so the middleware can find an entry before the view runs.
    """
    if query is _REQUIRED:
        raise ImproperlyConfigured(
            "@cached_public needs query=(…): the GET parameters the view reads, or query=() for none."
        )
    if isinstance(query, str) or not all(isinstance(name, str) and name for name in query):
        raise ImproperlyConfigured(
            f"@cached_public(query=…) takes a tuple of parameter names, not {query!r}."
        )
    names = tuple(dict.fromkeys(query))

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            keep_declared_query(request, names)
            response = view(request, *args, **kwargs)
            user = getattr(request, "user", None)
            if (
                _anonymous_by_cookies(request)
                and not (user is not None and user.is_authenticated)
                and response.status_code == 200
                and not response.streaming
                # A page holding a CSRF token belongs to the visitor whose cookie matches it.
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            ):
                setattr(response, MARKER, (timeout, prefix))
                patch_cache_control(response, public=True, max_age=max_age)
            return response

        wrapped.osez_public_cache = names
        wrapped.osez_public_cache_prefix = prefix
        return wrapped

    return decorator


def _anonymous_by_cookies(request):
    """Decided from cookies alone, before sessions and authentication have run."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


class Route(NamedTuple):
    """What the middleware needs to know of the view a path leads to."""

    query: tuple | None  # the GET parameters a @cached_public page reads; None: not a shared page
    shared_answers: bool  # an API view whose answers are stored and served here


@lru_cache(maxsize=16384)
def _route(resolver, path_info):
    """The Route of ``path_info`` under ``resolver``, or None when no view answers it.

    Remembered per process: resolving walks the URL patterns (regular expressions, the language prefix)
    and cost a cached hit as much as reading it from Redis. A path leads to the same view for as long as
    the URL configuration is the same object, and the resolver is part of the key: Django builds a new
    one whenever the configuration changes (``clear_url_caches``, ``ROOT_URLCONF`` overridden in a test).
    Bounded, so that a crawler's made-up paths only push out the oldest.
    """
    # This runs before the language middleware: resolve in the URL's language, or "/en/…" would not match
    # the prefixed patterns (they compare the path with the active language's prefix).
    with translation.override(language_from_path(path_info)):
        try:
            match = resolver.resolve(path_info)
        except Resolver404:
            return None
    return Route(getattr(match.func, "osez_public_cache", None), _serves_shared_answers(match))


def _match(request):
    return _route(get_resolver(get_urlconf()), request.path_info)


def _serves_shared_answers(match):
    """Whether the view is an API view whose answers this middleware may store and serve."""
    view_class = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
    return bool(getattr(view_class, "shared_answers", False))


def answer_key(request):
    """An API answer's key: its method (a HEAD has no body) and its whole URL, host and scheme included
    (answers carry absolute links). The views store only answers to URLs whose every parameter they
    read (communes.api.freshness.keep_answer), so the whole URL cannot multiply entries."""
    raw = f"{request.method}|{request.build_absolute_uri()}"
    return ANSWER_KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def page_key(request):
    """Host, path and the declared parameters (``keep_declared_query`` has already run): nothing else.

    The path names the language (``/en/…`` for English, unprefixed for French, never a header or a
    cookie: ``osez.i18n``), so each language has its own entry and one generation bump clears both."""
    raw = f"{request.get_host()}|{request.path}|{request.META.get('QUERY_STRING', '')}"
    return PAGE_KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


# --- Stored form of a page: one bytes value, no pickling


def _generation_bytes(value):
    if value is None:
        return None
    return value if isinstance(value, bytes) else str(value).encode()


# Bodies at least this long are stored compressed: a commune page of a town is a few hundred kB of
# HTML (its places and map data) and about a tenth of that gzipped.
COMPRESS_MIN_BYTES = 1024
_COMPRESSIBLE = ("text/", "application/json", "application/geo+json", "application/javascript")


def _compressible(response):
    content_type = response.get("Content-Type", "")
    return (
        len(response.content) >= COMPRESS_MIN_BYTES
        and not response.has_header("Content-Encoding")
        and content_type.startswith(_COMPRESSIBLE)
    )


def encode_page(generation, response):
    """One bytes value: the generation, then status, headers and encoding as JSON, then the body.

    The body is stored gzipped once (compressed at store time rather than on every hit, which is what
    Django's GZipMiddleware would do), and sent as stored to every client that accepts gzip — every
    browser does. Compressing these answers is safe from BREACH-like attacks: a shared page or answer
    holds no secret (it is never stored when it sets a cookie or holds a CSRF token).
    """
    body, encoding = response.content, ""
    if _compressible(response):
        patch_vary_headers(response, ("Accept-Encoding",))
        body, encoding = gzip.compress(body, compresslevel=6, mtime=0), "gzip"
    headers = [(name, value) for name, value in response.items() if name != "X-Cache"]
    head = json.dumps([response.status_code, headers, encoding], separators=(",", ":"))
    return b"".join((_generation_bytes(generation), b"\n", head.encode(), b"\n", body))


def _accepts_gzip(request):
    return request is not None and "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "").lower()


def decode_page(stored, generation, request=None):
    """The stored response when it was rendered under ``generation``, else None; its body gzipped when
    it was stored so and ``request`` accepts gzip, plain otherwise."""
    if not stored or generation is None:
        return None
    stored_generation, head, body = stored.split(b"\n", 2)
    if stored_generation != _generation_bytes(generation):
        return None
    status, headers, *rest = json.loads(head)
    encoding = rest[0] if rest else ""
    if encoding == "gzip" and not _accepts_gzip(request):
        body, encoding = gzip.decompress(body), ""
    response = HttpResponse(body, status=status)
    # The stored headers are the ones Django checked and encoded when the page was rendered (a stored
    # page is never written by anything else): put them back as they were instead of checking each
    # again, which cost a hit as much as everything else it does in Python. Django's ResponseHeaders
    # keeps them as {lower-case name: (name, value)}.
    response.headers._store.update((name.lower(), (name, value)) for name, value in headers)
    if encoding:
        response["Content-Encoding"] = encoding
        # Two representations of one resource: a strong validator may name only one of them.
        etag = response.get("ETag")
        if etag and not etag.startswith("W/"):
            response["ETag"] = "W/" + etag
    response["Content-Length"] = str(len(body))
    return response


# --- Per-address rate limit on public pages


@lru_cache(maxsize=8)
def _parse_rate(rate):
    """``"600/m"`` → (600, 60); empty, ``0`` or ``off`` → None (no limit)."""
    rate = (rate or "").strip().lower()
    if rate in ("", "0", "off", "none"):
        return None
    count, _sep, unit = rate.partition("/")
    seconds = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}
    try:
        return int(count), seconds[unit or "m"]
    except (KeyError, ValueError):
        raise ImproperlyConfigured(
            f"OSEZ_PUBLIC_PAGE_RATE={rate!r}: expected a rate like 600/m, or off."
        ) from None


def _rate_key(request, period):
    from .audit import client_address

    window = int(time.time() // period)
    return f"{RATE_KEY_PREFIX}{client_address(request) or '-'}:{window}"


def too_many_requests(period, language=None):
    """The 429 page, in the language of the URL asked for (this runs before the language middleware)."""
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        text = _("Trop de pages demandées depuis votre connexion. Réessayez dans une minute.")
        title = _("Trop de demandes")
    body = (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        f"<body><main><h1>{title}</h1><p>{text}</p></main></body></html>"
    )
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(period)
    response["Cache-Control"] = "no-store"
    return response


# --- One round trip: rate counter, generation and entry


def _redis_client(backend):
    """The raw client of a django-redis cache, or None for any other backend (locmem in development)."""
    client = getattr(backend, "client", None)
    return client.get_client(write=True) if hasattr(client, "get_client") else None


# The hit's one round trip goes through a connection of the thread's own rather than through redis-py's
# client: measured (bench/load.py prints the CPU per request), a command through the client and its pool
# costs a worker ~40 µs of CPU (retry wrapper, observability counters, a poll() on the pooled connection
# before each use), as much as the rest of a hit together. This connection is redis-py's own Connection,
# made with the pool's settings (address, database, password, timeouts), used by one thread at a time,
# one pipelined write and its replies per request; on any error it is closed, and the next request opens
# a new one. Everything else (storing, bumping) keeps going through django-redis.
_threads = threading.local()


def _connection(redis):
    """This thread's connection to the server of ``redis``'s pool (a new one in a forked child)."""
    pool = redis.connection_pool
    held = getattr(_threads, "connections", None)
    if held is None:
        held = _threads.connections = {}
    pid, connection = held.get(pool, (None, None))
    if pid != os.getpid():
        connection = pool.connection_class(**pool.connection_kwargs)
        held[pool] = (os.getpid(), connection)
    return connection


def _round_trip(redis, commands):
    """The replies to ``commands``, sent in one write on this thread's connection."""
    connection = _connection(redis)
    try:
        connection.send_packed_command(connection.pack_commands(commands))
        return [connection.read_response() for _command in commands]
    except BaseException:
        connection.disconnect()  # its replies may be half read: never reuse it
        raise


def _lookup_redis(backend, redis, key, counter_key, ttl):
    """(count or None, generation or None, stored or None) from Redis in one round trip."""
    commands = []
    if counter_key:
        counter = backend.make_key(counter_key)
        commands += [("SET", counter, 0, "EX", ttl, "NX"), ("INCR", counter)]
    commands.append(("MGET", backend.make_key(GENERATION_KEY), backend.make_key(key)))
    replies = _round_trip(redis, commands)
    generation, stored = replies[-1]
    return (replies[1] if counter_key else None), generation, stored


def _lookup(backend, key, rate_key, period):
    """(requests counted in this window or None, current generation or None, stored bytes or None)."""
    redis = _redis_client(backend)
    if redis is not None:
        return _lookup_redis(backend, redis, key, rate_key, period + 1)
    count = None
    if rate_key:
        backend.add(rate_key, 0, period + 1)
        try:
            count = backend.incr(rate_key)
        except ValueError:
            count = None
    found = backend.get_many([GENERATION_KEY, key])
    return count, found.get(GENERATION_KEY), found.get(key)


def _store(backend, key, value, timeout):
    redis = _redis_client(backend)
    if redis is not None:
        redis.set(backend.make_key(key), value, ex=timeout)
    else:
        backend.set(key, value, timeout)


def _redis_errors():
    import redis

    return (redis.exceptions.RedisError, OSError)


def read_with_generation(key):
    """(current generation, stored bytes) in one round trip; (None, None) when a tolerated cache is down.

    For callers outside the page middleware (the API's answers) that store raw bytes with
    ``store_bytes`` and check the generation themselves.
    """
    backend = caches["default"]
    try:
        _count, generation, stored = _lookup(backend, key, None, 0)
    except _redis_errors():
        if not getattr(backend, "_ignore_exceptions", False):
            raise
        return None, None
    return generation, stored


def store_bytes(key, value, timeout):
    backend = caches["default"]
    try:
        _store(backend, key, value, timeout)
    except _redis_errors():
        if not getattr(backend, "_ignore_exceptions", False):
            raise


def count_in_window(key, period):
    """Requests counted under ``key`` in a window of ``period`` seconds, this one included, in one round
    trip (None when a tolerated cache is down: rather serve than refuse everyone)."""
    backend = caches["default"]
    redis = _redis_client(backend)
    try:
        if redis is not None:
            counter = backend.make_key(key)
            pipe = redis.pipeline(transaction=False)
            pipe.set(counter, 0, ex=period, nx=True)
            pipe.incr(counter)
            return pipe.execute()[1]
        backend.add(key, 0, period)
        try:
            return backend.incr(key)
        except ValueError:  # the window expired between add() and incr()
            backend.set(key, 1, period)
            return 1
    except _redis_errors():
        if not getattr(backend, "_ignore_exceptions", False):
            raise
        return None


class PublicPageCacheMiddleware:
    def __init__(self, get_response, backend=None):
        self.get_response = get_response
        # Tests give two middlewares two cache clients to stand for two worker processes.
        self.backend = backend

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        # Cookies first: they alone decide that a page is not shared, without resolving the URL.
        anonymous = _anonymous_by_cookies(request)
        route = _match(request)
        if route is None:
            return self.get_response(request)
        if route.query is not None:
            return self._page(request, route.query) if anonymous else self.get_response(request)
        if route.shared_answers:
            return self._answer(request)
        return self.get_response(request)

    def _page(self, request, names):
        keep_declared_query(request, names)
        backend = self.backend or caches["default"]
        key = page_key(request)
        rate = _parse_rate(getattr(settings, "OSEZ_PUBLIC_PAGE_RATE", ""))
        rate_key = _rate_key(request, rate[1]) if rate else None
        try:
            count, generation, stored = _lookup(backend, key, rate_key, rate[1] if rate else 0)
        except _redis_errors():
            if not getattr(backend, "_ignore_exceptions", False):
                raise
            log.warning("public page cache unreachable: serving uncached", exc_info=True)
            return self.get_response(request)
        if rate and count is not None and count > rate[0]:
            return too_many_requests(rate[1], language_from_path(request.path_info))
        hit = decode_page(stored, generation, request)
        if hit is not None:
            hit["X-Cache"] = "HIT"
            return hit
        response = self.get_response(request)
        marker = getattr(response, MARKER, None)
        if marker is None:
            return response
        if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
            response.render()
        if not response.cookies:
            delattr(response, MARKER)
            try:
                _store(backend, key, encode_page(generation or data_generation(), response), marker[0])
            except _redis_errors():
                if not getattr(backend, "_ignore_exceptions", False):
                    raise
                log.warning("public page cache unreachable: page not stored", exc_info=True)
        response["X-Cache"] = "MISS"
        return response

    def _answer(self, request):
        """An API answer from the shared cache in one round trip, or the view's, stored on the way out.

        The round trip also counts the client for the API's anonymous throttle (the same counter DRF's
        throttle reads, which then does not count the request again). A cross-origin request (its CORS
        headers depend on its Origin) and an authenticated one go the whole way through the views.
        """
        backend = self.backend or caches["default"]
        redis = _redis_client(backend)
        meta = request.META
        if redis is None or "HTTP_ORIGIN" in meta or "HTTP_AUTHORIZATION" in meta:
            return self.get_response(request)
        from .throttling import AnonRateThrottle

        window = AnonRateThrottle.window(request)
        key = answer_key(request)
        try:
            count, generation, stored = _lookup_redis(
                backend, redis, key, window.key if window else None, window.seconds if window else 0
            )
        except _redis_errors():
            if not getattr(backend, "_ignore_exceptions", False):
                raise
            log.warning("shared cache unreachable: API answered without it", exc_info=True)
            return self.get_response(request)
        if window is not None:
            request.osez_throttle_count = count
            if count > window.limit:  # the throttle answers its 429 with DRF's body and headers
                return self.get_response(request)
        hit = decode_page(stored, generation, request)
        if hit is not None:
            not_modified = get_conditional_response(
                request,
                etag=hit.get("ETag"),
                last_modified=parse_http_date_safe(hit.get("Last-Modified", "")),
                response=hit,
            )
            answer = not_modified if not_modified is not None else hit
            answer["X-Cache"] = "HIT"
            return answer
        request.osez_answer_generation = generation
        response = self.get_response(request)
        timeout = getattr(response, ANSWER_MARKER, None)
        if timeout and generation is not None and not response.cookies and response.status_code == 200:
            try:
                _store(backend, key, encode_page(generation, response), timeout)
            except _redis_errors():
                if not getattr(backend, "_ignore_exceptions", False):
                    raise
                log.warning("shared cache unreachable: API answer not stored", exc_info=True)
        return response
