"""The household's language (French or English): taken from the page of the public request, changed by the
advisor on the dossier or by the family in its space, and spoken by every e-mail and page of the space."""

import datetime
import html

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from accompagnement import models as acc
from accompagnement.enums import Stage
from espace_famille import services
from osez.models import AccessLog
from portail.forms import SupportRequestForm
from portail.services import submit_support_request
from tests.accompagnement.test_bad_input import edit_data

from .conftest import link_from_outbox, make_household, sign_in

pytestmark = pytest.mark.django_db

REQUEST = {
    "first_name": "Robin",
    "last_name": "Fictif",
    "email": "robin.fictif@example.org",
    "adults": "1",
    "origin": "Manchester",
    "needs": ["ecole"],
    "arrival_horizon": "6m",
    "consent": "on",
    "website": "",
}
# Sentences of the French e-mails that an English family must never read (and the reverse below).
FRENCH_LINK = ("Bonjour", "Pour entrer dans votre espace", "Votre demande est bien arrivée")
ENGLISH_LINK = ("Hello", "To enter your space", "Your request has arrived")


def english(household):
    household.language = "en"
    household.save()
    return household


def mails_to(address):
    return [m for m in mail.outbox if address in m.to]


def assert_none_in(texts, message):
    found = [text for text in texts if text in message.subject or text in message.body]
    assert not found, f"{found} in {message.subject!r}\n{message.body}"


# --- From the public request ------------------------------------------------------------------------------


def test_a_request_sent_from_an_english_page_opens_an_english_dossier_and_link(
    client, settings, django_capture_on_commit_callbacks
):
    # The request form of the English public site, under /en/.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/demande/", REQUEST)
    assert response.status_code == 302, response.content.decode()[:2000]
    household = acc.Household.objects.get(email="robin.fictif@example.org")
    assert household.language == "en"
    link = [m for m in mails_to("robin.fictif@example.org") if "/mon-espace/connexion/" in m.body]
    assert len(link) == 1
    assert link[0].subject == "Your link to enter your family space"
    assert "Hello Robin," in link[0].body and "Your request has arrived" in link[0].body
    assert_none_in(FRENCH_LINK, link[0])


def test_a_request_sent_from_a_french_page_opens_a_french_dossier_and_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/demande/", REQUEST)
    assert response.status_code == 302
    assert acc.Household.objects.get(email="robin.fictif@example.org").language == "fr"
    link = [m for m in mails_to("robin.fictif@example.org") if "/mon-espace/connexion/" in m.body]
    assert link[0].subject == "Votre lien pour entrer dans votre espace famille"
    assert "Bonjour Robin," in link[0].body and "Votre demande est bien arrivée" in link[0].body
    assert_none_in(ENGLISH_LINK, link[0])


def test_the_language_active_when_the_form_is_submitted_is_the_household_s(
    db, django_capture_on_commit_callbacks
):
    form = SupportRequestForm(REQUEST)
    assert form.is_valid(), form.errors
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        submit_support_request(form)
    assert acc.Household.objects.get(email="robin.fictif@example.org").language == "en"


# --- E-mails ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "subject", "expected", "absent"),
    [
        ("en", "Your link to enter your family space", "it works once, for 15 minutes", FRENCH_LINK),
        ("fr", "Votre lien pour entrer dans votre espace famille", "il sert une seule fois", ENGLISH_LINK),
    ],
)
def test_the_sign_in_link_is_in_the_household_s_language_whatever_the_page(
    client, family, language, subject, expected, absent
):
    household, adult = family
    household.language = language
    household.save()
    # The person asks from the sign-in page in the other language: the e-mail follows the household.
    other = "fr" if language == "en" else "en"
    client.post("/mon-espace/langue/", {"language": other, "next": "/mon-espace/connexion/"})
    client.post("/mon-espace/connexion/", {"email": adult.email})
    [message] = mails_to(adult.email)
    assert message.subject == subject and expected in message.body
    assert_none_in(absent, message)
    # The link opens a page in the household's language, then the space itself.
    token = link_from_outbox()
    button = client.get(f"/mon-espace/connexion/{token}/").content.decode()
    assert ("Enter my space" if language == "en" else "Entrer dans mon espace") in button
    client.post(f"/mon-espace/connexion/{token}/")
    page = client.get("/mon-espace/")
    assert page["Content-Language"] == language
    assert ("Your needs and where they stand" if language == "en" else "Vos besoins et où ils en sont") in (
        page.content.decode()
    )


