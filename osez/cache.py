"""Shared-cache layer for public pages and API responses, invalidated when the data behind them changes.

Every cached entry's key carries a *data generation* number kept in the cache. Publishing anything that
public pages show (an import, a territory file, a sheet, an annotation) bumps the generation, so every
older entry is simply never read again and expires on its own: no key scanning, no stale page after a
refresh. Only anonymous GET/HEAD requests are cached, and never a response that sets a cookie or
varies on one, so one visitor's personalised content can never be served to another.
"""

import hashlib
import logging
from functools import wraps

from django.core.cache import cache
from django.utils.cache import patch_cache_control

log = logging.getLogger(__name__)

GENERATION_KEY = "osez:data-generation"
DEFAULT_TIMEOUT = 3600
BROWSER_MAX_AGE = 300


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
    log.info("public cache invalidated", extra={"reason": reason})


def _cacheable_request(request):
    user = getattr(request, "user", None)
    if request.method not in ("GET", "HEAD"):
        return False
    if user is not None and user.is_authenticated:
        return False
    # A pending flash message is personal: render it fresh.
    return not request.COOKIES.get("messages")


def _key(request, prefix):
    raw = f"{request.get_host()}|{request.get_full_path()}"
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"osez:{prefix}:{data_generation()}:{digest}"


def cached_public(timeout=DEFAULT_TIMEOUT, prefix="page", max_age=BROWSER_MAX_AGE):
    """Cache an anonymous, cookie-free response in the shared cache and let browsers keep it briefly."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            key = _key(request, prefix)
            hit = cache.get(key)
            if hit is not None:
                response = hit
                response["X-Cache"] = "HIT"
                return response
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response.render()
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and "Cookie" not in response.get("Vary", "")
                # A page holding a CSRF token belongs to the visitor whose cookie matches it.
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            ):
                cache.set(key, response, timeout)
                patch_cache_control(response, public=True, max_age=max_age)
            response["X-Cache"] = "MISS"
            return response

        return wrapped

    return decorator
