"""Cancel links: a click frees the place and promotes the first on the waiting list; a link works once."""

import pytest
from django.core import mail

from evenements import services
from evenements.enums import EventStatus
from evenements.models import Registration
from tests.helpers import page_text as text

from .conftest import register

pytestmark = pytest.mark.django_db


def _link(registration):
    # The e-mail carries an absolute address (OSEZ_BASE_URL); the test client wants its path.
    return "/" + services.cancel_url(registration).split("://", 1)[1].split("/", 1)[1]


def test_the_link_asks_first_then_cancels_and_promotes_the_first_waiting(
    client, event, django_capture_on_commit_callbacks
):
    leaving = register(event, "part@exemple.fr", party_size=10)
    first = register(event, "premier@exemple.fr", status="attente", name="Premier Attente")
    second = register(event, "second@exemple.fr", status="attente", name="Second Attente")
    url = _link(leaving)
    page = text(client.get(url))
    assert "Oui, j'annule mon inscription" in page
    assert (
        Registration.objects.get(pk=leaving.pk).status == "inscrit"
    )  # a GET (a mail scanner) changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert "Votre inscription est annulée" in text(response)
    assert Registration.objects.get(pk=leaving.pk).status == "annule"
    assert Registration.objects.get(pk=first.pk).status == "inscrit"
    assert Registration.objects.get(pk=second.pk).status == "inscrit"  # 10 places freed, both fit
    told = {m.to[0] for m in mail.outbox}
    assert told == {"premier@exemple.fr", "second@exemple.fr"}
    assert all(m.attachments and m.attachments[0][0] == "evenement.ics" for m in mail.outbox)


def test_a_freed_place_too_small_for_the_first_party_promotes_nobody(client, event):
    leaving = register(event, "part@exemple.fr", party_size=1)
    register(event, "autre@exemple.fr", party_size=9)
    big = register(event, "groupe@exemple.fr", party_size=3, status="attente")
    small = register(event, "seul@exemple.fr", party_size=1, status="attente")
    client.post(_link(leaving))
    assert Registration.objects.get(pk=big.pk).status == "attente"
    assert Registration.objects.get(pk=small.pk).status == "attente"  # in order: nobody jumps the queue


def test_a_cancel_link_works_once(client, event):
    registration = register(event, "part@exemple.fr")
    url = _link(registration)
    client.post(url)
    again = client.post(url)
    assert again.status_code == 409
    assert "déjà annulée" in text(again)
    assert "déjà annulée" in text(client.get(url))


@pytest.mark.parametrize("token", ["pas-un-jeton", "WzEsICJhYmMiXQ:1abc:forged"])
def test_a_forged_link_cancels_nothing_and_says_so(client, event, token):
    registration = register(event, "part@exemple.fr")
    response = client.post(f"/evenements/annuler/{token}/")
    assert response.status_code == 400
    assert "Ce lien d'annulation n'est pas valide" in text(response)
    assert Registration.objects.get(pk=registration.pk).status == "inscrit"


def test_an_old_link_does_not_cancel_a_new_sign_up_with_the_same_email(client, event):
    old = register(event, "part@exemple.fr")
    old_url = _link(old)
    client.post(old_url)
    new = register(event, "part@exemple.fr")
    assert client.post(old_url).status_code == 409
    assert Registration.objects.get(pk=new.pk).status == "inscrit"


def test_cancelling_the_event_tells_everyone_with_a_calendar_cancellation(
    event, lead, client, django_capture_on_commit_callbacks
):
    register(event, "a@exemple.fr")
    register(event, "b@exemple.fr", status="attente")
    register(event, "c@exemple.fr", status="annule")
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/evenements/{event.pk}/annuler/", {"confirm": "1"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED
    assert sorted(m.to[0] for m in mail.outbox) == ["a@exemple.fr", "b@exemple.fr"]
    assert "annulé" in mail.outbox[0].subject
    content = mail.outbox[0].attachments[0][1]
    assert "METHOD:CANCEL" in (content.decode() if isinstance(content, bytes) else content)


def test_cancelling_the_event_needs_the_confirmation_box(event, lead, client):
    client.force_login(lead)
    client.post(f"/admin/evenements/{event.pk}/annuler/", {})
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


def test_raising_the_capacity_in_the_admin_promotes_the_waiting_list(
    event, lead, client, django_capture_on_commit_callbacks
):
    register(event, "a@exemple.fr", party_size=10)
    waiting = register(event, "b@exemple.fr", status="attente", party_size=2)
    client.force_login(lead)
    url = f"/admin/evenements/event/{event.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | dict)}
    data.update(
        {
            "starts_at_0": event.starts_at.astimezone().strftime("%d/%m/%Y"),
            "starts_at_1": event.starts_at.astimezone().strftime("%H:%M"),
            "ends_at_0": event.ends_at.astimezone().strftime("%d/%m/%Y"),
            "ends_at_1": event.ends_at.astimezone().strftime("%H:%M"),
            "capacity": "12",
            "commune": event.commune_id,
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Registration.objects.get(pk=waiting.pk).status == "inscrit"
    assert [m.to for m in mail.outbox] == [["b@exemple.fr"]]
