"""End to end, in headless Chromium, an advisor's and a team lead's daily work: intake by phone with
consent, a duplicate found and merged, a concurrent edit resolved without loss, a milestone done with its
checklist, the welcome pack PDF e-mailed (checked in the outbox), and a bulk reassignment by the lead."""

import datetime

import pytest
from django.utils import timezone

from accompagnement.enums import TaskKind
from accompagnement.milestones import checklist_for
from accompagnement.models import Household, Task
from tests.factories import UserFactory

from .factories import AdultFactory, HouseholdFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un mot de passe solide 2026"


def login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/accompagnement/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/admin/accompagnement/")


def test_a_day_of_advisor_and_team_lead(live_server, browser_page, mailoutbox):
    from playwright.sync_api import expect

    page = browser_page
    messages = page.locator(".messagelist")
    advisor = UserFactory(
        username="ines", first_name="Inès", last_name="Fictive", roles=["installation advisor"]
    )
    UserFactory(username="lea", first_name="Léa", last_name="Responsable", roles=["team lead"])
    colleague = UserFactory(
        username="noa", first_name="Noa", last_name="Collègue", roles=["installation advisor"]
    )
    first = HouseholdFactory(advisor=advisor, email="famille.martin@example.org", origin="Lyon")
    AdultFactory(household=first, first_name="Camille", last_name="Martin")

    # Intake by phone, with the consent read to the family.
    login(page, live_server, "ines")
    page.get_by_role("link", name="Ouvrir un dossier (appel, salon, courriel…)").click()
    page.get_by_label("Prénom de la personne").fill("Camille")
    page.get_by_label("Nom de famille").fill("Martin")
    page.get_by_label("Courriel").fill("famille.martin@example.org")
    page.get_by_label("Arrivée envisagée").select_option("3m")
    page.get_by_label("Compte rendu de l'échange").fill("Appel : mutation à Troyes en mars.")
    page.get_by_label("J'accepte que l'équipe d'accueil").check()
    page.get_by_role("button", name="Ouvrir le dossier").click()
    expect(messages).to_contain_text("ouvert")
    second = Household.objects.exclude(pk=first.pk).get()
    assert second.advisor == advisor and second.consent_given_at is not None

    # The duplicate is shown and merged into the new dossier.
    expect(page.locator("#dup-title")).to_have_text("Doublons possibles")
    page.get_by_role("link", name=f"Rattacher {first.reference} à ce dossier").click()
    page.get_by_role("button", name="Fusionner").click()
    expect(messages).to_contain_text("est rattaché")
    first.refresh_from_db()
    assert first.merged_into == second

    # A colleague saves while the edit page is open: the conflict screen keeps what was typed.
    page.get_by_role("link", name="Modifier le dossier").click()
    second.refresh_from_db()
    second.phone = "03 25 00 00 00"
    second.save_if_current(second.version)
    page.get_by_label("Vient de").fill("Rennes")
    page.get_by_role("button", name="Enregistrer le dossier").click()
    expect(page.locator(".lock-conflict")).to_contain_text("03 25 00 00 00")
    expect(page.get_by_label("Vient de")).to_have_value("Rennes")
    page.get_by_role("button", name="Enregistrer mes valeurs à la place des siennes").click()
    expect(messages).to_contain_text("Dossier enregistré")
    second.refresh_from_db()
    assert second.origin == "Rennes"

    # A milestone done with its checklist.
    Task.objects.create(household=second, kind=TaskKind.MILESTONE, milestone_days=30, title="Point à 1 mois",
                        due_date=timezone.localdate() - datetime.timedelta(days=2), owner=advisor,
                        checklist=checklist_for(30))  # fmt: skip
    page.reload()
    page.get_by_role("link", name="Faire, reporter ou modifier : Point à 1 mois").click()
    page.get_by_label("Médecin traitant trouvé").select_option("oui")
    page.get_by_label("Note (facultatif)").fill("Tout se passe bien.")
    page.get_by_role("button", name="C’est fait").click()
    expect(messages).to_contain_text("est fait")
    expect(page.locator(".checklist-answers").first).to_contain_text("Médecin traitant trouvé : Oui")

    # The welcome pack as a PDF, e-mailed to the family and kept in the history.
    page.get_by_role("link", name="Écrire à la famille").click()
    page.get_by_label("Livret d'accueil (PDF joint)").check()
    page.get_by_role("button", name="Envoyer").click()
    expect(messages).to_contain_text("envoyé")
    (mail,) = mailoutbox
    assert mail.attachments[0][2] == "application/pdf" and mail.attachments[0][1].startswith(b"%PDF-")
    expect(page.locator("#fil")).to_contain_text("Votre livret d'accueil")

    # The team lead hands the dossier to a colleague from the team view.
    login(page, live_server, "lea")
    page.get_by_role("navigation", name="Navigation de l’équipe").get_by_role("link", name="Équipe").click()
    page.get_by_label("Dossiers de").select_option(str(advisor.pk))
    page.get_by_role("button", name="Afficher").click()
    page.get_by_label(second.reference, exact=False).check()
    page.get_by_label("Nouveau ou nouvelle conseiller·ère").select_option(str(colleague.pk))
    page.get_by_role("button", name="Réattribuer les dossiers cochés").click()
    expect(messages).to_contain_text("confiés à Noa Collègue")
    second.refresh_from_db()
    assert second.advisor == colleague
