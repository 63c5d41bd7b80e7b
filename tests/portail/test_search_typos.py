"""Search as a family types it, on the 431 real communes of the Aube: typos, exact names first, bounds."""

import shutil
from pathlib import Path

import pytest

from communes import search
from communes.services import refresh_source

FIXTURES_RAW = Path(__file__).resolve().parents[2] / "fixtures" / "raw"


@pytest.fixture
def aube(settings, db):
    settings.OSEZ_DEPARTEMENTS = ["10"]
    shutil.copytree(FIXTURES_RAW / "communes", Path(settings.OSEZ_RAW_DIR) / "communes")
    assert refresh_source("communes", offline=True, departements=["10"]).ok
    search.reset_index()
    yield
    search.reset_index()


def suggested(client, q):
    return [r["name"] for r in client.get("/communes/suggestions", {"q": q}).json()["results"]]


@pytest.mark.parametrize(
    "typed, meant",
    [("tryes", "Troyes"), ("romily", "Romilly-sur-Seine"), ("bar sur aube", "Bar-sur-Aube"),
     ("BAR-SUR-AUBE", "Bar-sur-Aube"), ("st savine", "Sainte-Savine"), ("Troye", "Troyes")],
)  # fmt: skip
def test_typos_and_spellings_find_the_commune_first(client, aube, typed, meant):
    assert suggested(client, typed)[0] == meant
    page = client.get("/communes/", {"q": typed, "sort": ""}, follow=True)
    assert meant in page.content.decode()


def test_an_exact_name_comes_before_the_names_that_contain_it(client, aube):
    names = suggested(client, "troyes")
    assert names[0] == "Troyes" and len(names) > 1  # then "…-près-Troyes", never A→Z with Troyes last
    assert all("Troyes" in n for n in names)


def test_an_unambiguous_name_goes_to_its_page_and_a_typo_is_said(client, aube):
    assert client.get("/communes/", {"q": "troyes"})["Location"] == "/communes/10387-troyes/"
    assert client.get("/communes/troyes/")["Location"] == "/communes/10387-troyes/"
    assert client.get("/communes/bar-sur-aube/")["Location"] == "/communes/10033-bar-sur-aube/"
    html = client.get("/communes/", {"q": "tryes"}).content.decode()
    assert "Aucune commune ne s'écrit « tryes »" in html and "Troyes" in html
    missing = client.get("/communes/tryes/")
    assert missing.status_code == 404
    assert "/communes/10387-troyes/" in missing.content.decode()


def test_suggestions_keep_their_shape_for_the_back_office(client, aube):
    data = client.get("/communes/suggestions", {"q": "sainte sav"}).json()
    assert data["query"] == "sainte sav"
    assert data["results"][0] == {
        "code": "10362", "name": "Sainte-Savine", "postcodes": ["10300"], "label": "Sainte-Savine (10300)",
        "url": "/communes/10362-sainte-savine/",
    }  # fmt: skip
    by_postcode = client.get("/communes/suggestions", {"q": "10300"}).json()["results"]
    assert [r["name"] for r in by_postcode][:1] == ["Sainte-Savine"]
    assert "Pougy" in [r["name"] for r in by_postcode]  # 10300 is also Pougy's code INSEE


@pytest.mark.parametrize("query", ["x" * 60_000, " ".join(["troyes"] * 1_500), "a " * 2_000])
def test_an_endless_search_gets_a_message_never_a_500(client, aube, query):
    directory = client.get("/communes/", {"q": query})
    assert directory.status_code == 200
    assert "Votre recherche" in directory.content.decode() and "au plus" in directory.content.decode()
    data = client.get("/communes/suggestions", {"q": query}).json()
    assert data["results"] == [] and "au plus" in data["message"]
    assert len(data["query"]) <= search.MAX_QUERY_CHARS
    finder = client.get("/trouver/", {"work_1": query})
    assert finder.status_code == 400 and "au plus" in finder.content.decode()
    compare = client.get("/comparer/", {"communes": query})
    assert compare.status_code in (200, 400) and "au plus" in compare.content.decode()


def test_a_9000_character_commune_address_gets_a_message(client, aube):
    response = client.get("/communes/" + "troyes-" * 1_300 + "/")
    assert response.status_code == 404
    assert "trop longue" in response.content.decode()
