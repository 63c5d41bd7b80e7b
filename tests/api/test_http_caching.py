"""Conditional requests, cache headers and CORS: a client asking again after a refresh-free night gets 304."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communes.models import ImportRecord, Place
from tests.helpers import record_redis_round_trips

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


def test_a_repeated_question_is_answered_from_the_shared_cache(client, territory):
    first = client.get("/api/v1/communes/10387/")
    second = client.get("/api/v1/communes/10387/")

    assert "X-Cache" not in first
    assert second["X-Cache"] == "HIT"
    assert second.json() == first.json()
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == "application/json"


def test_a_staff_edit_of_a_layer_changes_the_answer_at_once(client, territory):
    url = "/api/v1/layers/medecins-generalistes/"
    first = client.get(url)
    layer = territory["doctors"]
    layer.description = "Médecins traitants du territoire"
    layer.save()

    again = client.get(url, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 200
    assert again.json()["description"] == "Médecins traitants du territoire"


def test_an_import_changes_the_cached_answer(client, territory):
    url = "/api/v1/places/?commune=10033"
    assert client.get(url).json()["count"] == 1
    assert client.get(url)["X-Cache"] == "HIT"
    # An importer writes its places in bulk (no signal), then saves its import record, as
    # communes.services does: that save is what tells every process the data changed.
    Place.objects.filter(commune_id="10033").update(is_active=False)
    ImportRecord.objects.create(
        source=territory["bpe"], outcome="success", finished_at=timezone.now() + timedelta(seconds=5)
    )

    assert client.get(url).json()["count"] == 0


def test_a_refresh_starting_shows_in_the_sources_answer_at_once(client, territory):
    """The bookkeeping of a running refresh is a bulk update (no signal): the API shows it anyway."""
    from communes.models import Source

    url = "/api/v1/layers/medecins-generalistes/"
    client.get(url)
    assert client.get(url)["X-Cache"] == "HIT"
    Source.objects.filter(pk=territory["bpe"].pk).update(last_message="Téléchargement en cours")

    assert "X-Cache" not in client.get(url)


@pytest.mark.needs_redis
def test_an_answer_stored_before_a_commit_is_retired_by_it(
    client, territory, django_capture_on_commit_callbacks
):
    """A reader computing an answer while an import's transaction is still open stores it under the
    generation of that moment; the bump after the commit retires it, so readers get the new data."""
    from django.db import transaction

    url = "/api/v1/places/?commune=10033"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        ImportRecord.objects.create(source=territory["bpe"], outcome="success", finished_at=timezone.now())
        # Stands for another process's reader, before the commit: it stores what it computed.
        client.get(url)
        assert client.get(url)["X-Cache"] == "HIT"

    assert "X-Cache" not in client.get(url)


@pytest.mark.needs_redis
def test_a_cached_answer_costs_one_round_trip_and_no_query(
    client, territory, monkeypatch, django_assert_num_queries
):
    import pickle

    client.get("/api/v1/communes/10387/")
    round_trips = record_redis_round_trips(monkeypatch)
    monkeypatch.setattr(pickle, "loads", lambda *a, **k: pytest.fail("a cached answer must not be unpickled"))
    with django_assert_num_queries(0):
        hit = client.get("/api/v1/communes/10387/")
        not_modified = client.get("/api/v1/communes/10387/", headers={"if-none-match": hit["ETag"]})
    assert hit["X-Cache"] == "HIT" and "10387" in hit.content.decode()
    assert not_modified.status_code == 304 and not_modified["ETag"] == hit["ETag"]
    assert round_trips == [["SET", "INCR", "MGET"]] * 2, (
        "one round trip each: the throttle's counter, the generation and the answer"
    )


@pytest.mark.needs_redis
def test_an_answer_from_the_shared_cache_keeps_every_header(client, territory):
    first = client.get("/api/v1/communes/10387/")
    hit = client.get("/api/v1/communes/10387/")

    assert hit["X-Cache"] == "HIT"
    for header in (
        "Content-Type",
        "ETag",
        "Last-Modified",
        "Cache-Control",
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
    ):
        assert hit.get(header) == first.get(header), header


@pytest.mark.needs_redis
def test_a_gzipped_answer_revalidates_with_its_weak_etag(client, territory):
    import gzip
    import json

    plain = client.get("/api/v1/communes/10387/")
    zipped = client.get("/api/v1/communes/10387/", headers={"accept-encoding": "gzip"})

    assert zipped["Content-Encoding"] == "gzip" and zipped["ETag"] == "W/" + plain["ETag"]
    assert json.loads(gzip.decompress(zipped.content)) == plain.json()
    again = client.get(
        "/api/v1/communes/10387/", headers={"accept-encoding": "gzip", "if-none-match": zipped["ETag"]}
    )
    assert again.status_code == 304


@pytest.mark.needs_redis
def test_the_throttle_counts_answers_from_the_shared_cache_once(client, territory, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "4/minute"}}
    statuses = [client.get("/api/v1/communes/10387/").status_code for _ in range(5)]

    assert statuses == [200, 200, 200, 200, 429]


def test_unknown_parameters_never_multiply_stored_answers(client, territory):
    """An API answer is stored under its whole URL: one with a parameter the view does not read is
    answered (the same answer) but not stored, so ?x=<random> cannot fill the cache."""
    plain = client.get("/api/v1/communes/10387/").json()
    for n in range(3):
        response = client.get(f"/api/v1/communes/10387/?utm_source=probe{n}")
        assert response.status_code == 200 and response.json() == plain
        assert "X-Cache" not in client.get(f"/api/v1/communes/10387/?utm_source=probe{n}")
    # Parameters the view declares (its filters, its pages) are stored as before.
    client.get("/api/v1/places/?commune=10033&page=1")
    assert client.get("/api/v1/places/?commune=10033&page=1")["X-Cache"] == "HIT"
