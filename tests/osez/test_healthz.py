"""/healthz tells an operator whether the database (and Redis, when configured) answers."""

from unittest import mock

import pytest
from django.db.utils import OperationalError


@pytest.mark.django_db
def test_healthz_ok_when_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["status"] == "ok"


@pytest.mark.django_db
def test_healthz_names_the_database_when_it_fails(client):
    with mock.patch("osez.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"].startswith("error")


@pytest.mark.django_db
def test_healthz_names_redis_when_it_fails(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["redis"].startswith("error")


@pytest.mark.django_db
@pytest.mark.needs_redis
def test_healthz_checks_real_redis(client):
    body = client.get("/healthz").json()
    assert body["redis"] == "ok"
