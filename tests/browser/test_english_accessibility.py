"""The English public pages through axe-core in headless Chromium, at 1280 px and 360 px, and the switcher."""

import pytest

from portail import seed
from portail.models import Sheet

from .tools import serious_violations

pytestmark = [pytest.mark.browser]

PAGES = {
    "home": "/en/",
    "directory": "/en/communes/?q=troy",
    "commune": "/en/communes/10081-la-chapelle-saint-luc/",
    "finder results": "/en/trouver/?work_1=Troyes&km_1=30&ages=4%2C+9&gp_km=10",
    "finder with errors": "/en/trouver/?ages=four",
    "comparison": "/en/comparer/?communes=10387,10081",
    "sheets": "/en/fiches/",
    "translated sheet": "/en/fiches/se-deplacer/",
    "untranslated sheet": "/en/fiches/venir-a-velo/",
    "request": "/en/demande/",
    "request sent": "/en/demande/envoyee/",
    "contact": "/en/contact/",
    "data": "/en/donnees/",
    "privacy": "/en/confidentialite/",
    "accessibility": "/en/accessibilite/",
    "unknown commune": "/en/communes/troye/",
    "unknown page": "/en/no-such-page/",
}


@pytest.fixture
def sheets(site):
    seed.load_sheets()
    Sheet.objects.create(
        title_fr="Venir à vélo", slug="venir-a-velo", theme="mobilite", summary_fr="Les pistes cyclables.",
        body_fr="## Les pistes\n\nUn paragraphe avec un [lien](https://example.org).", is_published=True,
    )  # fmt: skip


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violation_in_english(page, site, sheets, name, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(page.base + PAGES[name])
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"
    problems = serious_violations(page)
    assert not problems, f"{name} ({PAGES[name]}) at {width} px:\n" + "\n".join(problems)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_refused_request_form_in_english_is_accessible(page, site):
    page.goto(page.base + "/en/demande/")
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_load_state("load")
    assert page.locator("#error-summary").is_visible()
    assert "Give your first name." in page.locator("#error-summary").inner_text()
    problems = serious_violations(page)
    assert not problems, "\n".join(problems)


def test_the_switcher_goes_to_the_same_page_in_the_other_language(page, site):
    page.goto(page.base + "/communes/10081-la-chapelle-saint-luc/")
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/en/communes/10081-la-chapelle-saint-luc/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Key figures").count() == 1
    page.get_by_role("link", name="Français").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/communes/10081-la-chapelle-saint-luc/") and "/en/" not in page.url
    assert page.locator("html").get_attribute("lang") == "fr"


def test_an_english_browser_gets_french_at_the_unprefixed_address(chromium, live_server, site):
    context = chromium.new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en-GB,en;q=0.9"})
    try:
        page = context.new_page()
        page.goto(live_server.url + "/communes/")
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.get_by_role("link", name="English").get_attribute("hreflang") == "en"
    finally:
        context.close()
