"""End to end in headless Chromium: an HR specialist takes a candidate from accueil to en poste.

Along the way: two CV versions, a refused stage skip, the consent, an introduction for a suggested
opportunity, a spontaneous introduction to a recruiter, outcomes noted, and every move done with the
plain HTML forms (no JavaScript needed).
"""

import threading
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from accompagnement.enums import Need, NeedState
from accompagnement.models import HouseholdNeed
from emploi_conjoint.enums import ContractType, Stage, WorkTime
from emploi_conjoint.models import Candidate
from partenaires.enums import OrganisationKind
from tests.browser.tools import CHROMIUM, CHROMIUM_ARGS, axe_violations, only_local
from tests.factories import CommuneFactory, UserFactory

from .factories import (
    PDF_BYTES,
    AdultFactory,
    HouseholdFactory,
    OpportunityFactory,
    OrganisationFactory,
    docx_bytes,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _async_unsafe_allowed(monkeypatch):
    # Playwright's sync API runs an event loop in its thread; for this test only, never the whole process.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


PASSWORD = "un mot de passe solide 2026"


def in_own_thread(func, *args):
    """Run ``func`` in a thread of its own and re-raise what it raised.

    Playwright's sync API refuses to start in a thread where an event loop is running, and a
    session-wide Playwright started by another test module in the same worker keeps one running here.
    A fresh thread has no loop, so this test does not depend on which tests ran before it.
    """
    outcome = {}

    def target():
        try:
            outcome["value"] = func(*args)
        except BaseException as exc:  # handed back to the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="playwright-journey")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@contextmanager
def chromium_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="fr-FR", viewport={"width": 1300, "height": 900})
        page.route("**/*", only_local)
        try:
            yield page
        finally:
            browser.close()


@pytest.fixture
def world():
    troyes = CommuneFactory(code_insee="10387", name="Troyes", latitude=48.2973, longitude=4.0744)
    CommuneFactory(code_insee="10081", name="La Chapelle-Saint-Luc", latitude=48.3125, longitude=4.0447)
    hr = UserFactory(username="nadia.rh", first_name="Nadia", last_name="Rh", roles=["HR specialist"])
    advisor = UserFactory(username="ines.conseil", roles=["installation advisor"])
    household = HouseholdFactory(reference="FICTIF-0001", advisor=advisor)
    AdultFactory(household=household, first_name="Alex", last_name="Nouveau")
    # A follow-up is opened only where the dossier records a spouse-job need.
    HouseholdNeed.objects.create(household=household, kind=Need.SPOUSE_JOB)
    offer = OpportunityFactory(
        title="Comptable fournisseurs",
        organisation=OrganisationFactory(name="Fromagerie fictive", sector="agroalimentaire", commune=troyes),
        commune_id="10081",
        contract_type=ContractType.CDI,
        work_time=WorkTime.FULL,
    )
    recruiter = OrganisationFactory(name="Cabinet fictif", kind=OrganisationKind.RECRUITER, commune=troyes)
    return {"hr": hr, "offer": offer, "recruiter": recruiter}


def move(page, stage_label, expected=None):
    """Submit the card's move form and wait for the message of the page it leads to."""
    form = page.locator("form.emploi-move")
    form.locator("select").select_option(label=stage_label)
    form.get_by_role("button", name="Changer d'étape").click()
    expect(page.locator(".messagelist")).to_contain_text(
        expected or f"est maintenant à l'étape « {stage_label} »"
    )


def upload_cv(page, name, mime, data, note):
    page.get_by_label("Fichier du CV").set_input_files({"name": name, "mimeType": mime, "buffer": data})
    page.get_by_label("Note sur cette version").fill(note)
    page.get_by_role("button", name="Enregistrer cette version du CV").click()
    expect(page.locator(".messagelist")).to_contain_text("Nouvelle version du CV enregistrée")


def note_outcome(page, organisation, outcome, follow_up="", reason=""):
    """A "Résultat" step added to the introduction's history, then back to the candidate's page."""
    page.get_by_role("link", name=f"Historique et suite — {organisation}").click()
    page.get_by_label("Étape").select_option(label="Résultat")
    page.get_by_label("Résultat").select_option(label=outcome)
    if reason:
        page.get_by_label("Raison, si c'est sans suite").select_option(label=reason)
    page.get_by_label("Prochaine relance").fill(follow_up)
    page.get_by_role("button", name="Ajouter à l'historique").click()
    expect(page.locator(".messagelist")).to_contain_text("ajoutée à l'historique")
    page.get_by_role("link", name="Retour à la fiche").click()


def journey(base_url):
    """Everything a person does in the browser, with what they should see at each step."""
    with chromium_page() as page:
        walk_through(page, base_url)
    with chromium_page() as page:
        advisor_sees_the_job(page, base_url)


def advisor_sees_the_job(page, base_url):
    """The family's advisor, who touched nothing, reads « En poste » in the dossier."""
    page.goto(f"{base_url}/admin/accompagnement/")
    page.get_by_label("Nom d’utilisateur").fill("ines.conseil")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.get_by_role("link", name="FICTIF-0001").first.click()
    panel = page.locator("section", has=page.get_by_role("heading", name="Emploi du conjoint (équipe RH)"))
    expect(panel).to_contain_text("Alex : En poste")


