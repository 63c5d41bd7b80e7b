"""A person who signs up on the English page reads English, in the page and in the e-mail; a French one French.

The e-mail is written while the sign-up's request is answered, so it speaks the language of the page the
person used: subject, body, the links back to the site, and the calendar file's title.
"""

import pytest
from django.core import mail
from icalendar import Calendar

from evenements import services
from evenements.models import Registration
from tests.helpers import page_text as text

from .conftest import make_event, register, sign_up_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def bilingual_event(db):
    return make_event(
        title_en="Welcome evening (fictional)",
        audience_en="New residents",
        description_en="An evening to meet the team.",
    )


def _sign_up(client, path, captured, **overrides):
    with captured(execute=True):
        return client.post(path, sign_up_data(**overrides))


def _calendar_summary(message):
    name, content, _mimetype = message.attachments[0]
    assert name == "evenement.ics"
    (item,) = Calendar.from_ical(content).walk("VEVENT")
    return str(item["summary"])


def test_an_english_sign_up_is_confirmed_in_english(
    client, bilingual_event, django_capture_on_commit_callbacks
):
    event_path = bilingual_event.get_absolute_url()  # the French path: the English request activates English
    response = _sign_up(client, "/en" + event_path, django_capture_on_commit_callbacks)
    page = text(response)
    assert response.status_code == 200
    assert "Your registration is confirmed." in page
    assert "A confirmation email is on its way to camille@exemple.fr" in page
    assert "Votre inscription" not in page
    assert Registration.objects.get().status == "inscrit"

    (message,) = mail.outbox
    assert message.subject == "Registration confirmed: Welcome evening (fictional)"
    assert message.body.startswith("Hello Camille Exemple,")
    assert "Your registration for “Welcome evening (fictional)” is confirmed." in message.body
    assert "When:" in message.body and "Where:" in message.body and "For 2 people." in message.body
    # The links lead back to the English pages.
    assert "/en/evenements/annuler/" in message.body
    assert "/en" + event_path in message.body
    for french in ("Bonjour", "Votre inscription", "Quand :", "Annulez ici", "personnes"):
        assert french not in message.body, french
    assert _calendar_summary(message) == "Welcome evening (fictional)"


def test_a_french_sign_up_is_confirmed_in_french(client, bilingual_event, django_capture_on_commit_callbacks):
    response = _sign_up(client, bilingual_event.get_absolute_url(), django_capture_on_commit_callbacks)
    assert "Votre inscription est confirmée." in text(response)

    (message,) = mail.outbox
    assert message.subject == "Inscription confirmée : Soirée d'accueil (fictive)"
    assert message.body.startswith("Bonjour Camille Exemple,")
    assert "Pour 2 personnes." in message.body
    assert "/evenements/annuler/" in message.body and "/en/" not in message.body
    for english in ("Hello", "Your registration", "When:", "people"):
        assert english not in message.body, english
    assert _calendar_summary(message) == "Soirée d'accueil (fictive)"


def test_an_english_sign_up_on_a_full_event_is_told_of_the_waiting_list_in_english(
    client, bilingual_event, django_capture_on_commit_callbacks
):
    register(bilingual_event, "premiere@exemple.fr", party_size=10)
    response = _sign_up(
        client, "/en" + bilingual_event.get_absolute_url(), django_capture_on_commit_callbacks, party_size="1"
    )
    assert "The event is full: you are on the waiting list." in text(response)
    (message,) = mail.outbox
    assert message.subject == "Waiting list: Welcome evening (fictional)"
    assert "“Welcome evening (fictional)” is full: you are on the waiting list." in message.body
    assert "To leave the waiting list:" in message.body and "/en/evenements/annuler/" in message.body


def test_bad_input_on_the_english_page_is_explained_in_english(client, bilingual_event):
    event_path = bilingual_event.get_absolute_url()
    response = client.post("/en" + event_path, sign_up_data(name="", party_size="0", consent=""))
    page = text(response)
    assert response.status_code == 400
    assert "Give your first and last name." in page
    assert "We need your consent to record your registration." in page
    assert "Give a number of people between 1 and 10." in page
    assert "Indiquez" not in page and not Registration.objects.exists() and not mail.outbox
    # The same message stays French on the French page.
    french = text(client.post(event_path, sign_up_data(party_size="11")))
    assert "Au-delà de 10 personnes, écrivez-nous" in french and "For more than" not in french


def test_an_event_not_translated_yet_keeps_its_french_title_on_the_english_page(client):
    event = make_event()  # no English title: modeltranslation falls back to the French one
    page = text(client.get("/en" + event.get_absolute_url()))
    assert "Soirée d'accueil (fictive)" in page and "All events" in page and "Register me" in page


def test_a_sign_up_keeps_the_language_of_its_page(client, bilingual_event):
    event_path = bilingual_event.get_absolute_url()
    client.post("/en" + event_path, sign_up_data(email="english@exemple.fr"))
    client.post(event_path, sign_up_data(email="french@exemple.fr"))
    languages = dict(Registration.objects.values_list("email", "language"))
    assert languages == {"english@exemple.fr": "en", "french@exemple.fr": "fr"}


def test_a_place_freed_by_a_french_visitor_is_announced_in_english_to_an_english_one(
    client, bilingual_event, django_capture_on_commit_callbacks
):
    leaving = register(bilingual_event, "premiere@exemple.fr", party_size=10)
    register(bilingual_event, "english@exemple.fr", status="attente", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/evenements/annuler/{services.cancel_token(leaving)}/")
    assert "Votre inscription est annulée" in text(response)  # the French visitor reads French
    (message,) = mail.outbox
    assert message.to == ["english@exemple.fr"]
    assert message.subject == "A place has become free: Welcome evening (fictional)"
    assert "A place has become free: your registration for “Welcome evening (fictional)” is confirmed." in (
        message.body
    )
    assert "/en/evenements/annuler/" in message.body and "Une place" not in message.body
    assert _calendar_summary(message) == "Welcome evening (fictional)"


def test_staff_cancelling_an_event_tell_each_person_in_their_language(
    bilingual_event, django_capture_on_commit_callbacks
):
    register(bilingual_event, "french@exemple.fr")
    register(bilingual_event, "english@exemple.fr", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_event(bilingual_event)  # staff pages are in French
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        "french@exemple.fr": "Événement annulé : Soirée d'accueil (fictive)",
        "english@exemple.fr": "Event cancelled: Welcome evening (fictional)",
    }
    english = next(m for m in mail.outbox if m.to == ["english@exemple.fr"])
    assert (
        "We are sorry: “Welcome evening (fictional)”" in english.body and "Upcoming events:" in english.body
    )
    assert "/en/evenements/" in english.body