@pytest.mark.parametrize(
    ("language", "subject", "sentence", "absent"),
    [
        (
            "en",
            "A message is waiting for you in your family space",
            "Your advisor has written to you",
            ("Bonjour", "Votre conseillère", "vous attend"),
        ),
        (
            "fr",
            "Un message vous attend dans votre espace famille",
            "Votre conseillère ou conseiller vous a écrit",
            ("Hello", "Your advisor", "is waiting"),
        ),
    ],
)
def test_the_message_notice_is_in_the_household_s_language(
    client, family, advisor, django_capture_on_commit_callbacks, language, subject, sentence, absent
):
    household, adult = family
    household.language = language
    household.save()
    client.force_login(advisor)  # the advisor's page is French; the family's notice is not
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("espace_famille_staff:reply", args=[household.pk]), {"text": "Bonjour !"})
    [notice] = mails_to(adult.email)
    assert notice.subject == subject and sentence in notice.body
    assert_none_in(absent, notice)


def test_the_advisor_is_told_in_french_of_an_english_family_s_message(
    family_client, family, advisor, django_capture_on_commit_callbacks
):
    english(family[0])
    with django_capture_on_commit_callbacks(execute=True):
        family_client.post("/mon-espace/messages/", {"text": "Where do we enrol for the canteen?"})
    assert "Message sent to your advisor" in family_client.get("/mon-espace/").content.decode()
    [notice] = mails_to(advisor.email)
    assert notice.subject.startswith("Osez : nouveau message de la famille")


ARRIVAL = datetime.date(2026, 1, 5)


def _day(offset):
    moment = datetime.datetime.combine(ARRIVAL + datetime.timedelta(days=offset), datetime.time(9))
    return time_machine.travel(timezone.make_aware(moment))


def test_an_english_household_is_invited_and_reminded_in_english_a_french_one_in_french(advisor):
    english_household, english_adult = make_household(advisor, email="en.fictif@example.org")
    french_household, french_adult = make_household(advisor, email="fr.fictif@example.org")
    english(english_household)
    for household in (english_household, french_household):
        household.stage, household.arrival_date = Stage.ARRIVED, ARRIVAL
        household.save()
    with _day(182):
        assert services.run_surveys()["invited"] == 2
    with _day(190):
        assert services.run_surveys()["reminded"] == 2
    invitation, reminder = mails_to(english_adult.email)
    assert invitation.subject == "How is your move going?"
    assert "You arrived 6 months ago. How is it going?" in invitation.body
    assert reminder.subject == "Reminder: how is your move going?"
    for message in (invitation, reminder):
        assert_none_in(("Bonjour", "Comment ça va", "Cela fait"), message)
    invitation, reminder = mails_to(french_adult.email)
    assert invitation.subject == "Comment se passe votre installation ?"
    assert "Cela fait 6 mois que vous êtes arrivés. Comment ça va ?" in invitation.body
    assert reminder.subject == "Rappel : comment se passe votre installation ?"
    for message in (invitation, reminder):
        assert_none_in(("Hello", "How is it going", "You arrived"), message)


# --- Who changes it -----------------------------------------------------------------------------------


