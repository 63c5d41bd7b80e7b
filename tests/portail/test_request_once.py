"""A request sent twice is one request; the service's face; the confirmation's reference; the privacy page."""

import re
import threading

import pytest
from django.core import mail

from portail.models import SupportRequest
from portail.signals import support_request_submitted
from tests.portail.test_request import VALID

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    calls = []

    def listener(sender, support_request, **kwargs):
        calls.append(support_request.pk)

    support_request_submitted.connect(listener, dispatch_uid="test-once-listener")
    yield calls
    support_request_submitted.disconnect(dispatch_uid="test-once-listener")


def form_key(client):
    html = client.get("/demande/").content.decode()
    return re.search(r'name="submission_key" value="([0-9a-f-]{36})"', html).group(1)


def test_the_same_form_posted_twice_is_one_request_signalled_once(
    client, territory, received, django_capture_on_commit_callbacks
):
    key = form_key(client)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/demande/", {**VALID, "submission_key": key})
        second = client.post("/demande/", {**VALID, "submission_key": key})  # double click, retried POST
    assert SupportRequest.objects.count() == 1
    assert received == [SupportRequest.objects.get().pk]
    assert first.status_code == second.status_code == 302
    reference = SupportRequest.objects.get().reference
    assert reference in client.get(second["Location"]).content.decode()  # the same confirmation
    # One confirmation (and one sign-in link to the family space), not two of each.
    to_family = [m for m in mail.outbox if m.to == ["camille@exemple.fr"]]
    assert len([m for m in to_family if "/mon-espace/connexion/" not in m.body]) == 1
    assert len(to_family) == 2


def test_two_forms_are_two_requests(client, territory, received, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/demande/", {**VALID, "submission_key": form_key(client)})
        client.post("/demande/", {**VALID, "submission_key": form_key(client)})
    assert SupportRequest.objects.count() == 2 and len(received) == 2
    assert len(set(SupportRequest.objects.values_list("reference", flat=True))) == 2


def test_a_refused_form_keeps_its_key_so_the_corrected_post_is_still_one(client, territory):
    key = form_key(client)
    refused = client.post("/demande/", {**VALID, "email": "nope", "submission_key": key})
    assert refused.status_code == 400 and f'value="{key}"' in refused.content.decode()
    client.post("/demande/", {**VALID, "submission_key": key})
    client.post("/demande/", {**VALID, "submission_key": key})
    assert SupportRequest.objects.count() == 1


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_of_one_form_make_one_request(territory):
    """Two requests racing past the "already sent?" check: the unique key keeps one."""
    from django.db import connection
    from django.test import Client

    key = form_key(Client())
    barrier = threading.Barrier(2)
    statuses = []

    def post():
        try:
            barrier.wait()
            statuses.append(Client().post("/demande/", {**VALID, "submission_key": key}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302, 302]
    assert SupportRequest.objects.filter(submission_key=key).count() == 1


def test_a_call_back_needs_a_phone_number(client, territory):
    response = client.post("/demande/", {**VALID, "phone": "", "contact_preference": "phone"})
    assert response.status_code == 400
    assert "Indiquez votre numéro de téléphone, ou choisissez d&#x27;être contacté par courriel." in (
        response.content.decode()
    )
    response = client.post("/demande/", {**VALID, "phone": "", "contact_preference": "email"})
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    assert "vous écrit à camille@exemple.fr" in done


def test_ages_from_the_finder_prefill_and_are_kept(client, territory):
    html = client.get(
        "/demande/", {"communes": "Troyes, La Chapelle-Saint-Luc", "ages": "3, 8"}
    ).content.decode()
    assert 'value="3, 8"' in html and 'value="Troyes, La Chapelle-Saint-Luc"' in html
    client.post("/demande/", {**VALID, "children_birth_years": "3, 8"})
    children = SupportRequest.objects.get().children
    assert [c["age"] for c in children] == [3, 8]
    assert all("birth_year" in c for c in children)  # what the back-office reads


def test_the_service_has_a_face_on_every_page_and_a_contact_page(client, territory, settings):
    settings.OSEZ_SERVICE_PHONE = "03 53 01 99 42"
    settings.OSEZ_SERVICE_HOURS = "du lundi au vendredi, de 9 h à 17 h"
    for path in ("/", "/communes/10387-troyes/", "/demande/", "/contact/"):
        html = client.get(path).content.decode()
        assert "03 53 01 99 42" in html and 'href="tel:+33353019942"' in html, path
        assert settings.OSEZ_SERVICE_ADDRESS in html.replace("&#x27;", "'"), path
    contact = client.get("/contact/").content.decode()
    assert "du lundi au vendredi, de 9 h à 17 h" in contact and settings.OSEZ_SERVICE_EMAIL in contact


def test_the_privacy_page_says_what_the_form_collects(client, territory, settings):
    settings.OSEZ_SESSION_IDLE_SECONDS = 1800
    html = client.get("/confidentialite/").content.decode()
    assert "les sessions se ferment après 30 minutes" in html
    assert "prénoms (facultatifs)" not in html and "Nous ne demandons pas le prénom des enfants." in html
    assert "numéro de téléphone" in html and "référence" in html


def test_a_key_we_did_not_issue_is_no_error_for_the_family(client, territory):
    response = client.post("/demande/", {**VALID, "submission_key": "pas-une-cle"})
    assert response.status_code == 302
    assert SupportRequest.objects.get().submission_key is None
