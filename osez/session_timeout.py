"""Staff sessions end after ``OSEZ_SESSION_IDLE_SECONDS`` without activity and ``SESSION_COOKIE_AGE`` at most.

Django's own expiry slides: every time the session is saved its end moves forward, so a session that
is used every few minutes would live for ever. This middleware keeps two timestamps in the session —
when it started and when it was last used — and logs the person out when either limit is passed.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

STARTED_KEY = "osez_session_started"
LAST_SEEN_KEY = "osez_session_last_seen"
# Writing the session on every request would cost a database write per click; a minute's precision is enough.
TOUCH_EVERY_SECONDS = 60
STAFF_PREFIX = "/admin/"


def session_expired(session, now):
    """Why this session must end (a French sentence), or '' when it may go on."""
    started = session.get(STARTED_KEY)
    last_seen = session.get(LAST_SEEN_KEY)
    if started is not None and now - started > settings.SESSION_COOKIE_AGE:
        hours = settings.SESSION_COOKIE_AGE // 3600
        return _("Votre session a duré plus de %(hours)s heures : reconnectez-vous.") % {"hours": hours}
    if last_seen is not None and now - last_seen > settings.OSEZ_SESSION_IDLE_SECONDS:
        minutes = settings.OSEZ_SESSION_IDLE_SECONDS // 60
        return _("Votre session a expiré après %(minutes)s minutes d'inactivité : reconnectez-vous.") % {
            "minutes": minutes
        }
    return ""


class StaffSessionTimeoutMiddleware:
    """Place after AuthenticationMiddleware (it needs ``request.user`` and ``request.session``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            reason = session_expired(request.session, now)
            if reason:
                logout(request)
                messages.warning(request, reason)
                if request.path.startswith(STAFF_PREFIX):
                    return redirect_to_login(request.get_full_path())
            elif now - request.session.get(LAST_SEEN_KEY, 0) >= TOUCH_EVERY_SECONDS:
                request.session[LAST_SEEN_KEY] = now

        response = self.get_response(request)

        # The login view authenticates during the request: stamp the start of a session that has none.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and STARTED_KEY not in request.session:
            now = time.time()
            request.session[STARTED_KEY] = now
            request.session[LAST_SEEN_KEY] = now
        return response
