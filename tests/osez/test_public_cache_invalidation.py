"""The shared cache serves public pages until their data changes, and never personal content."""

import pytest

from communes.models import ImportRecord, PlaceAnnotation
from portail.models import Sheet, SheetTheme
from tests.factories import CommuneFactory, PlaceFactory, SourceFactory, UserFactory
from tests.helpers import clear_worker_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    clear_worker_cache()


@pytest.fixture
def commune_page(client):
    commune = CommuneFactory(code_insee="10999", name="Village-Témoin", slug="village-temoin")
    place = PlaceFactory(commune=commune, name="Cabinet de la Place (fictif)")
    return commune.get_absolute_url(), place


def test_commune_page_is_cached_then_refreshed_when_a_place_changes(client, commune_page):
    url, place = commune_page
    assert client.get(url)["X-Cache"] == "MISS"
    assert client.get(url)["X-Cache"] == "HIT"
    place.name = "Maison de santé du Lavoir (fictif)"
    place.save()
    response = client.get(url)
    assert response["X-Cache"] == "MISS"
    assert "Maison de santé du Lavoir (fictif)" in response.content.decode()


def test_a_finished_refresh_invalidates_public_pages(client, commune_page):
    url, _place = commune_page
    client.get(url)
    ImportRecord.objects.create(source=SourceFactory(), outcome="success")
    assert client.get(url)["X-Cache"] == "MISS"


def test_an_annotation_by_staff_invalidates_public_pages(client, commune_page):
    url, place = commune_page
    client.get(url)
    PlaceAnnotation.objects.create(place=place, text="accepte de nouveaux patients")
    assert client.get(url)["X-Cache"] == "MISS"


def test_publishing_a_sheet_shows_it_at_once(client):
    first = client.get("/fiches/")
    assert client.get("/fiches/")["X-Cache"] == "HIT"
    Sheet.objects.create(
        title="Se loger à la campagne (fiche de test)",
        slug="se-loger-test",
        theme=SheetTheme.values[0],
        body="Texte de test.",
        is_published=True,
    )
    after = client.get("/fiches/")
    assert "Se loger à la campagne (fiche de test)" not in first.content.decode()
    assert "Se loger à la campagne (fiche de test)" in after.content.decode()


def test_staff_pages_and_forms_are_never_shared(client, commune_page):
    url, _place = commune_page
    client.force_login(UserFactory(roles=["installation advisor"]))
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert response.get("X-Cache") is None  # rendered for this person, never stored
    client.logout()
    assert client.get(url)["X-Cache"] == "MISS"  # the staff visits did not fill the public entry
    client.get("/demande/")
    again = client.get("/demande/")
    assert again.get("X-Cache") != "HIT"  # its CSRF token belongs to one visitor
    assert "private" in again.get("Cache-Control", "") or "public" not in again.get("Cache-Control", "")


DEAD_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1: a cache that is down
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
    }
}


def test_a_cache_that_is_down_degrades_to_uncached_pages(client, commune_page, settings):
    url, _place = commune_page
    settings.CACHES = DEAD_REDIS
    for path in (url, "/", "/communes/?q=village", "/fiches/", "/api/v1/communes/10999/"):
        response = client.get(path)
        assert response.status_code == 200, path
    assert "Village-Témoin" in client.get(url).content.decode()


def test_campaign_tags_on_real_pages_reuse_one_entry(client, commune_page):
    """The probe of issue 19: random ?utm= values on a commune page stored one copy each."""
    from django.core.cache import cache

    from osez.cache import PAGE_KEY_PREFIX

    url, _place = commune_page
    assert client.get(url)["X-Cache"] == "MISS"
    for n in range(20):
        response = client.get(f"{url}?utm_source=probe{n}&utm_campaign={n}")
        assert response["X-Cache"] == "HIT"
    assert client.get("/communes/?q=village&utm_medium=mail")["X-Cache"] == "MISS"
    assert client.get("/communes/?q=village&fbclid=abc")["X-Cache"] == "HIT"
    assert client.get("/communes/?q=autre")["X-Cache"] == "MISS", "a declared parameter is a different page"
    if hasattr(cache, "keys"):  # Redis: count what is really stored
        assert len(cache.keys(PAGE_KEY_PREFIX + "*")) == 3
