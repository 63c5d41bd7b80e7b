"""Letters to the family: the welcome pack as a real PDF, e-mails sent from the dossier with the advisor's
name and phone, each kept in the dossier's history."""

import pytest
from django.urls import reverse

from accompagnement.enums import InteractionKind
from accompagnement.models import AdvisorProfile
from tests.factories import UserFactory
from tests.helpers import page_text as text

from .factories import AdultFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def advisor():
    user = UserFactory(roles=["installation advisor"], first_name="Conseillère", last_name="Fictive",
                       email="conseillere@example.org")  # fmt: skip
    AdvisorProfile.objects.create(user=user, phone="03 25 00 11 22")
    return user


@pytest.fixture
def household(advisor):
    household = HouseholdFactory(advisor=advisor, email="famille@example.org")
    AdultFactory(household=household, first_name="Léa", last_name="Martin", email="lea@example.org")
    return household


def test_welcome_pack_pdf_is_a_pdf_with_the_advisor_phone(client, advisor, household):
    client.force_login(advisor)
    response = client.get(reverse("accompagnement:welcome-pack-pdf", args=[household.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF-") and len(body) > 2000
    printable = text(client.get(reverse("accompagnement:welcome-pack", args=[household.pk])))
    assert "Conseillère Fictive" in printable and "03 25 00 11 22" in printable


def test_welcome_pack_emailed_with_the_pdf_attached_and_kept_in_history(
    client, advisor, household, mailoutbox
):
    client.force_login(advisor)
    response = client.post(
        reverse("accompagnement:send-letter", args=[household.pk]),
        {"letter": "livret", "to": "lea@example.org", "message": "À bientôt à Troyes."},
    )
    assert response.status_code == 302
    (mail,) = mailoutbox
    assert mail.to == ["lea@example.org"] and household.reference in mail.subject
    assert (
        "Conseillère Fictive" in mail.body
        and "03 25 00 11 22" in mail.body
        and "À bientôt à Troyes." in mail.body
    )
    assert mail.reply_to == ["conseillere@example.org"]
    (filename, content, mimetype) = mail.attachments[0]
    assert filename == f"livret-accueil-{household.reference}.pdf"
    assert mimetype == "application/pdf" and content.startswith(b"%PDF-")
    note = household.interactions.get(kind=InteractionKind.EMAIL)
    assert "livret d'accueil en PDF joint" in note.text and "lea@example.org" in note.text
    assert "Votre livret d'accueil" in text(client.get(household.get_absolute_url()))


@pytest.mark.parametrize("letter", ["bienvenue", "documents", "nouvelles"])
def test_each_letter_is_sent_signed_and_recorded(client, advisor, household, mailoutbox, letter, settings):
    settings.OSEZ_SERVICE_PHONE = "03 25 99 99 99"
    client.force_login(advisor)
    client.post(
        reverse("accompagnement:send-letter", args=[household.pk]), {"letter": letter, "to": household.email}
    )
    (mail,) = mailoutbox
    assert "03 25 00 11 22" in mail.body and "03 25 99 99 99" in mail.body
    assert not mail.attachments
    assert household.interactions.filter(kind=InteractionKind.EMAIL).count() == 1


def test_letter_to_an_address_not_in_the_dossier_is_refused(client, advisor, household, mailoutbox):
    client.force_login(advisor)
    response = client.post(
        reverse("accompagnement:send-letter", args=[household.pk]),
        {"letter": "bienvenue", "to": "inconnu@example.org", "message": "Mon mot"},
    )
    assert response.status_code == 400
    assert "Destinataire" in text(response) and "Mon mot" in text(response)
    assert not mailoutbox


def test_a_dossier_without_email_says_so(client, advisor, mailoutbox):
    household = HouseholdFactory(advisor=advisor, email="")
    client.force_login(advisor)
    response = client.post(
        reverse("accompagnement:send-letter", args=[household.pk]), {"letter": "bienvenue"}
    )
    assert "n'a pas d'adresse courriel" in text(response)
    assert not mailoutbox


def test_a_colleague_cannot_write_from_someone_elses_dossier(client, household, mailoutbox):
    client.force_login(UserFactory(roles=["installation advisor"]))
    response = client.post(
        reverse("accompagnement:send-letter", args=[household.pk]),
        {"letter": "bienvenue", "to": household.email},
    )
    assert response.status_code == 403 and not mailoutbox
