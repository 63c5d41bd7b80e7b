"""Public pages are served from the shared cache until the data behind them changes, and never across visitors."""

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import override_settings
from django.urls import path

from osez.cache import bump_data_generation, cached_public
from tests.factories import UserFactory
from tests.helpers import clear_worker_cache, record_redis_round_trips

calls = []


@cached_public(query=("q",))
def page(request):
    calls.append(1)
    return HttpResponse(f"render {len(calls)}")


@cached_public(query=())
def page_with_form(request):
    calls.append(1)
    return HttpResponse(f"token {get_token(request)}")


@cached_public(query=())
def long_page(request):
    calls.append(1)
    return HttpResponse("<p>Écoles, crèches et médecins près de Troyes.</p>" * 200)


urlpatterns = [path("p", page), path("form", page_with_form), path("long", long_page)]

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


def test_a_long_page_is_sent_gzipped_to_browsers_and_plain_to_others(client):
    import gzip

    miss = client.get("/long", headers={"accept-encoding": "gzip, deflate, br"})
    browser = client.get("/long", headers={"accept-encoding": "gzip, deflate, br"})
    plain_client = client.get("/long")

    assert browser["X-Cache"] == plain_client["X-Cache"] == "HIT" and len(calls) == 1
    assert browser["Content-Encoding"] == "gzip"
    assert int(browser["Content-Length"]) == len(browser.content) < len(miss.content) / 10
    assert gzip.decompress(browser.content) == miss.content == plain_client.content
    assert "Content-Encoding" not in plain_client
    for response in (miss, browser, plain_client):
        assert "Accept-Encoding" in response["Vary"]


def test_a_short_page_is_stored_plain(client):
    client.get("/p")
    hit = client.get("/p", headers={"accept-encoding": "gzip"})
    assert hit["X-Cache"] == "HIT" and "Content-Encoding" not in hit and hit.content == b"render 1"


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


# --- Only the declared query parameters make the key, and only they reach the view

seen = []


@cached_public(query=("q", "communes"))
def echo(request):
    seen.append(request.GET.urlencode())
    return HttpResponse(f"{request.GET.urlencode()} | {request.get_full_path()}")


urlpatterns.append(path("echo", echo))


def _page_entries():
    from django.core.cache import cache

    from osez.cache import PAGE_KEY_PREFIX

    if hasattr(cache, "keys"):  # django-redis
        return len(cache.keys(PAGE_KEY_PREFIX + "*"))
    return sum(PAGE_KEY_PREFIX in key for key in cache._cache)


def test_campaign_and_unknown_parameters_never_multiply_entries(client):
    seen.clear()
    for n in range(25):
        response = client.get(f"/echo?utm_source=news{n}&fbclid=x{n}&q=troyes&zz={n}")
        assert response.status_code == 200
    assert len(seen) == 1, "one rendering served every campaign variant"
    assert _page_entries() == 1
    # The view never saw the undeclared parameters, nor could a template copy them into the page.
    assert response.content == b"q=troyes | /echo?q=troyes"


def test_declared_parameters_keep_every_value_in_order(client):
    seen.clear()
    assert client.get("/echo?communes=10387&utm=1&communes=10362").content.startswith(
        b"communes=10387&communes=10362 |"
    )
    assert client.get("/echo?communes=10362&communes=10387").content.startswith(
        b"communes=10362&communes=10387"
    )
    assert len(seen) == 2, "a different comparison is a different page"


def test_staff_requests_also_get_only_the_declared_parameters(client):
    client.force_login(UserFactory())
    assert client.get("/echo?q=a&secret=b").content == b"q=a | /echo?q=a"


def test_a_cached_view_must_declare_its_parameters_at_import_time():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="query="):
        cached_public(prefix="forgot")
    with pytest.raises(ImproperlyConfigured):
        cached_public(query="q")  # a bare string would be read as the names "q"… one letter each


def test_every_cached_view_of_the_site_declares_its_parameters():
    from django.urls import get_resolver

    def walk(resolver):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern)
            else:
                yield pattern.callback

    cached = [view for view in walk(get_resolver("osez.urls")) if hasattr(view, "osez_public_cache")]
    assert len(cached) >= 10
    for view in cached:
        assert isinstance(view.osez_public_cache, tuple), view


# --- One round trip, exact invalidation across processes


