"""Passwordless sign-in: a one-time link for 15 minutes, stored hashed, same answer for any address,
rate-limited, sessions ending after 12 hours without activity, never mixed with staff sessions."""

import datetime
import hashlib

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from espace_famille.models import SignInLink
from portail.models import SupportRequest
from portail.services import notify_support_request

from .conftest import link_from_outbox, sign_in

pytestmark = pytest.mark.django_db


def test_a_known_address_receives_a_link_that_opens_the_space(client, family):
    household, adult = family
    response = client.post("/mon-espace/connexion/", {"email": "FAMILLE.fictive@example.org "})
    assert response.status_code == 200
    assert "Regardez votre messagerie" in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [adult.email]
    token = link_from_outbox()
    # The confirmation page does not consume the link (mail scanners follow links); the button does.
    assert client.get(f"/mon-espace/connexion/{token}/").status_code == 200
    assert client.post(f"/mon-espace/connexion/{token}/").status_code == 302
    page = client.get("/mon-espace/")
    assert page.status_code == 200
    assert household.reference in page.content.decode()


def test_the_answer_is_the_same_for_an_unknown_address(client, family):
    known = client.post("/mon-espace/connexion/", {"email": "famille.fictive@example.org"})
    unknown = client.post("/mon-espace/connexion/", {"email": "personne@example.org"})
    assert known.status_code == unknown.status_code == 200
    strip = lambda r, a: r.content.decode().replace(a, "X").split('name="csrfmiddlewaretoken"')[0]  # noqa: E731
    assert strip(known, "famille.fictive@example.org") == strip(unknown, "personne@example.org")
    assert len(mail.outbox) == 1  # only the known address got a mail


def test_only_the_hash_of_the_link_is_stored(client, family):
    client.post("/mon-espace/connexion/", {"email": "famille.fictive@example.org"})
    token = link_from_outbox()
    link = SignInLink.objects.get()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {link.token_hash, str(link.pk)}


def test_a_link_works_once(client, family):
    client.post("/mon-espace/connexion/", {"email": "famille.fictive@example.org"})
    token = link_from_outbox()
    assert client.post(f"/mon-espace/connexion/{token}/").status_code == 302
    client.post("/mon-espace/deconnexion/")
    again = client.post(f"/mon-espace/connexion/{token}/")
    assert again.status_code == 400
    assert "déjà servi" in again.content.decode()
    assert client.get("/mon-espace/").status_code == 302


def test_a_link_expires_after_15_minutes(client, family):
    client.post("/mon-espace/connexion/", {"email": "famille.fictive@example.org"})
    token = link_from_outbox()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        late = client.post(f"/mon-espace/connexion/{token}/")
    assert late.status_code == 400
    assert "expiré" in late.content.decode()
    assert client.get("/mon-espace/").status_code == 302


def test_a_link_of_an_erased_household_opens_nothing(client, family):
    household, _adult = family
    client.post("/mon-espace/connexion/", {"email": "famille.fictive@example.org"})
    token = link_from_outbox()
    household.delete()
    refused = client.post(f"/mon-espace/connexion/{token}/")
    assert refused.status_code == 400
    assert "plus) valable" in refused.content.decode()


def test_a_forged_link_is_refused_with_a_message(client, family):
    refused = client.post("/mon-espace/connexion/" + "A" * 43 + "/")
    assert refused.status_code == 400
    assert "Demandez un nouveau lien" in refused.content.decode()


def test_an_invalid_address_keeps_what_was_typed(client, family):
    response = client.post("/mon-espace/connexion/", {"email": "pas-une-adresse"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "n&#x27;est pas valide" in body or "n'est pas valide" in body
    assert 'value="pas-une-adresse"' in body
    assert not mail.outbox


def test_asking_too_often_is_refused(client, family, settings):
    settings.OSEZ_FAMILY_SIGN_IN_RATE = "3/15m"
    statuses = [
        client.post("/mon-espace/connexion/", {"email": "famille.fictive@example.org"}).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    assert len(mail.outbox) == 3


def test_the_rate_also_counts_per_address_across_connections(client, family, settings):
    settings.OSEZ_FAMILY_SIGN_IN_RATE = "2/15m"
    statuses = [
        client.post(
            "/mon-espace/connexion/", {"email": "famille.fictive@example.org"}, REMOTE_ADDR=f"198.51.100.{n}"
        ).status_code
        for n in range(3)
    ]
    assert statuses[-1] == 429


def test_the_session_ends_after_12_hours_without_activity(client, family):
    sign_in(client, family[1])
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=11)):
        assert client.get("/mon-espace/").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=11 + 12, minutes=5)):
        response = client.get("/mon-espace/")
    assert response.status_code == 302 and response["Location"] == "/mon-espace/connexion/"


def test_activity_keeps_the_session_alive(client, family):
    sign_in(client, family[1])
    start = timezone.now()
    for hours in (10, 20, 30):
        with time_machine.travel(start + datetime.timedelta(hours=hours)):
            assert client.get("/mon-espace/").status_code == 200


def test_a_family_session_opens_no_staff_page(client, family):
    sign_in(client, family[1])
    for url in ("/admin/", "/admin/accompagnement/", f"/admin/accompagnement/dossiers/{family[0].pk}/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url


def test_a_staff_session_does_not_open_the_family_space(client, family, advisor):
    client.force_login(advisor)
    response = client.get("/mon-espace/")
    assert response.status_code == 302 and response["Location"] == "/mon-espace/connexion/"


def test_signing_in_as_family_ends_a_staff_session(client, family, advisor):
    client.force_login(advisor)
    sign_in(client, family[1])
    assert client.get("/mon-espace/").status_code == 200
    staff = client.get("/admin/accompagnement/")
    assert staff.status_code == 302 and staff["Location"].startswith("/admin/login/")


def test_a_staff_login_ends_the_family_session(client, family, advisor):
    sign_in(client, family[1])
    client.force_login(advisor)
    response = client.get("/mon-espace/")
    assert response.status_code == 302


def test_the_public_request_sends_a_link_to_the_new_space(client, db):
    request = SupportRequest.objects.create(
        first_name="Alex", last_name="Fictif", email="alex.fictif@example.org", origin="Reims",
        arrival_horizon="3m", needs=["ecole"], consent_text_version="1",
    )  # fmt: skip
    notify_support_request(request)
    links = [m for m in mail.outbox if "/mon-espace/connexion/" in m.body]
    assert len(links) == 1 and links[0].to == ["alex.fictif@example.org"]
    token = link_from_outbox(mail.outbox.index(links[0]))
    assert client.post(f"/mon-espace/connexion/{token}/").status_code == 302
    assert "Alex" in client.get("/mon-espace/").content.decode()


def test_old_links_are_deleted_when_new_ones_are_made(family):
    from espace_famille import services

    _household, adult = family
    services.issue_link(adult, now=timezone.now() - datetime.timedelta(days=3))
    services.issue_link(adult)
    assert SignInLink.objects.count() == 1


def test_a_setting_cannot_stretch_the_session_past_12_hours(client, family, settings):
    settings.OSEZ_FAMILY_IDLE_SECONDS = 48 * 3600
    sign_in(client, family[1])
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=13)):
        assert client.get("/mon-espace/").status_code == 302
