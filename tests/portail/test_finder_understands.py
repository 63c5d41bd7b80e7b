"""The finder as a family uses it on the real Aube communes: a workplace typed as a name with typos, a
postcode or a code INSEE, said back in words; more needs; every result, page by page, in a stated order."""

import html
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from communes import proximity, search
from communes.services import refresh_source
from portail import finder

FIXTURES_RAW = Path(__file__).resolve().parents[2] / "fixtures" / "raw"


@pytest.fixture
def aube(settings, db):
    settings.OSEZ_DEPARTEMENTS = ["10"]
    for slug in ("communes", "ecoles", "sport", "bpe"):
        shutil.copytree(FIXTURES_RAW / slug, Path(settings.OSEZ_RAW_DIR) / slug, dirs_exist_ok=True)
        assert refresh_source(slug, offline=True, departements=["10"]).ok
    proximity.compute()
    search.reset_index()
    finder.reset_index()
    yield
    search.reset_index()
    finder.reset_index()


def text(response):
    """The page as read: tags dropped, entities decoded, spaces collapsed (links kept as their href)."""
    body = re.sub(r'<a href="([^"]*)">', r" <a \1> ", response.content.decode())
    body = html.unescape(re.sub(r"<(?!a )[^>]+>", "", body))
    return re.sub(r"\s+", " ", body.replace("\xa0", " "))


def test_a_postcode_shared_by_several_communes_is_asked_never_read_as_a_code_insee(client, aube):
    response = client.get("/trouver/", {"work_1": "10300", "km_1": "20"})
    assert response.status_code == 400
    page = text(response)
    assert "Le code postal 10300 couvre plusieurs communes : laquelle ?" in page
    assert "Choisir Sainte-Savine (10300)" in page
    assert "Choisir Pougy — code INSEE 10300 (code postal 10240)" in page
    link = re.search(r"<a \?([^>]+)> Choisir Sainte-Savine", page).group(1)
    assert parse_qs(link)["km_1"] == ["20"]  # nothing typed is lost
    chosen = client.get("/trouver/?" + link)
    assert chosen.status_code == 200
    assert "Lieu de travail : Sainte-Savine (10300)." in text(chosen)


def test_a_postcode_of_one_commune_is_said_and_the_other_reading_offered(client, aube):
    page = text(client.get("/trouver/", {"work_1": "10230"}))
    assert "Lieu de travail : Mailly-le-Camp (10230), d'après le code postal." in page
    assert "10230 est aussi le code INSEE de Mergey." in page
    assert "Choisir plutôt Mergey" in page


@pytest.mark.parametrize(
    "typed, understood",
    [("Troye", "Troyes (10000)"), ("tryes", "Troyes (10000) (nous avons corrigé « tryes »)"),
     ("Romilly", "Romilly-sur-Seine (10100)"), ("10033", "Bar-sur-Aube (10200), d'après le code INSEE 10033")],
)  # fmt: skip
def test_a_workplace_with_typos_or_a_code_is_understood_and_said(client, aube, typed, understood):
    response = client.get("/trouver/", {"work_1": typed})
    assert response.status_code == 200
    assert f"Lieu de travail : {understood}." in text(response)


def test_an_unknown_workplace_keeps_everything_typed(client, aube):
    response = client.get("/trouver/", {"work_1": "Atlantide", "ages": "3, 8", "vet_km": "10"})
    assert response.status_code == 400
    raw = response.content.decode()
    assert "Aucune commune ne correspond à « Atlantide »" in text(response)
    assert 'value="Atlantide"' in raw and 'value="3, 8"' in raw


def test_more_needs_all_results_in_pages_and_a_stated_order(client, aube):
    params = {"work_1": "Troyes", "km_1": "40", "ages": "3, 8", "vet_km": "10", "dentist_km": "10",
              "extra": ["creche", "lycee"], "sport": ["sport-natation", "sport-tennis"]}  # fmt: skip
    first = client.get("/trouver/", params)
    assert first.status_code == 200
    page = text(first)
    assert "Classement : d'abord les communes qui répondent à tous vos critères" in page
    total = first.context["total"]
    assert total == 431  # every commune is ranked, page by page
    assert len(first.context["results"]) == 20 and "Page 1 sur 22" in page
    explanations = " ".join(r.explanation + " ".join(r.shortfalls) for r in first.context["results"])
    for need in ("vétérinaire", "dentiste", "crèche", "lycée", "Natation"):
        assert need.lower() in explanations.lower(), need
    last = client.get("/trouver/", {**params, "page": "22"})
    assert last.context["results"][0].rank == 421
    ranked = [r.code for r in first.context["results"]] + [r.code for r in last.context["results"]]
    assert len(set(ranked)) == len(ranked)


def test_without_workplace_the_order_is_stated_and_ties_are_alphabetical(client, aube):
    response = client.get("/trouver/", {"size": "village"})
    assert "à égalité, par ordre alphabétique" in text(response)
    names = [r.name for r in response.context["results"]]
    from communes.text import fold

    assert names == sorted(names, key=fold)


def test_the_request_link_carries_commune_names_and_childrens_ages(client, aube):
    response = client.get("/trouver/", {"work_1": "Troyes", "ages": "3, 8"})
    link = response.context["request_link"]
    query = parse_qs(urlparse(link).query)
    assert query["ages"] == ["3, 8"]
    names = [r.name for r in response.context["results"][:3]]
    assert query["communes"] == [", ".join(names)]
    raw = client.get(link).content.decode()
    assert ", ".join(names) in raw and not re.search(r'value="[^"]*\b10\d{3}\b', raw)


def test_the_compare_link_of_a_commune_whose_code_insee_is_another_postcode_compares_it(client, aube):
    """Pougy's code INSEE, 10300, is Sainte-Savine's postcode: the "compare" link of Pougy's page, the
    finder's checkboxes and the shortlist send codes INSEE, and must compare Pougy, not ask which."""
    commune_page = client.get("/communes/10300/", follow=True).content.decode()
    assert 'href="/comparer/?communes=10300"' in commune_page

    response = client.get("/comparer/", {"communes": "10300,10387"})

    assert response.status_code == 200
    page = text(response)
    assert "couvre plusieurs communes" not in page
    headers = re.findall(r'<th scope="col"><a href="[^"]+">([^<]+)</a></th>', response.content.decode())
    assert headers == ["Pougy", "Troyes"]
    # Typed in the finder, the same number is still asked about (test above): only codes the site sends
    # are read as codes first.
