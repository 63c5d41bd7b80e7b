"""Security headers on public pages, production settings, and one address function for logs and throttles."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory

from osez.audit import client_address


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/admin/login/"])
def test_pages_forbid_inline_scripts_and_framing(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict([*part.strip().split(" ", 1), ""][:2] for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_home_page_has_no_inline_script(client):
    html = client.get("/").content.decode()
    for chunk in html.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "src=" in tag or 'type="application/json"' in tag, f"inline script: <script{tag}>"
    assert 'style="' not in html


def _prod_settings(*names, **env):
    environment = dict(os.environ)
    environment.update(
        DJANGO_SETTINGS_MODULE="osez.settings.prod",
        SECRET_KEY="a-real-production-secret-key-that-is-long-and-random-0123456789",
        ALLOWED_HOSTS="osez.example.org",
        **env,
    )
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_uses_https_only_cookies_hsts_and_requires_2fa():
    values = _prod_settings(
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "OSEZ_REQUIRE_2FA",
        "SESSION_COOKIE_AGE",
        "OSEZ_SESSION_IDLE_SECONDS",
        "AXES_ENABLED",
        "DEBUG",
    )
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["OSEZ_REQUIRE_2FA"] is True
    assert values["SESSION_COOKIE_AGE"] == 12 * 3600
    assert values["OSEZ_SESSION_IDLE_SECONDS"] == 30 * 60
    assert values["AXES_ENABLED"] is True
    assert values["DEBUG"] is False


def test_address_is_the_one_the_trusted_proxy_saw(settings):
    factory = RequestFactory()
    forged = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    settings.OSEZ_PROXY_COUNT = 0
    assert client_address(forged) == "10.0.0.2", "without a trusted proxy the header is ignored"
    settings.OSEZ_PROXY_COUNT = 1
    assert client_address(forged) == "203.0.113.5", "the client-written left part is never trusted"
    garbage = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>")
    assert client_address(garbage) == "10.0.0.2"
