"""End to end, in headless Chromium: a public request → the sign-in link from the outbox → a step ticked →
a message to the advisor → the advisor answers from the dossier → the family reads it → the 6-month survey
answered 4/10 → a task for the advisor and the team lead told. axe-core checks the family pages at
1280 px and 360 px on the way."""

import datetime
import re

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone

from accompagnement.enums import Stage
from accompagnement.models import Household, PinnedPlace
from espace_famille import services
from espace_famille.models import ChecklistTick, Message
from portail.models import SupportRequest
from portail.services import notify_support_request
from tests.browser.tools import CHROMIUM, CHROMIUM_ARGS, only_local, serious_violations
from tests.factories import PlaceFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un mot de passe solide 2026"
LINK = re.compile(r"https?://[^\s]+/mon-espace/connexion/[A-Za-z0-9_\-]+/")


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        # While Playwright's event loop runs in this thread, the test's queries go through a database
        # connection of their own (Django keeps connections in asgiref's context-local storage), which
        # pytest-django never sees: close it here, or it outlives the run and the test database cannot be
        # dropped ("being accessed by other users").
        connections.close_all()
        browser.close()


def _page(browser, width=1280):
    page = browser.new_page(locale="fr-FR", viewport={"width": width, "height": 900})
    page.route("**/*", only_local)
    page.set_default_timeout(15000)
    return page


def _no_serious_violation(page, url, widths=(1280, 360)):
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        assert serious_violations(page) == [], (url, width)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_family_and_advisor_share_the_first_year(live_server, browser, settings):
    from playwright.sync_api import expect

    settings.OSEZ_BASE_URL = live_server.url
    advisor = UserFactory(
        username="conseil-parcours", first_name="Conseillère", roles=["installation advisor"]
    )
    lead = UserFactory(username="responsable-parcours", roles=["team lead"])

    # The public request: the dossier opens and the family gets its link.
    request = SupportRequest.objects.create(
        first_name="Léa", last_name="Exemple", email="lea@example.org", origin="Nantes",
        needs=["ecole"], arrival_horizon="3m", consent_text_version="2026-01",
    )  # fmt: skip
    notify_support_request(request)
    household = Household.objects.get(support_request=request)
    Household.objects.filter(pk=household.pk).update(advisor=advisor)
    link = next(LINK.search(m.body).group(0) for m in mail.outbox if LINK.search(m.body))

    anonymous = _page(browser)
    _no_serious_violation(anonymous, f"{live_server.url}/mon-espace/connexion/")
    family = _page(browser)
    family.goto(link)
    family.get_by_role("button", name="Entrer dans mon espace").click()
    expect(family.get_by_role("heading", level=1)).to_contain_text("Bonjour Léa")

    # A step of the school checklist, ticked.
    family.get_by_role("button", name="C'est fait : Inscrire l'enfant à la mairie").click()
    expect(family.get_by_role("button", name="Décocher : Inscrire l'enfant à la mairie")).to_be_visible()
    assert ChecklistTick.objects.filter(household=household).count() == 1

    # A message to the advisor.
    family.get_by_label("Votre message").fill("Bonjour, où trouver le formulaire de la cantine ?")
    family.get_by_role("button", name="Envoyer le message").click()
    expect(family.locator(".messages")).to_contain_text("Message envoyé")
    _no_serious_violation(family, f"{live_server.url}/mon-espace/")
    _no_serious_violation(family, f"{live_server.url}/mon-espace/mes-donnees/")
    school = PlaceFactory(name="École des Tilleuls (fictive)", phone="03 25 00 00 01")
    PinnedPlace.objects.create(household=household, place=school, distance_km=1.2)
    _no_serious_violation(family, f"{live_server.url}/mon-espace/lieux/")
    _no_serious_violation(family, f"{live_server.url}/mon-espace/livret/")

    # The advisor reads it in the dossier and answers from there.
    staff = _page(browser)
    staff.goto(f"{live_server.url}/admin/login/?next={household.get_absolute_url()}")
    staff.fill("#id_username", "conseil-parcours")
    staff.fill("#id_password", PASSWORD)
    staff.get_by_role("button", name="Connexion").click()
    panel = staff.locator("#espace-famille")
    expect(panel).to_contain_text("où trouver le formulaire de la cantine")
    expect(panel).to_contain_text("Démarches cochées par la famille : 1 sur")
    panel.get_by_label("Écrire à la famille").fill("Il est sur le site de la mairie, rubrique école.")
    panel.get_by_role("button", name="Envoyer à la famille").click()
    expect(staff.locator("#espace-famille")).to_contain_text("rubrique école")
    assert Message.objects.filter(household=household).count() == 2

    # The family reads the answer.
    family.goto(f"{live_server.url}/mon-espace/")
    expect(family.locator("#messages")).to_contain_text("Il est sur le site de la mairie, rubrique école.")

    # Six months after arrival: the survey, answered 4/10.
    Household.objects.filter(pk=household.pk).update(
        stage=Stage.ARRIVED, arrival_date=timezone.localdate() - datetime.timedelta(days=182)
    )
    assert services.run_surveys()["invited"] == 1
    family.goto(f"{live_server.url}/mon-espace/")
    family.get_by_label("4", exact=True).check()
    family.get_by_label("Qu'est-ce qui vous manque encore ? (facultatif)").fill(
        "Des activités pour les enfants"
    )
    family.get_by_role("button", name="Envoyer ma réponse").click()
    expect(family.locator(".messages")).to_contain_text("Merci")

    task = household.tasks.get(title__contains="Comment ça va")
    assert "4/10" in task.title and task.owner == advisor
    assert [m for m in mail.outbox if lead.email in m.to and household.reference in m.subject]
    staff.goto(f"{live_server.url}/admin/accompagnement/taches/")
    expect(staff.locator("body")).to_contain_text("4/10")
