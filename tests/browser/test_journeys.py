"""End-to-end journeys a family takes: search to a commune's map, finder to comparison, asking for support."""

import re

import pytest
from playwright.sync_api import expect

from portail.models import SupportRequest

pytestmark = [pytest.mark.browser]


def test_search_then_commune_page_then_the_map_shows_a_layer(page, site):
    page.goto(page.base + "/")
    search = page.get_by_role("combobox", name="Rechercher une commune par son nom ou son code postal")
    search.fill("chapelle st")
    option = page.get_by_role("option", name="La Chapelle-Saint-Luc (10600)")
    option.wait_for()
    search.press("ArrowDown")
    search.press("Enter")
    page.wait_for_url("**/communes/10081-la-chapelle-saint-luc/")
    assert page.get_by_role("heading", level=1).inner_text() == "La Chapelle-Saint-Luc"

    carte = page.locator("#commune-map")
    # Polled from the test side: a string given to wait_for_function is eval'd in the page, which the CSP forbids.
    expect(carte).to_have_attribute("data-visible-places", re.compile(r"^\d+$"))
    shown = int(carte.get_attribute("data-visible-places"))
    # Its maternelle, its élémentaire and, for every other layer, the nearest place in Troyes.
    assert shown == 7
    assert page.locator("#commune-map .leaflet-marker-icon").count() >= 1
    assert page.locator("#commune-map path.leaflet-interactive").count() == 1  # the commune's contour

    # Switching the maternelles off removes exactly their marker.
    page.get_by_label("Écoles maternelles").uncheck()
    assert int(carte.get_attribute("data-visible-places")) == shown - 1
    page.get_by_label("Écoles maternelles").check()
    assert int(carte.get_attribute("data-visible-places")) == shown


def test_search_without_javascript_reaches_the_commune(chromium, live_server, site):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("combobox", name="Rechercher une commune par son nom ou son code postal").fill("10600")
    page.get_by_role("button", name="Rechercher").click()
    # A postcode of one commune goes straight to its page.
    assert page.get_by_role("heading", level=1).inner_text() == "La Chapelle-Saint-Luc"
    # The places are there in text even with no map.
    assert page.get_by_text("École maternelle Jules Ferry (fictif)", exact=True).is_visible()
    context.close()


def test_finder_then_results_then_comparison(page, site):
    page.goto(page.base + "/trouver/")
    page.get_by_label("Commune du premier lieu de travail").fill("Troyes")
    page.get_by_label("Âge des enfants").fill("4, 9")
    page.get_by_label("Un médecin généraliste à moins de").select_option("10")
    page.get_by_role("button", name="Voir les communes").click()

    assert "work_1=Troyes" in page.url  # a shareable address
    status = page.locator("#results-title ~ p[role=status]")
    assert status.inner_text() == "2 communes répondent à tous vos critères."
    first = page.locator(".result-list > li").first
    assert "École maternelle et élémentaire, médecin sur place" in first.inner_text()
    expect(page.locator("#finder-map")).to_have_attribute("data-visible-places", "3")

    page.get_by_role("button", name="Comparer les communes cochées (2 à 4)").click()
    page.wait_for_url("**/comparer/**")
    headers = page.locator(".compare-table thead th a").all_inner_texts()
    assert sorted(headers) == ["La Chapelle-Saint-Luc", "Troyes"]


def test_asking_for_support(page, site):
    page.goto(page.base + "/communes/10081-la-chapelle-saint-luc/")
    page.get_by_role("link", name="Demander un accompagnement").last.click()
    page.wait_for_url("**/demande/**")
    assert page.get_by_label("Communes envisagées").input_value() == "La Chapelle-Saint-Luc"

    page.get_by_label("Prénom").fill("Camille")
    page.get_by_label("Nom", exact=True).fill("Exemple")
    page.get_by_label("Adresse électronique").fill("camille-at-exemple.fr")
    page.get_by_label("Vous habitez actuellement à").fill("Lyon")
    page.get_by_label("Logement").check()
    page.get_by_label("Dans 3 à 6 mois").check()
    page.get_by_role("button", name="Envoyer ma demande").click()

    # Refused: the message sits by the field, what was typed stays.
    assert "doit ressembler à nom@exemple.fr" in page.locator("#id_email_error").inner_text()
    assert page.get_by_label("Prénom").input_value() == "Camille"
    assert page.get_by_label("Logement").is_checked()
    assert SupportRequest.objects.count() == 0

    page.get_by_label("Adresse électronique").fill("camille@exemple.fr")
    page.get_by_label("Par courriel").check()  # no phone given: be written to rather than called
    page.get_by_label("J'accepte que l'équipe d'accueil").check()
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url("**/demande/envoyee/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Votre demande est bien envoyée"
    saved = SupportRequest.objects.get()
    assert saved.reference in page.locator(".reference").inner_text()
    assert saved.email == "camille@exemple.fr"
    assert [c.code_insee for c in saved.communes_considered.all()] == ["10081"]
