"""Rate limits on the public request form and the anonymous API count in the shared cache, per visitor."""

import random

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches

from osez.api import AnonRateThrottle
from portail.models import SupportRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def address():
    # Counters live in a shared cache (Redis in CI) that outlives a test: each test gets its own visitor.
    return f"198.51.{random.randint(0, 255)}.{random.randint(1, 254)}"


@pytest.fixture
def low_api_rate(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}}


def test_api_refuses_an_anonymous_visitor_past_the_rate(client, low_api_rate, address):
    statuses = [client.get("/api/v1/layers/", REMOTE_ADDR=address).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_api_rate_cannot_be_dodged_with_a_forged_forwarded_header(client, low_api_rate, address):
    statuses = [
        client.get("/api/v1/layers/", REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(4)
    ]
    assert statuses[-1] == 429


def _post_request(client, address):
    return client.post("/demande/", {"first_name": "Alex"}, REMOTE_ADDR=address)


def test_request_form_refuses_past_the_rate_with_a_message_and_stores_nothing(client, settings, address):
    settings.OSEZ_SUPPORT_REQUEST_RATE = "2/h"
    assert [_post_request(client, address).status_code for _ in range(2)] == [400, 400]
    limited = _post_request(client, address)
    assert limited.status_code == 429
    assert "Trop de demandes" in limited.content.decode()
    assert not SupportRequest.objects.exists()
    # Another visitor is not affected.
    assert _post_request(client, "192.0.2.77").status_code == 400


def _redis():
    import redis

    return redis.Redis.from_url(django_settings.REDIS_URL)


@pytest.mark.needs_redis
def test_both_counters_live_in_redis_shared_by_every_worker(client, settings, low_api_rate, address):
    from django_ratelimit.core import _get_window, _make_cache_key, _split_rate

    settings.OSEZ_SUPPORT_REQUEST_RATE = "5/h"
    _post_request(client, address)
    client.get("/api/v1/layers/", REMOTE_ADDR=address)
    cache = caches["default"]

    throttle_key = AnonRateThrottle.cache_format % {"scope": "anon", "ident": address}
    assert _redis().exists(cache.make_key(throttle_key)), "the API throttle counter is stored in Redis"

    # django-ratelimit's own key for this visitor and window (private helpers, stable in django-ratelimit 4).
    _count, period = _split_rate("5/h")
    window = _get_window(address, period)
    form_key = _make_cache_key("portail.support_request", window, "5/h", address, ["POST"])
    assert _redis().get(cache.make_key(form_key)) == b"1", "the request form counter is stored in Redis"
