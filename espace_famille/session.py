"""The family's session: who is signed in, for how long, and the wall between it and staff sessions.

A family member never gets a Django user: the session holds the adult's id and two timestamps, so a
family session opens no staff page (``request.user`` stays anonymous), and a staff login drops it
(``drop_family_session`` is connected to ``user_logged_in``). Signing in to the family space logs any
staff account out first. Django's own expiry slides without limit; these timestamps enforce at most
``OSEZ_FAMILY_IDLE_SECONDS`` (12 hours) without activity, like ``osez.session_timeout`` does for staff.
"""

import time

from django.conf import settings
from django.contrib.auth import logout

ADULT_KEY = "espace_famille_adult"
LAST_SEEN_KEY = "espace_famille_last_seen"
LANGUAGE_KEY = "espace_famille_language"
DEFAULT_IDLE_SECONDS = 12 * 3600
TOUCH_EVERY_SECONDS = 60


def idle_limit():
    # A setting may shorten the limit, never lengthen it past 12 hours (the service's promise).
    return min(getattr(settings, "OSEZ_FAMILY_IDLE_SECONDS", DEFAULT_IDLE_SECONDS), DEFAULT_IDLE_SECONDS)


def sign_in(request, adult):
    """Open a family session for ``adult`` on a fresh session key (never inside a staff session)."""
    language = request.session.get(LANGUAGE_KEY)
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        logout(request)  # flushes the staff session: one browser session is never both
    request.session.cycle_key()
    request.session[ADULT_KEY] = adult.pk
    request.session[LAST_SEEN_KEY] = time.time()
    if language:
        request.session[LANGUAGE_KEY] = language
    request.session.set_expiry(idle_limit())


def sign_out(request):
    language = request.session.get(LANGUAGE_KEY)
    request.session.flush()
    if language:
        request.session[LANGUAGE_KEY] = language


def signed_in_adult_id(request):
    """The adult's id when a live family session is open, else None (an expired one is closed here)."""
    session = request.session
    adult_id = session.get(ADULT_KEY)
    if adult_id is None:
        return None
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return None
    now = time.time()
    if now - session.get(LAST_SEEN_KEY, 0) > idle_limit():
        sign_out(request)
        return None
    if now - session.get(LAST_SEEN_KEY, 0) >= TOUCH_EVERY_SECONDS:
        session[LAST_SEEN_KEY] = now
        session.set_expiry(idle_limit())
    return adult_id


def drop_family_session(sender, request, user, **kwargs):
    """A staff login in a browser that had a family session: the family part goes."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(ADULT_KEY, None)
        request.session.pop(LAST_SEEN_KEY, None)
