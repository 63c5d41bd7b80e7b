"""Public pages are served from the shared cache until the data behind them changes, and never across visitors."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory

from osez.cache import bump_data_generation, cached_public
from tests.factories import UserFactory

calls = []


@cached_public()
def page(request):
    calls.append(1)
    return HttpResponse(f"render {len(calls)}")


@cached_public()
def page_with_form(request):
    calls.append(1)
    return HttpResponse(f"token {get_token(request)}")


@pytest.fixture(autouse=True)
def _clean():
    cache.clear()
    calls.clear()


def _get(view, user=None, path="/p"):
    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    return view(request)


def test_second_visit_is_served_from_cache():
    first, second = _get(page), _get(page)
    assert first.content == second.content == b"render 1"
    assert second["X-Cache"] == "HIT"
    assert "public" in first["Cache-Control"]


def test_publishing_data_invalidates_pages():
    assert _get(page).content == b"render 1"
    bump_data_generation("test")
    assert _get(page).content == b"render 2"


def test_query_string_is_part_of_the_key():
    assert _get(page, path="/p?q=troyes").content == b"render 1"
    assert _get(page, path="/p?q=bar").content == b"render 2"


@pytest.mark.django_db
def test_logged_in_staff_never_get_or_fill_the_public_cache():
    user = UserFactory()
    assert _get(page, user=user).content == b"render 1"
    assert _get(page, user=user).content == b"render 2"
    assert _get(page).content == b"render 3"


def test_pages_with_a_csrf_token_are_not_shared():
    first, second = _get(page_with_form), _get(page_with_form)
    assert first.content != second.content
    assert "public" not in first.get("Cache-Control", "")


@pytest.mark.django_db
def test_saving_a_public_model_bumps_the_generation():
    from osez.cache import data_generation
    from tests.factories import PlaceFactory

    before = data_generation()
    PlaceFactory()
    assert data_generation() > before
