"""End to end, in headless Chromium: a request from the public site taken by an advisor through every
stage to a closed dossier, with the first-year milestones, a pinned place and the welcome pack."""

import datetime

import pytest
from django.utils import timezone

from accompagnement.enums import Need, Outcome, Stage, TaskKind
from accompagnement.models import Household
from communes.enums import Theme
from portail.models import SupportRequest
from portail.signals import support_request_submitted
from tests.factories import CommuneFactory, LayerFactory, PlaceFactory, SourceFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un mot de passe solide 2026"


@pytest.fixture
def territory():
    commune = CommuneFactory(name="Villefictive", latitude=48.30, longitude=4.08)
    source = SourceFactory(slug="ecoles", name="Annuaire de l'éducation", publisher="MEN")
    schools = LayerFactory(slug="ecoles-elementaires", name="Écoles élémentaires", theme=Theme.ECOLE)
    doctors = LayerFactory(slug="medecins-generalistes", name="Médecins généralistes", theme=Theme.SANTE)
    PlaceFactory(layer=schools, source=source, commune=commune, name="École des Tilleuls (fictive)",
                 latitude=48.305, longitude=4.085)  # fmt: skip
    PlaceFactory(layer=schools, source=source, commune=commune, name="École lointaine (fictive)",
                 latitude=48.50, longitude=4.30)  # fmt: skip
    PlaceFactory(layer=doctors, commune=commune, name="Cabinet médical du Parc (fictif)",
                 latitude=48.301, longitude=4.079)  # fmt: skip
    return commune


def test_advisor_takes_a_request_to_a_closed_dossier(live_server, browser_page, territory):
    from playwright.sync_api import expect

    page = browser_page
    messages = page.locator(".messagelist")
    advisor = UserFactory(username="ines", first_name="Inès", roles=["installation advisor"])
    request = SupportRequest.objects.create(
        first_name="Léa", last_name="Exemple", email="lea@example.org", origin="Nantes", adults=2,
        children=[{"first_name": "Noé", "birth_year": timezone.localdate().year - 8}],
        needs=[Need.SCHOOL, Need.DOCTOR], arrival_horizon="3m", consent_text_version="2026-01",
    )  # fmt: skip
    request.communes_considered.add(territory)
    support_request_submitted.send(sender=SupportRequest, support_request=request)
    household = Household.objects.get(support_request=request)

    # Log in and find the new request on the advisor's home page.
    page.goto(f"{live_server.url}/admin/login/?next=/admin/accompagnement/")
    page.fill("#id_username", "ines")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/admin/accompagnement/")
    expect(page.get_by_role("heading", name="Mes dossiers", level=1)).to_be_visible()
    page.get_by_role("row", name=household.reference).get_by_role(
        "button", name="Je prends ce dossier"
    ).click()
    expect(messages).to_contain_text("vous est attribué")

    # Through the stages, one button each; the arrival date is asked at arrival.
    page.get_by_role("button", name="Passer à « Premier contact »").click()
    expect(messages).to_contain_text("Premier contact")
    page.get_by_role("button", name="Passer à « Projet d'installation »").click()
    arrival = timezone.localdate() - datetime.timedelta(days=200)
    page.get_by_label("Date d’arrivée de la famille").fill(arrival.isoformat())
    page.get_by_role("button", name="Passer à « Arrivé (suivi première année) »").click()
    expect(messages).to_contain_text("points de suivi")
    milestones = page.locator("#tasks-title + .task-list > li")
    expect(milestones).to_have_count(5)
    expect(milestones.first).to_contain_text("Point à 2 semaines")

    # Mes tâches shows the milestones already due; one is marked done from there.
    page.get_by_role("navigation", name="Navigation de l’équipe").get_by_role(
        "link", name="Mes tâches"
    ).click()
    overdue = page.locator("#overdue-title + .task-list li")
    expect(overdue).to_have_count(4)  # 14, 30, 91 and 182 days after an arrival 200 days ago
    overdue.first.get_by_role("button", name="Marquer comme fait").click()
    expect(messages).to_contain_text("est fait")
    expect(overdue).to_have_count(3)

    # The nearest school of the child's level and the GP, from the layers; pin the school.
    page.goto(f"{live_server.url}{household.get_absolute_url()}")
    places = page.locator("#lieux")
    places.get_by_text("Chercher des lieux autour des communes envisagées").click()  # folded by default
    assert "École des Tilleuls (fictive)" in places.inner_text()
    assert "Cabinet médical du Parc (fictif)" in places.inner_text()
    places.get_by_role("button", name="Retenir École des Tilleuls (fictive)").click()
    expect(messages).to_contain_text("est retenu pour la famille")

    # The welcome pack lists the pinned place.
    page.get_by_role("link", name="Livret d’accueil à imprimer").click()
    expect(page.get_by_role("heading", name="Bienvenue à Villefictive")).to_be_visible()
    assert "École des Tilleuls (fictive)" in page.content()
    page.get_by_role("link", name="Retour au dossier").click()

    # Close the follow-up with its outcome.
    page.get_by_label("Issue du suivi").select_option(Outcome.SETTLED.value)
    page.get_by_label("Pourquoi", exact=True).fill("Famille installée, enfants scolarisés.")
    page.get_by_role("button", name="Clore le suivi").click()
    expect(messages).to_contain_text("Suivi terminé")
    for expected in (
        "Premier contact",
        "Projet d'installation",
        "Arrivé",
        "Installé durablement",
        "Lieu retenu",
    ):
        expect(page.locator(".timeline")).to_contain_text(expected)

    household.refresh_from_db()
    assert household.stage == Stage.CLOSED and household.outcome == Outcome.SETTLED
    assert household.advisor == advisor and household.arrival_date == arrival
    assert household.tasks.filter(kind=TaskKind.MILESTONE, done_at__isnull=False).count() == 1
    assert household.pinned_places.get().place.name == "École des Tilleuls (fictive)"
    assert list(household.transitions.values_list("to_stage", flat=True)) == [
        Stage.NEW, Stage.FIRST_CONTACT, Stage.PROJECT, Stage.ARRIVED, Stage.CLOSED,
    ]  # fmt: skip
