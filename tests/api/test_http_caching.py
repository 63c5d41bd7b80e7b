"""Conditional requests, cache headers and CORS: a client asking again after a refresh-free night gets 304."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communes.models import ImportRecord

pytestmark = pytest.mark.django_db

URLS = [
    "/api/v1/communes/10387/",
    "/api/v1/layers/",
    "/api/v1/places/geojson/?layer=medecins-generalistes",
    "/api/v1/downloads/communes.csv",
    "/api/v1/downloads/medecins-generalistes.geojson",
]


@pytest.mark.parametrize("url", URLS)
def test_repeat_request_with_etag_gets_304(client, territory, url):
    first = client.get(url)
    assert first.status_code == 200
    assert "max-age" in first["Cache-Control"] and "public" in first["Cache-Control"]

    again = client.get(url, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 304
    assert again.content == b""


def test_if_modified_since_gets_304_until_the_next_refresh(client, territory):
    url = "/api/v1/communes/10387/"
    first = client.get(url)

    overnight = client.get(url, headers={"if-modified-since": first["Last-Modified"]})
    assert overnight.status_code == 304

    record = ImportRecord.objects.create(source=territory["bpe"], outcome="success")
    record.finished_at = timezone.now() + timedelta(seconds=5)
    record.save()

    after_refresh = client.get(url, headers={"if-none-match": first["ETag"]})
    assert after_refresh.status_code == 200
    assert after_refresh["ETag"] != first["ETag"]


def test_each_url_has_its_own_etag(client, territory):
    a = client.get("/api/v1/places/?layer=medecins-generalistes")
    b = client.get("/api/v1/places/?layer=ecoles-maternelles")

    assert a["ETag"] != b["ETag"]
    assert (
        client.get(
            "/api/v1/places/?layer=ecoles-maternelles", headers={"if-none-match": a["ETag"]}
        ).status_code
        == 200
    )


def test_errors_carry_no_validator(client, territory):
    response = client.get("/api/v1/places/?radius_km=-3&lat=1&lon=1")

    assert response.status_code == 400
    assert "ETag" not in response


def test_cors_is_open_for_get(client, territory):
    response = client.get("/api/v1/layers/", headers={"origin": "https://exemple.fr"})

    assert response["Access-Control-Allow-Origin"] == "*"