def test_a_refresh_is_seen_at_once_by_every_worker(rf):
    """Two middlewares with two cache clients of their own stand for two gunicorn workers."""
    from django.core.cache import caches

    from osez.cache import PublicPageCacheMiddleware

    renders = []

    def view_response(request):
        renders.append(1)
        response = HttpResponse(f"render {len(renders)}")
        response._osez_public_cache = (60, "test")
        return response

    worker_a = PublicPageCacheMiddleware(view_response, backend=caches.create_connection("default"))
    worker_b = PublicPageCacheMiddleware(view_response, backend=caches.create_connection("default"))

    def get(worker):
        return worker(rf.get("/p", HTTP_HOST="testserver"))

    assert get(worker_a).content == b"render 1"
    assert get(worker_b)["X-Cache"] == "HIT", "worker B serves what worker A stored"
    assert get(worker_a)["X-Cache"] == "HIT"
    # A publication in a third process (a Celery worker, a management command).
    caches.create_connection("default").incr("osez:data-generation")
    assert get(worker_b).content == b"render 2", "worker B renders again at once"
    assert get(worker_a).content == b"render 2", "and worker A serves the new page at once"
    assert len(renders) == 2


def test_a_lost_generation_never_brings_back_an_old_page(client):
    from django.core.cache import cache

    from osez.cache import GENERATION_KEY

    assert client.get("/p").content == b"render 1"
    cache.delete(GENERATION_KEY)  # evicted under memory pressure, or Redis restarted
    assert client.get("/p").content == b"render 2"
    assert client.get("/p")["X-Cache"] == "HIT"


@pytest.mark.needs_redis
def test_a_cached_page_costs_one_redis_round_trip_and_no_unpickling(client, monkeypatch, settings):
    import pickle

    settings.OSEZ_PUBLIC_PAGE_RATE = "600/m"
    client.get("/p?q=one")
    round_trips = record_redis_round_trips(monkeypatch)
    monkeypatch.setattr(pickle, "loads", lambda *a, **k: pytest.fail("a cached page must not be unpickled"))
    hit = client.get("/p?q=one")
    assert hit["X-Cache"] == "HIT" and hit.content == b"render 1"
    assert "public" in hit["Cache-Control"]
    # The visitor's counter (created with its expiry if new, then counted), the generation and the page.
    assert round_trips == [["SET", "INCR", "MGET"]]


@pytest.mark.needs_redis
def test_a_dropped_connection_costs_one_uncached_page_never_an_error(client, caplog, monkeypatch):
    """The hit path's own connection to Redis is closed under it (Redis restarted, a proxy timed it out):
    the visitor still gets the page, rendered by the view, and the next ones are back on the cache."""
    from django.core.cache import cache

    from osez import cache as page_cache

    assert client.get("/p").content == b"render 1"
    assert client.get("/p")["X-Cache"] == "HIT"
    monkeypatch.setattr(cache, "_ignore_exceptions", True)  # as production sets it (IGNORE_EXCEPTIONS)
    pool = cache.client.get_client(write=True).connection_pool
    _pid, connection = page_cache._threads.connections[pool]
    connection._sock.close()  # the socket is gone, the connection does not know it yet

    served = client.get("/p")
    assert served.status_code == 200 and served.content == b"render 2", "rendered again, no error page"
    assert "public page cache unreachable" in caplog.text
    # The next visitor reaches Redis on a new connection, where the page stored before still is.
    again = client.get("/p")
    assert again["X-Cache"] == "HIT" and again.content == b"render 1"


@pytest.mark.needs_redis
def test_one_entry_per_page_rewritten_rather_than_one_per_generation(client):
    for _ in range(3):
        client.get("/p")
        bump_data_generation("test")
    assert _page_entries() == 1


# --- Public rate limit per visitor


def test_public_pages_have_a_per_address_rate_limit(client, settings):
    settings.OSEZ_PUBLIC_PAGE_RATE = "3/m"
    statuses = [client.get("/p", REMOTE_ADDR="198.51.100.20").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/p", REMOTE_ADDR="198.51.100.20")
    assert "Trop de pages demandées" in limited.content.decode()
    assert limited["Retry-After"] == "60" and "no-store" in limited["Cache-Control"]
    assert client.get("/p", REMOTE_ADDR="198.51.100.21").status_code == 200, "another visitor is not limited"


def test_public_rate_limit_cannot_be_dodged_with_forged_forwarded_headers(client, settings):
    settings.OSEZ_PUBLIC_PAGE_RATE = "3/m"
    settings.OSEZ_PROXY_COUNT = 1
    statuses = [
        # The proxy (10.0.0.1) appends the real address after whatever the client wrote.
        client.get(
            "/p", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.30"
        ).status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