def test_the_advisor_sets_the_language_on_the_dossier_and_the_family_is_then_written_in_it(
    client, family, advisor, django_capture_on_commit_callbacks
):
    household, adult = family
    client.force_login(advisor)
    page = client.get(reverse("accompagnement:dossier", args=[household.pk])).content.decode()
    assert "Langue de la famille" in page and "français" in page
    response = client.post(
        reverse("accompagnement:dossier-edit", args=[household.pk]), edit_data(household, language="en")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    household.refresh_from_db()
    assert household.language == "en"
    assert "anglais" in client.get(reverse("accompagnement:dossier", args=[household.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("espace_famille_staff:reply", args=[household.pk]), {"text": "Hello!"})
    assert mails_to(adult.email)[0].subject == "A message is waiting for you in your family space"
    client.logout()
    sign_in(client, adult)
    assert "Your needs and where they stand" in client.get("/mon-espace/").content.decode()


def test_an_unknown_language_from_the_dossier_form_is_refused_and_nothing_changes(client, family, advisor):
    household, _adult = family
    client.force_login(advisor)
    response = client.post(
        reverse("accompagnement:dossier-edit", args=[household.pk]),
        edit_data(household, language="de", origin="Ailleurs"),
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    household.refresh_from_db()
    assert (household.language, household.origin) == ("fr", "Lyon")


def test_a_dossier_form_without_the_language_keeps_the_stored_one(client, family, advisor):
    household, _adult = family
    english(household)
    client.force_login(advisor)
    data = edit_data(household, origin="Leeds")
    data.pop("language", None)
    assert client.post(reverse("accompagnement:dossier-edit", args=[household.pk]), data).status_code == 302
    household.refresh_from_db()
    assert (household.language, household.origin) == ("en", "Leeds")


def test_the_family_s_switch_persists_for_its_next_visits_and_e_mails(
    client, family, advisor, django_capture_on_commit_callbacks
):
    household, adult = family
    sign_in(client, adult)
    response = client.post("/mon-espace/langue/", {"language": "en", "next": "/mon-espace/"})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.language == "en"
    assert AccessLog.objects.filter(detail__contains="langue de l'espace famille : en").exists()
    # Another browser, a later day: still English, and so are the e-mails.
    client.post("/mon-espace/deconnexion/")
    client.cookies.clear()
    sign_in(client, adult)
    assert "Your needs and where they stand" in client.get("/mon-espace/").content.decode()
    client.post("/mon-espace/connexion/", {"email": adult.email})  # signed in: redirected, no mail
    client.post("/mon-espace/deconnexion/")
    client.cookies.clear()
    client.post("/mon-espace/connexion/", {"email": adult.email})
    assert mails_to(adult.email)[-1].subject == "Your link to enter your family space"
    # And back to French.
    sign_in(client, adult)
    client.post("/mon-espace/langue/", {"language": "fr", "next": "/mon-espace/"})
    household.refresh_from_db()
    assert household.language == "fr"
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(household, text="Bonjour", author="equipe", staff=advisor)
    assert mails_to(adult.email)[-1].subject == "Un message vous attend dans votre espace famille"


def test_the_family_s_switch_is_not_undone_by_an_advisor_s_form_opened_before(client, family, advisor):
    household, adult = family
    opened = edit_data(household, origin="Reims")  # the advisor's page, loaded at this version
    family_browser = client.__class__()
    sign_in(family_browser, adult)
    family_browser.post("/mon-espace/langue/", {"language": "en", "next": "/mon-espace/"})
    client.force_login(advisor)
    response = client.post(reverse("accompagnement:dossier-edit", args=[household.pk]), opened)
    assert response.status_code == 200  # the conflict screen, nothing saved
    assert "modifié par quelqu'un d'autre" in html.unescape(response.content.decode())
    household.refresh_from_db()
    assert (household.language, household.origin) == ("en", "Lyon")


def test_an_unknown_language_from_the_switch_falls_back_to_french(family_client, family):
    household, _adult = family
    english(household)
    family_client.post("/mon-espace/langue/", {"language": "klingon", "next": "/mon-espace/"})
    household.refresh_from_db()
    assert household.language == "fr"
    assert "Vos besoins et où ils en sont" in family_client.get("/mon-espace/").content.decode()


def test_a_switch_on_the_sign_in_page_changes_no_household(client, family):
    household, _adult = family
    client.post("/mon-espace/langue/", {"language": "en", "next": "/mon-espace/connexion/"})
    assert "Enter my family space" in client.get("/mon-espace/connexion/").content.decode()
    household.refresh_from_db()
    assert household.language == "fr"
