"""The request for support: validation tied to fields, honeypot, rate limit, signal after commit, e-mails."""

import pytest
from django.core import mail

from portail.models import CONSENT_TEXT_VERSION, SupportRequest
from portail.signals import support_request_submitted

pytestmark = pytest.mark.django_db

VALID = {
    "first_name": "Camille",
    "last_name": "Exemple",
    "email": "camille@exemple.fr",
    "phone": "06 00 00 00 00",
    "adults": "2",
    "children_birth_years": "2019, 2022",
    "origin": "Lyon",
    "communes_considered": "Troyes, chapelle st luc",
    "needs": ["logement", "ecole"],
    "arrival_horizon": "6m",
    "employer": "Entreprise fictive",
    "message": "Nous arrivons en septembre.",
    "consent": "on",
    "website": "",
}


@pytest.fixture
def received():
    calls = []

    def listener(sender, support_request, **kwargs):
        calls.append(support_request)

    support_request_submitted.connect(listener, dispatch_uid="test-listener")
    yield calls
    support_request_submitted.disconnect(dispatch_uid="test-listener")


def test_a_valid_request_is_saved_signalled_after_commit_and_mailed(
    client, territory, received, settings, django_capture_on_commit_callbacks
):
    settings.OSEZ_ADVISORS_EMAIL = "conseil@osez.localhost"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/demande/", VALID)
        # Nothing is announced before the transaction commits.
        assert received == []
    assert callbacks  # the announcement ran as an on-commit callback
    assert response.status_code == 302 and response["Location"].startswith("/demande/envoyee/?demande=")
    saved = SupportRequest.objects.get()
    assert saved.contact_preference == "phone"  # a phone given and no preference stated: a call
    assert saved.children == [{"birth_year": 2019}, {"birth_year": 2022}]
    assert saved.needs == ["logement", "ecole"]
    assert saved.consent_text_version == CONSENT_TEXT_VERSION
    assert {c.code_insee for c in saved.communes_considered.all()} == {"10387", "10081"}
    assert received == [saved]
    # The advisors get one mail (from the back-office when it listens, else from the site), the family one.
    to_advisors = [m for m in mail.outbox if m.to == ["conseil@osez.localhost"]]
    to_family = [m for m in mail.outbox if m.to == ["camille@exemple.fr"]]
    assert len(to_advisors) == 1
    assert "Camille" not in to_advisors[0].body  # no personal data travels by e-mail to the team
    # The family gets the confirmation, and (from the family space) the link to its space.
    confirmations = [m for m in to_family if "/mon-espace/connexion/" not in m.body]
    assert len(to_family) == 2 and len(confirmations) == 1
    assert "Bonjour Camille" in confirmations[0].body
    assert saved.reference in confirmations[0].subject and saved.reference in confirmations[0].body
    assert "vous appelle au 06 00 00 00 00" in confirmations[0].body
    done = client.get(response["Location"]).content.decode()
    assert "Votre demande est bien envoyée" in done and saved.reference in done
    assert "vous appelle au 06 00 00 00 00" in done


def test_without_a_back_office_listener_the_site_mails_the_advisors(
    client, territory, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.OSEZ_ADVISORS_EMAIL = "conseil@osez.localhost"
    monkeypatch.setattr(support_request_submitted, "receivers", [])
    monkeypatch.setattr(support_request_submitted, "sender_receivers_cache", {})
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/demande/", VALID)
    saved = SupportRequest.objects.get()
    (to_advisors,) = [m for m in mail.outbox if m.to == ["conseil@osez.localhost"]]
    assert f"n° {saved.pk}" in to_advisors.subject
    assert f"/admin/portail/supportrequest/{saved.pk}/change/" in to_advisors.body


def test_a_refused_request_keeps_what_was_typed_and_ties_errors_to_fields(client, territory, received):
    data = {
        **VALID,
        "email": "pas-une-adresse",
        "needs": [],
        "consent": "",
        "communes_considered": "Atlantide",
    }
    response = client.post("/demande/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert SupportRequest.objects.count() == 0 and received == []
    # What was typed is still there.
    assert (
        'value="Camille"' in html and "Nous arrivons en septembre." in html and 'value="2019, 2022"' in html
    )
    # Each error sits next to its field and the field points to it.
    assert 'id="id_email_error"' in html and 'aria-describedby="id_email_help id_email_error"' in html
    assert 'aria-invalid="true"' in html
    assert "Cochez au moins un besoin." in html
    assert "Votre accord est nécessaire" in html
    assert "Aucune commune ne correspond à « Atlantide »" in html
    # And a summary at the top links to each field.
    assert 'class="error-summary"' in html and 'href="#id_email"' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("children_birth_years", "deux mille", "n&#x27;est ni un âge ni une année de naissance"),
        ("adults", "0", "Indiquez un nombre d&#x27;adultes entre 1 et 6."),
        ("phone", "appelez-moi", "ne doit contenir que des chiffres"),
        ("arrival_horizon", "demain", "Sélectionnez un choix valide"),
        ("first_name", "", "Indiquez votre prénom."),
    ],
)
def test_malformed_answers_get_a_message(client, territory, field, value, message):
    response = client.post("/demande/", {**VALID, field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SupportRequest.objects.count() == 0


def test_honeypot_pretends_success_and_stores_nothing(client, territory, received):
    response = client.post("/demande/", {**VALID, "website": "http://spam.example"})
    assert response.status_code == 302
    assert SupportRequest.objects.count() == 0 and received == [] and mail.outbox == []


def test_rate_limit_per_address_keeps_the_typed_answers(client, territory, settings):
    settings.OSEZ_SUPPORT_REQUEST_RATE = "2/h"
    assert client.post("/demande/", VALID).status_code == 302
    assert client.post("/demande/", VALID).status_code == 302
    response = client.post("/demande/", VALID)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Trop de demandes" in html and 'value="Camille"' in html
    assert SupportRequest.objects.count() == 2
    # Another address is not affected.
    assert client.post("/demande/", VALID, REMOTE_ADDR="10.0.0.2").status_code == 302


def test_behind_the_proxy_the_limit_is_per_visitor_not_per_proxy(client, territory, settings):
    settings.OSEZ_SUPPORT_REQUEST_RATE = "1/h"
    settings.OSEZ_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    assert client.post("/demande/", VALID, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code == 302
    assert client.post("/demande/", VALID, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code == 429
    assert client.post("/demande/", VALID, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 302


def test_commune_page_prefills_the_communes(client, territory):
    html = client.get("/demande/", {"communes": "10387"}).content.decode()
    assert 'value="Troyes"' in html  # the name, not the code INSEE


def test_form_is_labelled(client, territory):
    html = client.get("/demande/").content.decode()
    for field in ("first_name", "last_name", "email", "origin", "children_birth_years", "consent"):
        assert f'for="id_{field}"' in html
    assert "<legend>Vous souhaitez de l&#x27;aide pour</legend>" in html
