"""The directory /communes/: search ignoring accents, hyphens and "St", postcode, filters, sort, pages."""

import pytest

from tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def names(response):
    return [c.name for c in response.context["page"].object_list]


@pytest.mark.parametrize("query", ["chapelle st luc", "CHAPELLE-SAINT-LUC", "luc chapelle", "chapele st luc"])
def test_search_by_name_words_or_typo_lists_the_commune(client, territory, query):
    assert names(client.get("/communes/", {"q": query})) == ["La Chapelle-Saint-Luc"]


@pytest.mark.parametrize("query", ["la chapelle saint luc", "La Chapelle St Luc", "10600"])
def test_an_unambiguous_name_or_postcode_goes_to_the_commune(client, territory, query):
    response = client.get("/communes/", {"q": query})
    assert response.status_code == 302
    assert response["Location"] == "/communes/10081-la-chapelle-saint-luc/"


def test_search_ignores_accents(client, territory):
    # With another filter the directory lists rather than redirects.
    response = client.get("/communes/", {"q": "aix villemaur palis", "sort": "name"})
    assert names(response) == ["Aix-Villemaur-Pâlis"]
    assert (
        client.get("/communes/", {"q": "aix villemaur palis"})["Location"]
        == "/communes/10003-aix-villemaur-palis/"
    )


def test_filter_by_epci_and_population(client, territory):
    epci = territory["troyes"].epci
    assert names(client.get("/communes/", {"epci": epci.pk})) == ["La Chapelle-Saint-Luc", "Troyes"]
    assert names(client.get("/communes/", {"population": "2000-10000"})) == ["Aix-Villemaur-Pâlis"]
    assert names(client.get("/communes/", {"population": "gte10000", "sort": "-population"})) == [
        "Troyes",
        "La Chapelle-Saint-Luc",
    ]


def test_nonsense_filters_do_not_break_the_page(client, territory):
    response = client.get(
        "/communes/", {"epci": "nope", "population": "huge", "sort": "drop table", "page": "x"}
    )
    assert response.status_code == 200
    assert len(names(response)) == 3


def test_a_nonsense_filter_does_not_drop_the_valid_ones(client, territory):
    response = client.get("/communes/", {"q": "troyes", "population": "huge"})
    assert names(response) == ["Troyes"]


def test_pagination_keeps_the_filters(client, territory):
    for i in range(60):
        CommuneFactory(code_insee=f"10{700 + i}", name=f"Village fictif {i:02d}", population=100)
    response = client.get("/communes/", {"population": "lt500"})
    assert len(names(response)) == 50
    html = response.content.decode()
    assert "page 1 sur 2" in html
    assert 'href="?population=lt500&amp;page=2"' in html
    assert len(names(client.get("/communes/", {"population": "lt500", "page": 2}))) == 10


def test_suggestions_put_names_starting_with_the_query_first(client, territory):
    CommuneFactory(code_insee="10363", name="Saint-Julien-les-Villas", postcodes=["10800"])
    CommuneFactory(code_insee="10364", name="Saint-Germain", postcodes=["10120"])
    data = client.get("/communes/suggestions", {"q": "st"}).json()
    # Names starting with "Saint" first, then those containing it.
    assert [r["name"] for r in data["results"]] == [
        "Saint-Germain",
        "Saint-Julien-les-Villas",
        "La Chapelle-Saint-Luc",
    ]
    data = client.get("/communes/suggestions", {"q": "chapelle st"}).json()
    assert data["results"][0]["url"] == "/communes/10081-la-chapelle-saint-luc/"
    assert data["results"][0]["label"] == "La Chapelle-Saint-Luc (10600)"


def test_suggestions_need_two_characters(client, territory):
    assert client.get("/communes/suggestions", {"q": "t"}).json()["results"] == []


def test_home_search_form_works_without_javascript(client, territory):
    html = client.get("/").content.decode()
    assert 'action="/communes/"' in html and 'method="get"' in html
    assert 'data-suggest-url="/communes/suggestions"' in html


def test_map_points_for_the_home_map(client, territory):
    data = client.get("/communes/carte.json").json()
    urls = {f["properties"]["url"] for f in data["features"]}
    assert "/communes/10387-troyes/" in urls
    troyes = next(f for f in data["features"] if f["properties"]["name"] == "Troyes")
    assert troyes["geometry"]["coordinates"] == [4.0744, 48.2973]
