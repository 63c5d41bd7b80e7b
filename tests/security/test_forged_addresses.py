"""A client cannot dodge the login lockout or the rate limits by writing a new X-Forwarded-For each time.

The visitor's address is the hop the trusted proxy appended (``OSEZ_PROXY_COUNT`` hops from the right),
or REMOTE_ADDR with no proxy; one function (``osez.audit.client_address``) gives it to axes, the API's
throttle, the request form's limit and the public pages' limit.
"""

import random

import pytest
from django.test import override_settings

from osez.roles import ADVISOR
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "un mot de passe solide 2026"
PROXY = "10.0.0.1"


def _forged():
    return (
        f"{random.randint(1, 223)}.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
    )


def _login(client, username, password, **meta):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password, "next": "/admin/"}, **meta
    )


@pytest.fixture
def visitor():
    return f"198.18.{random.randint(0, 255)}.{random.randint(1, 254)}"


@override_settings(AXES_ENABLED=True)
@pytest.mark.parametrize("proxies", [0, 1])
def test_login_lockout_holds_with_a_new_forged_forwarded_header_on_each_attempt(
    client, settings, proxies, visitor
):
    settings.OSEZ_PROXY_COUNT = proxies
    user = UserFactory(roles=[ADVISOR])

    def attempt(password):
        if proxies:  # behind the proxy: it appends the visitor's real address after the forged one
            meta = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{_forged()}, {visitor}"}
        else:  # gunicorn reached directly (what the recipe no longer allows): the header is ignored
            meta = {"REMOTE_ADDR": visitor, "HTTP_X_FORWARDED_FOR": _forged()}
        return _login(client, user.username, password, **meta)

    for _ in range(30):
        attempt("pas le bon mot de passe")
    locked = attempt(PASSWORD)
    assert locked.status_code == 429
    assert "bloquée" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True)
def test_the_lockout_follows_the_real_address_not_the_proxy(client, settings, visitor):
    """Everyone arrives from the proxy's address: locking one visitor must not lock the others."""
    settings.OSEZ_PROXY_COUNT = 1
    user = UserFactory(roles=[ADVISOR])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(
            client, user.username, "pas le bon mot de passe", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=visitor
        )
    elsewhere = _login(
        client.__class__(), user.username, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.200"
    )
    assert elsewhere.status_code == 302


def test_api_throttle_counts_the_proxy_appended_hop_only(client, settings, visitor):
    settings.OSEZ_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}}
    statuses = [
        client.get(
            "/api/v1/layers/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{_forged()}, {visitor}"
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_request_form_limit_counts_the_proxy_appended_hop_only(client, settings, visitor):
    settings.OSEZ_PROXY_COUNT = 1
    settings.OSEZ_SUPPORT_REQUEST_RATE = "2/h"
    statuses = [
        client.post(
            "/demande/",
            {"first_name": "Alex"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"{_forged()}, {visitor}",
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [400, 400, 429]
