"""Public pages are served from the shared cache until the data behind them changes, and never across visitors."""

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import override_settings
from django.urls import path

from osez.cache import bump_data_generation, cached_public
from tests.factories import UserFactory
from tests.helpers import clear_worker_cache

calls = []


@cached_public()
def page(request):
    calls.append(1)
    return HttpResponse(f"render {len(calls)}")


@cached_public()
def page_with_form(request):
    calls.append(1)
    return HttpResponse(f"token {get_token(request)}")


urlpatterns = [path("p", page), path("form", page_with_form)]

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.osez.test_cache")]


@pytest.fixture(autouse=True)
def _clean():
    clear_worker_cache()
    calls.clear()


def test_second_visit_is_served_from_cache(client):
    first, second = client.get("/p"), client.get("/p")
    assert first.content == second.content == b"render 1"
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert "public" in first["Cache-Control"]


def test_cached_answer_keeps_the_security_headers(client):
    client.get("/p")
    hit = client.get("/p")
    assert hit["X-Cache"] == "HIT"
    assert "script-src 'self'" in hit["Content-Security-Policy"]
    assert hit["X-Frame-Options"] == "DENY"


def test_publishing_data_invalidates_pages(client):
    assert client.get("/p").content == b"render 1"
    bump_data_generation("test")
    assert client.get("/p").content == b"render 2"


def test_query_string_is_part_of_the_key(client):
    assert client.get("/p?q=troyes").content == b"render 1"
    assert client.get("/p?q=bar").content == b"render 2"


def test_logged_in_staff_never_get_or_fill_the_public_cache(client):
    client.force_login(UserFactory())
    assert client.get("/p").content == b"render 1"
    assert client.get("/p").content == b"render 2"
    client.logout()
    client.cookies.clear()
    assert client.get("/p").content == b"render 3"


def test_pages_with_a_csrf_token_are_not_shared(client):
    first = client.get("/form")
    client.cookies.clear()
    second = client.get("/form")
    assert first.content != second.content
    assert "public" not in first.get("Cache-Control", "")


@override_settings(ROOT_URLCONF="osez.urls")
def test_saving_a_public_model_bumps_the_generation():
    from osez.cache import data_generation
    from tests.factories import PlaceFactory

    before = data_generation()
    PlaceFactory()
    assert data_generation() > before
