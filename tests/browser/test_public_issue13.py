"""In Chromium: the shortlist kept without a cookie, the map fitting the nearest places, phones at 360 px,
axe-core at 1280 and 360 px on every public page, and the printed commune page."""

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .tools import serious_violations

pytestmark = [pytest.mark.browser]

PUBLIC_PAGES = {
    "accueil": "/",
    "annuaire": "/communes/?q=troy",
    "annuaire trop long": "/communes/?q=" + "x" * 300,
    "commune": "/communes/10081-la-chapelle-saint-luc/",
    "commune inconnue": "/communes/tryes/",
    "trouveur": "/trouver/",
    "résultats du trouveur": "/trouver/?work_1=Troyes&km_1=30&ages=4%2C+9&gp_km=10&vet_km=10&extra=creche",
    "trouveur, lieu inconnu": "/trouver/?work_1=Atlantide&ages=3",
    "comparaison": "/comparer/?communes=10387,10081",
    "comparaison d'une commune": "/comparer/?communes=10387",
    "demande": "/demande/",
    "contact": "/contact/",
    "confidentialité": "/confidentialite/",
    "données": "/donnees/",
    "fiches": "/fiches/",
}


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_no_serious_violation_and_no_sideways_page_at_1280_and_360(page, site, name, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(page.base + PUBLIC_PAGES[name])
    page.wait_for_load_state("load")
    problems = serious_violations(page)
    assert not problems, f"{name} at {width} px:\n" + "\n".join(problems)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (
        f"{name} scrolls sideways at {width} px"
    )


def test_the_shortlist_is_kept_in_the_browser_without_a_cookie_and_compared(page, site):
    page.goto(page.base + "/communes/10081-la-chapelle-saint-luc/")
    page.get_by_role("button", name="Ajouter La Chapelle-Saint-Luc à ma sélection").click()
    expect(page.locator("#shortlist-status")).to_contain_text(
        "La Chapelle-Saint-Luc est dans votre sélection"
    )
    page.goto(page.base + "/trouver/?work_1=Troyes&km_1=30")
    page.get_by_role("button", name="Ajouter Troyes à ma sélection").click()
    link = page.get_by_role("link", name="Comparer ma sélection (2)")
    expect(link).to_be_visible()
    assert page.evaluate("document.cookie") == ""  # cached pages stay shared: nothing per visitor
    link.click()
    page.wait_for_url("**/comparer/**")
    headers = page.locator(".compare-table thead th a").all_inner_texts()
    assert headers == ["La Chapelle-Saint-Luc", "Troyes"]
    expect(page.locator("#shortlist-list")).to_contain_text("Troyes")
    page.get_by_role("button", name="Retirer Troyes").click()
    expect(page.get_by_role("link", name="Comparer ma sélection (1)")).to_be_visible()
    problems = serious_violations(page)
    assert not problems, "\n".join(problems)


def test_the_map_fits_the_nearest_place_of_the_ticked_layers(page, site):
    page.goto(page.base + "/communes/10081-la-chapelle-saint-luc/")
    page.wait_for_load_state("load")
    nearest = site["places"]["colleges"]
    for box in page.locator("#map-layers input[data-layer]").all():
        if box.get_attribute("data-layer") != "colleges":
            box.uncheck()
    bbox = [float(v) for v in page.locator("#commune-map").get_attribute("data-fitted").split(",")]
    west, south, east, north = bbox
    assert south <= nearest.latitude <= north and west <= nearest.longitude <= east
    assert page.locator("#commune-map").get_attribute("data-visible-places") == "1"


def test_finder_results_come_first_on_a_phone(page, site):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(page.base + "/trouver/?work_1=Troyes&km_1=30&ages=4")
    top = page.locator("#results-title").bounding_box()["y"]
    assert top < 740, "the results start within the first screen"
    assert page.locator("#results-title").bounding_box()["y"] < page.locator("#criteres").bounding_box()["y"]


def test_the_commune_table_reads_as_cards_on_a_phone(page, site):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(page.base + "/communes/10387-troyes/")
    table = page.locator(".layers-table").bounding_box()
    assert table["width"] <= 360
    nearest = page.locator(".layers-table td[data-label='Le plus proche']").first
    assert nearest.is_visible() and nearest.bounding_box()["x"] + nearest.bounding_box()["width"] <= 360


FIXTURES_RAW = Path(__file__).resolve().parents[2] / "fixtures" / "raw"


def test_the_troyes_page_prints_on_at_most_three_a4_pages_with_the_service_contact(
    page, transactional_db, settings
):
    from communes import proximity
    from communes.services import refresh_source
    from tests.portail.conftest import clear_cache

    settings.OSEZ_DEPARTEMENTS = ["10"]
    for slug in ("communes", "ecoles", "sport", "bpe"):
        shutil.copytree(FIXTURES_RAW / slug, Path(settings.OSEZ_RAW_DIR) / slug, dirs_exist_ok=True)
        assert refresh_source(slug, offline=True, departements=["10"]).ok
    proximity.compute()
    clear_cache()
    page.goto(page.base + "/communes/10387-troyes/")
    page.emulate_media(media="print")
    assert page.locator(".print-footer").is_visible()
    assert settings.OSEZ_SERVICE_PHONE in page.locator(".print-footer").inner_text()
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 3, f"the Troyes page prints on {pages} A4 pages"
