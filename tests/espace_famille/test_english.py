"""The family space speaks English when the family asks for it; the rest of the site stays French."""

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


def test_the_switcher_turns_the_space_into_english_and_back(family_client):
    response = family_client.post("/mon-espace/langue/", {"language": "en", "next": "/mon-espace/lieux/"})
    assert response.status_code == 302 and response["Location"] == "/mon-espace/lieux/"
    page = family_client.get("/mon-espace/")
    body = page.content.decode()
    assert '<html lang="en">' in body
    assert "Your needs and where they stand" in body
    assert "Enrol the children at school" in body
    assert "Send the message" in body
    assert page["Content-Language"] == "en"
    # The public site is not switched.
    assert "Les communes" in family_client.get("/").content.decode()
    family_client.post("/mon-espace/langue/", {"language": "fr", "next": "/mon-espace/"})
    assert "Vos besoins et où ils en sont" in family_client.get("/mon-espace/").content.decode()


def test_the_sign_in_link_is_sent_in_the_household_s_language(client, family):
    household, _adult = family
    household.language = "en"
    household.save()
    page = client.get("/mon-espace/connexion/").content.decode()
    assert "Recevoir mon lien" in page  # nobody is signed in: the page speaks the visitor's choice (French)
    client.post("/mon-espace/connexion/", {"email": "famille.fictive@example.org"})
    assert mail.outbox[0].subject == "Your link to enter your family space"
    assert "it works once, for 15 minutes" in mail.outbox[0].body


def test_errors_are_in_english_too(family_client):
    family_client.post("/mon-espace/langue/", {"language": "en", "next": "/mon-espace/"})
    response = family_client.post("/mon-espace/messages/", {"text": ""})
    assert "The message is empty" in response.content.decode()


def test_an_unknown_language_or_an_outside_address_falls_back_safely(family_client):
    response = family_client.post("/mon-espace/langue/", {"language": "xx", "next": "https://example.org/"})
    assert response["Location"] == "/mon-espace/"
    assert "Vos besoins" in family_client.get("/mon-espace/").content.decode()
