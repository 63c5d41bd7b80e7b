"""Shared-cache layer for public pages and API responses, invalidated when the data behind them changes.

Every cached entry's key carries a *data generation* number kept in the cache. Publishing anything that
public pages show (an import, a territory file, a sheet, an annotation) bumps the generation, so every
older entry is simply never read again and expires on its own: no key scanning, no stale page after a
refresh.

Two halves, like Django's own UpdateCache/FetchFromCache pair: views opt in with ``@cached_public``
(which only *marks* a response as shareable), and ``PublicPageCacheMiddleware``, placed right after
WhiteNoise, serves and stores the entries. Serving that early skips sessions, authentication, CSRF and
the rest for a page that is the same for every anonymous visitor, and storing on the way out keeps
the headers every inner middleware added (CSP, frame options). Only requests without a session or
messages cookie are served from or stored into the cache, and never a response that sets a cookie or
holds a CSRF token, so one visitor's personalised content can never be served to another.
"""

import hashlib
import logging
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control

log = logging.getLogger(__name__)

GENERATION_KEY = "osez:data-generation"
DEFAULT_TIMEOUT = 3600
BROWSER_MAX_AGE = 300
MARKER = "_osez_public_cache"


def data_generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # add() so that two processes starting together agree on one value.
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY) or 1
    return generation


def bump_data_generation(reason=""):
    """Call after publishing data that public pages or the API show."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # the key was missing (evicted, or the cache restarted)
        cache.set(GENERATION_KEY, 2, timeout=None)
    log.debug("public cache invalidated", extra={"reason": reason})


def _anonymous_by_cookies(request):
    """Decided from cookies alone, before sessions and authentication have run."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def page_key(request):
    raw = f"{request.get_host()}|{request.get_full_path()}"
    return f"osez:page:{data_generation()}:{hashlib.sha256(raw.encode()).hexdigest()}"


def cached_public(timeout=DEFAULT_TIMEOUT, prefix="page", max_age=BROWSER_MAX_AGE):
    """Mark an anonymous view's 200 response as shareable; PublicPageCacheMiddleware stores and serves it.

    ``prefix`` only names the kind of page in logs and tests; every page shares one key space so the
    middleware can find an entry before knowing which view would answer.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
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

        wrapped.osez_public_cache = True
        return wrapped

    return decorator


def _is_cached_view(request):
    """Only pages whose view opted in are looked up: the API and staff pages cost no cache round trip."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, "osez_public_cache", False)


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _anonymous_by_cookies(request) or not _is_cached_view(request):
            return self.get_response(request)
        key = page_key(request)
        hit = cache.get(key)
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
            cache.set(key, response, marker[0])
        response["X-Cache"] = "MISS"
        return response