def walk_through(page, base_url):
    page.goto(f"{base_url}/admin/emploi/")
    page.get_by_label("Nom d’utilisateur").fill("nadia.rh")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()

    # Open the follow-up from the dossier's spouse-job need, on the HR specialists' home page.
    page.goto(f"{base_url}/admin/accompagnement/")
    need_row = page.locator("tr", has_text="FICTIF-0001")
    expect(need_row).to_contain_text("À traiter")
    need_row.get_by_role("link", name="Ouvrir ou voir le suivi emploi").click()
    expect(page.get_by_label("Adulte du dossier").locator("option:checked")).to_have_text(
        "Alex Nouveau — dossier FICTIF-0001"
    )
    page.get_by_label("Métiers recherchés").fill("comptable")
    page.get_by_label("Commune de départ des trajets").select_option(label="Troyes (10387)")
    page.get_by_label("Distance acceptée (km)").fill("20")
    page.get_by_role("button", name="Ouvrir le suivi").click()
    expect(page.locator(".messagelist")).to_contain_text("Le suivi de Alex Nouveau est ouvert")

    move(page, "Bilan (envies identifiées)")

    # A skip is refused, with the reason.
    move(page, "En prospection", expected="On ne saute pas d'étape")

    # Two CV versions, each with its note.
    upload_cv(page, "CV Alex.pdf", "application/pdf", PDF_BYTES, "première version")
    upload_cv(page, "CV Alex v2.docx", "application/octet-stream", docx_bytes(), "refonte après bilan")
    cv_table = page.locator("#cv-title + table")
    expect(cv_table).to_contain_text("première version")
    expect(cv_table).to_contain_text("refonte après bilan")
    move(page, "CV prêt")

    # No prospection without consent; the page says what is missing.
    move(page, "En prospection", expected="enregistrez d'abord le consentement")
    page.get_by_role("link", name="Enregistrer le consentement").first.click()
    page.get_by_label("La personne a lu ce texte et l'accepte").check()
    page.get_by_role("button", name="Enregistrer le consentement").click()
    expect(page.locator(".messagelist")).to_contain_text("Consentement enregistré")
    move(page, "En prospection")

    # The suggested opportunity comes with its reason; introduce Alex for it.
    suggestions = page.locator(".emploi-suggestions")
    expect(suggestions).to_contain_text("Comptable fournisseurs")
    expect(suggestions).to_contain_text("accepte jusqu'à 20 km")
    suggestions.get_by_role("link", name="Mettre en relation pour cette offre").click()
    page.get_by_label("Prochaine relance").fill("2099-01-15")
    page.get_by_role("button", name="Enregistrer la mise en relation").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Mise en relation enregistrée avec Fromagerie fictive"
    )

    # A spontaneous introduction to a recruiter.
    page.get_by_role("link", name="Nouvelle mise en relation").click()
    page.get_by_label("Organisation").select_option(label="Cabinet fictif")
    page.get_by_label("Canal").select_option(label="Téléphone")
    page.get_by_role("button", name="Enregistrer la mise en relation").click()
    expect(page.locator(".messagelist")).to_contain_text("Mise en relation enregistrée avec Cabinet fictif")

    note_outcome(page, "Fromagerie fictive", "Entretien", "2099-01-20")
    move(page, "En entretien")
    note_outcome(page, "Cabinet fictif", "Sans suite", reason="Le poste a été pourvu")
    # A hire recorded on the introduction puts the person « En poste »: no second entry to make.
    note_outcome(page, "Fromagerie fictive", "Embauche")
    expect(page.locator(".emploi-summary")).to_contain_text("En poste")

    timeline = page.locator(".emploi-timeline")
    expect(timeline).to_contain_text("En entretien → En poste")
    expect(timeline).to_contain_text("Entretien → Embauche")
    expect(timeline).to_contain_text("Consentement donné")

    assert axe_violations(page) == []

    # The board shows the card in the "En poste" column.
    page.get_by_role("link", name="Tableau des candidat·es").click()
    column = page.locator("section.emploi-column", has=page.get_by_role("heading", name="En poste"))
    expect(column).to_contain_text("Alex Nouveau")
    assert axe_violations(page) == []


def test_hr_specialist_takes_a_candidate_from_accueil_to_en_poste(live_server, world):
    in_own_thread(journey, live_server.url)

    candidate = Candidate.objects.get(adult__first_name="Alex")
    assert candidate.stage == Stage.EN_POSTE
    # One truth: the dossier's need followed the hire without anyone touching it.
    assert candidate.household.needs.get(kind=Need.SPOUSE_JOB).state == NeedState.RESOLVED
    assert candidate.cv_versions.count() == 2
    assert sorted(candidate.introductions.values_list("outcome", flat=True)) == ["embauche", "sans_suite"]
    assert list(candidate.transitions.values_list("to_stage", flat=True)) == [
        Stage.ACCUEIL,
        Stage.BILAN,
        Stage.CV_PRET,
        Stage.PROSPECTION,
        Stage.ENTRETIEN,
        Stage.EN_POSTE,
    ]
    assert all(t.by == world["hr"] for t in candidate.transitions.all()[1:])
