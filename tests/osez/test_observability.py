"""Operators see one JSON line per request, with a request id that also appears on error pages."""

import json
import logging

import pytest
from django.test import Client, override_settings
from django.urls import path

from osez.logging import JsonFormatter, RequestIdFilter


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom", _boom)]
handler500 = "osez.views.error_500"


@pytest.mark.django_db
def test_each_request_logs_one_json_line_without_personal_data(client, caplog):
    caplog.set_level(logging.INFO, logger="osez.requests")
    response = client.get("/healthz?email=someone@example.org", HTTP_X_REQUEST_ID="abc123")
    assert response["X-Request-Id"] == "abc123"
    records = [r for r in caplog.records if r.name == "osez.requests"]
    assert len(records) == 1
    record = records[0]
    RequestIdFilter().filter(record)
    line = JsonFormatter().format(record)
    data = json.loads(line)
    assert data["status"] == 200
    assert data["path"] == "/healthz"  # the query string (where personal data may sit) is not logged
    assert data["role"] == "anonymous"
    assert data["method"] == "GET"
    assert data["duration_ms"] >= 0
    assert "someone@example.org" not in line


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.osez.test_observability", DEBUG=False)
def test_error_page_shows_the_request_id():
    client = Client(raise_request_exception=False)
    response = client.get("/boom", HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 500
    assert "req-42" in response.content.decode()
