"""Signing up on the public page: confirmation with a calendar file, waiting list, duplicates, bad input."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from evenements.enums import EventStatus
from evenements.models import Registration
from tests.helpers import page_text as text

from .conftest import make_event, register, sign_up_data

pytestmark = pytest.mark.django_db


def _post(client, event, **overrides):
    return client.post(event.get_absolute_url(), sign_up_data(**overrides))


def test_the_list_shows_upcoming_published_events_only(client, event):
    make_event(title_fr="Brouillon secret (fictif)", status=EventStatus.DRAFT)
    past = timezone.now() - datetime.timedelta(days=3)
    make_event(title_fr="Salon passé (fictif)", starts_at=past, ends_at=past + datetime.timedelta(hours=2))
    page = text(client.get("/evenements/"))
    assert "Soirée d'accueil (fictive)" in page
    assert "Brouillon secret" not in page and "Salon passé" not in page
    assert event.get_absolute_url() in page


def test_a_draft_is_not_found(client):
    draft = make_event(status=EventStatus.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_the_navigation_links_to_the_events(client, event):
    page = text(client.get("/"))
    assert 'href="/evenements/"' in page


def test_a_sign_up_is_confirmed_and_mailed_with_a_calendar_file_and_a_cancel_link(
    client, event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, event, email="Camille@Exemple.FR")
    page = text(response)
    assert response.status_code == 200
    assert "Votre inscription est confirmée" in page
    registration = Registration.objects.get()
    assert registration.email == "camille@exemple.fr" and registration.party_size == 2
    assert registration.status == "inscrit"
    (message,) = mail.outbox
    assert message.to == ["camille@exemple.fr"]
    assert "Soirée d'accueil (fictive)" in message.subject
    assert "/evenements/annuler/" in message.body
    name, content, mimetype = message.attachments[0]
    assert name == "evenement.ics" and mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    (item,) = calendar.walk("VEVENT")
    assert str(item["summary"]) == "Soirée d'accueil (fictive)"
    assert item.decoded("dtstart") == event.starts_at.replace(microsecond=0)
    assert "Salle des fêtes (fictive)" in str(item["location"]) and "Troyes" in str(item["location"])


def test_a_full_event_puts_the_person_on_the_waiting_list_and_says_so(client, event):
    register(event, "premiere@exemple.fr", party_size=9)
    response = _post(client, event, party_size="2")
    assert "vous êtes sur la liste d'attente" in text(response)
    assert Registration.objects.get(email="camille@exemple.fr").status == "attente"
    # The page itself says the event is (nearly) full before anyone submits.
    register(event, "deuxieme@exemple.fr", party_size=1)
    page = text(client.get(event.get_absolute_url()))
    assert "L'événement est complet" in page and "liste d'attente" in page


def test_nobody_jumps_the_waiting_list_with_a_smaller_party(client, event):
    register(event, "premiere@exemple.fr", party_size=8)
    _post(client, event, email="groupe@exemple.fr", party_size="3")  # does not fit: waits
    _post(client, event, email="seul@exemple.fr", party_size="1")  # would fit, but someone waits
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses["groupe@exemple.fr"] == "attente" and statuses["seul@exemple.fr"] == "attente"


def test_signing_up_twice_with_one_email_keeps_one_sign_up_with_a_clear_message(client, event):
    _post(client, event)
    response = _post(client, event, email=" CAMILLE@exemple.fr ", name="Camille Autre", party_size="4")
    assert response.status_code == 200
    assert "Vous êtes déjà inscrit·e à cet événement" in text(response)
    registration = Registration.objects.get()
    assert registration.party_size == 2 and registration.name == "Camille Exemple"  # nothing overwritten


def test_a_cancelled_event_takes_no_sign_up_and_says_why(client, event):
    event.status = EventStatus.CANCELLED
    event.save()
    page = text(client.get(event.get_absolute_url()))
    assert "Cet événement est annulé" in page and 'name="email"' not in page
    response = _post(client, event)
    assert response.status_code == 409
    assert "les inscriptions sont fermées" in text(response)
    assert not Registration.objects.exists()


def test_a_past_event_takes_no_sign_up(client):
    past = timezone.now() - datetime.timedelta(days=1)
    event = make_event(starts_at=past, ends_at=past + datetime.timedelta(hours=1))
    response = _post(client, event)
    assert response.status_code == 409 and "a déjà eu lieu" in text(response)
    assert not Registration.objects.exists()


def test_a_filled_honeypot_stores_nothing_and_tells_the_robot_nothing(client, event):
    response = _post(client, event, website="http://spam.example")
    assert response.status_code == 302
    assert not Registration.objects.exists() and not mail.outbox
    assert "votre inscription a été reçue" in text(client.get(response["Location"]))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "pas-une-adresse", "doit ressembler à nom@exemple.fr"),
        ("party_size", "0", "entre 1 et 10"),
        ("party_size", "deux", "entre 1 et 10"),
        ("party_size", "40", "écrivez-nous"),
        ("name", "   ", "Indiquez votre prénom et votre nom"),
        ("phone", "<script>", "chiffres, espaces et +"),
        ("consent", "", "Votre accord est nécessaire"),
    ],
)
def test_bad_input_gets_a_clear_message_and_stores_nothing(client, event, field, value, message):
    response = _post(client, event, **{field: value})
    assert response.status_code == 400
    assert message in text(response)
    assert not Registration.objects.exists()


def test_sign_ups_are_rate_limited_per_address(client, event, settings):
    settings.OSEZ_EVENT_SIGN_UP_RATE = "2/h"
    assert _post(client, event, email="a@exemple.fr").status_code == 200
    assert _post(client, event, email="b@exemple.fr").status_code == 200
    response = _post(client, event, email="c@exemple.fr")
    assert response.status_code == 429
    assert "Trop d'inscriptions" in text(response)
    assert Registration.objects.count() == 2


def test_an_old_slug_redirects_to_the_event(client, event):
    response = client.get(f"/evenements/{event.pk}-ancien-titre/")
    assert response.status_code == 301 and response["Location"] == event.get_absolute_url()


def test_the_event_page_links_to_the_request_form_with_the_event(client, event):
    page = text(client.get(event.get_absolute_url()))
    assert f"/demande/?ref=evenement-{event.pk}" in page
    assert f'data-campaign-referral="evenement-{event.pk}"' in page


def test_a_party_larger_than_the_event_is_told_to_write_rather_than_left_waiting_forever(client):
    small = make_event(capacity=3)
    response = _post(client, small, party_size="5")
    assert response.status_code == 409
    assert "accueille 3 personnes en tout" in text(response)
    assert not Registration.objects.exists()


def test_the_waiting_list_email_says_so_and_has_no_calendar_file(
    client, event, django_capture_on_commit_callbacks
):
    register(event, "premiere@exemple.fr", party_size=10)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, event)
    (message,) = mail.outbox
    assert "Liste d'attente" in message.subject and "liste d'attente" in message.body
    assert "/evenements/annuler/" in message.body and not message.attachments


def test_the_cached_list_shows_a_new_event_at_once(client, event):
    assert "Salon de printemps (fictif)" not in text(client.get("/evenements/"))
    make_event(title_fr="Salon de printemps (fictif)")
    assert "Salon de printemps (fictif)" in text(client.get("/evenements/"))


def test_the_list_is_a_shared_cached_page(client, event):
    response = client.get("/evenements/", {"utm_source": "linkedin"})
    assert "public" in response["Cache-Control"] and not response.cookies


def test_the_sitemap_lists_the_events_to_come_in_the_languages_they_are_written_in(client, event):
    translated = make_event(
        title_fr="Salon de l'emploi (fictif)",
        title_en="Job fair (fictional)",
        description_en="Meet employers.",
    )
    draft = make_event(title_fr="Brouillon secret (fictif)", status=EventStatus.DRAFT)
    cancelled = make_event(title_fr="Soirée annulée (fictive)", status=EventStatus.CANCELLED)
    past = timezone.now() - datetime.timedelta(days=3)
    over = make_event(
        title_fr="Salon passé (fictif)", starts_at=past, ends_at=past + datetime.timedelta(hours=2)
    )
    xml = client.get("/sitemap.xml").content.decode()
    locations = re.findall(r"<loc>http://testserver(.*?)</loc>", xml)
    assert "/evenements/" in locations and "/en/evenements/" in locations
    assert event.get_absolute_url() in locations
    assert f"/en{event.get_absolute_url()}" not in locations  # no English text: its English page is French
    assert translated.get_absolute_url() in locations and f"/en{translated.get_absolute_url()}" in locations
    for hidden in (draft, cancelled, over):
        assert not [loc for loc in locations if loc.endswith(hidden.get_absolute_url())]
    assert "/communes/" in locations  # the public site's own pages are still listed
