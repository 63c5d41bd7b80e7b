"""The API's anonymous throttle, in a module of its own.

DRF reads ``DEFAULT_THROTTLE_CLASSES`` while defining ``APIView``; this module imports nothing that
defines a view, so the setting can name it without an import cycle.
"""

from typing import NamedTuple

from rest_framework import throttling
from rest_framework.settings import api_settings

from .audit import client_address
from .cache import count_in_window


class Window(NamedTuple):
    key: str
    limit: int
    seconds: int


class AnonRateThrottle(throttling.AnonRateThrottle):
    """DRF's anonymous throttle, reading its rate when it runs rather than when the class was defined.

    The stock class copies ``DEFAULT_THROTTLE_RATES`` at import time, so a changed setting (an
    operator's environment read late, a test lowering the rate) would be ignored.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        """The visitor's address as axes, the forms' limits and the audit log see it (osez.audit): the
        hop the trusted proxy appended, never a value the client wrote into X-Forwarded-For."""
        return client_address(request) or "-"

    # Its own key: DRF's stock class (still the default for views that name none) keeps a list there.
    cache_format = "throttle_%(scope)s_%(ident)s_count"

    def allow_request(self, request, view):
        """A counter per address and time window, rather than DRF's list of every request's time.

        DRF's sliding window reads, appends to and writes back a list of timestamps on every call; at
        a few hundred requests a minute from one address, pickling that list costs more than the
        answer itself. One atomic INCR in the shared cache does the same job, in one round trip.
        """
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        # Counted already by the shared-answer cache in its round trip (osez.cache): count once.
        count = getattr(request, "osez_throttle_count", None)
        if count is None:
            count = count_in_window(self.key, self.duration)
        if count is None:  # the shared cache is down: serve rather than refuse everyone
            return True
        return count <= self.num_requests

    def wait(self):
        return self.duration

    @classmethod
    def window(cls, request):
        """(counter key, limit, seconds) for this client, or None when the API is not throttled: what
        the shared-answer cache counts in its own round trip, under the key ``allow_request`` uses."""
        throttle = cls()
        if throttle.rate is None:
            return None
        key = throttle.cache_format % {"scope": throttle.scope, "ident": throttle.get_ident(request)}
        return Window(key, throttle.num_requests, throttle.duration)
