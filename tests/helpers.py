"""Small helpers shared by test packages."""

import html

from django.core.cache import cache


def clear_worker_cache():
    """Forget this test worker's cache entries only.

    With Redis, ``cache.clear()`` flushes the whole database: the entries of the other xdist workers
    (a refresh lock, a rate-limit counter) would vanish under their feet. ``delete_pattern`` stays
    within this worker's key prefix (see osez/settings/test.py).
    """
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


def page_text(response):
    """The page as a person reads it: HTML entities (&#x27; for ') turned back into characters."""
    return html.unescape(response.content.decode())
