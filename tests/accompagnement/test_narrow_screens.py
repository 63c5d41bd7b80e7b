"""Staff pages at 390 px (a phone held upright): no sideways scrolling, the whole staff menu reachable."""

import datetime

import pytest

from accompagnement.enums import Need, Stage
from accompagnement.models import HouseholdNeed, Interaction, Task
from tests.browser.tools import local_page
from tests.factories import CommuneFactory, UserFactory

from .factories import AdultFactory, ChildFactory, HouseholdFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un mot de passe solide 2026"


@pytest.fixture
def phone_page(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with local_page(viewport={"width": 390, "height": 844}) as page:
        yield page


def test_staff_pages_fit_390_px(live_server, phone_page):
    page = phone_page
    UserFactory(username="responsable", first_name="Responsable", roles=["team lead"])
    household = HouseholdFactory(advisor=None, stage=Stage.PROJECT,
                                 email="une.adresse.vraiment.tres.longue.pour.un.telephone@exemple-fictif.example.org",
                                 origin="Saint-Rémy-en-Bouzemont-Saint-Genest-et-Isson")  # fmt: skip
    AdultFactory(
        household=household, first_name="Marie-Dominique-Clémentine", last_name="De La Fontaine-Fictive"
    )
    ChildFactory(household=household)
    household.communes_considered.add(CommuneFactory(name="Villeneuve-au-Chemin-Fictive"))
    HouseholdNeed.objects.create(household=household, kind=Need.SCHOOL, note="Note " * 60)
    Interaction.objects.create(household=household, text="Unmotsansespacetreslong" * 8)
    task = Task.objects.create(household=household, title="Relancer " * 8, due_date=datetime.date(2026, 1, 1))

    page.goto(f"{live_server.url}/admin/login/?next=/admin/accompagnement/")
    page.fill("#id_username", "responsable")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/admin/accompagnement/")

    urls = [
        "/admin/accompagnement/",
        "/admin/accompagnement/taches/",
        "/admin/accompagnement/equipe/",
        "/admin/accompagnement/dossiers/nouveau/",
        household.get_absolute_url(),
        f"/admin/accompagnement/dossiers/{household.pk}/modifier/",
        f"/admin/accompagnement/dossiers/{household.pk}/taches/{task.pk}/",
        f"/admin/accompagnement/dossiers/{household.pk}/courriel/",
    ]
    too_wide = []
    for url in urls:
        page.goto(f"{live_server.url}{url}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide.append(f"{url}: {width}px")
        # Every entry of the staff menu is inside the screen.
        for box in page.locator(".staff-nav a").evaluate_all(
            "links => links.map(a => a.getBoundingClientRect()).map(r => [r.left, r.right])"
        ):
            assert box[0] >= 0 and box[1] <= 390, f"{url}: staff menu entry cut at {box}"
    assert not too_wide, "pages scrolling sideways at 390 px: " + "; ".join(too_wide)
