"""axe-core over the public pages in headless Chromium: no serious or critical violation."""

import pytest

from portail.models import Sheet
from tests.portail.conftest import add_figures_and_odd_places

from .tools import serious_violations

pytestmark = [pytest.mark.browser]

PAGES = {
    "accueil": "/",
    "annuaire": "/communes/?q=troy",
    "commune": "/communes/10081-la-chapelle-saint-luc/",
    "résultats du trouveur": "/trouver/?work_1=Troyes&km_1=30&ages=4%2C+9&gp_km=10",
    "trouveur avec erreurs": "/trouver/?ages=quatre",
    "comparaison": "/comparer/?communes=10387,10081",
    "fiches": "/fiches/",
    "fiche": "/fiches/fiche-accessible/",
    "demande": "/demande/",
    "données": "/donnees/",
    "commune inconnue": "/communes/troye/",
}


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violation(page, site, name):
    Sheet.objects.create(
        title="Fiche accessible", slug="fiche-accessible", theme="logement", summary="Un résumé.",
        body="## Une partie\n\nUn paragraphe avec un [lien](https://example.org).\n\n- un\n- deux", is_published=True,
    )  # fmt: skip
    page.goto(page.base + PAGES[name])
    page.wait_for_load_state("load")
    problems = serious_violations(page)
    assert not problems, f"{name} ({PAGES[name]}):\n" + "\n".join(problems)


def test_refused_request_form_is_accessible(page, site):
    page.goto(page.base + "/demande/")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_load_state("load")
    assert page.locator("#error-summary").is_visible()
    # Focus moves to the summary so a screen reader announces what to fix.
    assert page.evaluate("document.activeElement.id") == "error-summary"
    problems = serious_violations(page)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", ["commune", "annuaire", "comparaison", "demande"])
def test_no_serious_violation_on_a_phone(page, site, name):
    """At 390 px the wide tables scroll: their scrolling region must be reachable with the keyboard."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base + PAGES[name])
    page.wait_for_load_state("load")
    problems = serious_violations(page)
    assert not problems, f"{name} ({PAGES[name]}) at 390 px:\n" + "\n".join(problems)


FIGURE_PAGES = {
    "commune avec chiffres": "/communes/10081-la-chapelle-saint-luc/",
    "données avec couches fictives": "/donnees/",
    "trouveur avec chiffres": "/trouver/?housing=maison-1500&internet=fibre-80&work_1=Troyes",
    "accueil avec bandeau": "/",
}


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("name", FIGURE_PAGES)
def test_figures_contacts_and_the_fiction_banner_are_accessible(page, site, name, width):
    """Odd data (withheld figures, EPCI-level ones, contacts, approximate places) and the banner, on a phone too."""
    add_figures_and_odd_places(site)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(page.base + FIGURE_PAGES[name])
    page.wait_for_load_state("load")
    assert page.locator(".fiction-banner").is_visible()
    problems = serious_violations(page)
    assert not problems, f"{name} at {width} px:\n" + "\n".join(problems)
    # No horizontal scroll of the page itself: wide tables scroll inside their own region.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
