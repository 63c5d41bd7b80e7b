"""Staff open an employer account from the organisation's page; its owner chooses a password through the
link sent by e-mail, signs in to /employeur/ and reaches no staff page."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from employeurs.models import EmployerAccount
from osez.roles import EMPLOYER
from tests.factories import UserFactory
from tests.helpers import page_text
from tests.partenaires.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_an_advisor_creates_an_account_and_its_owner_signs_in(client, django_capture_on_commit_callbacks):
    org = OrganisationFactory(name="Centre hospitalier fictif", kind="institution")
    client.force_login(UserFactory(roles=["installation advisor"]))
    page = page_text(client.get(reverse("partenaires:organisation", args=[org.pk])))
    assert "Créer un compte employeur" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("employeurs_staff:account-create", args=[org.pk]),
            {"first_name": "Dominique", "last_name": "Fictive", "email": "drh@hopital-fictif.example"},
        )
    assert response.status_code == 302
    account = EmployerAccount.objects.get()
    assert account.organisation == org
    assert not account.user.is_staff and not account.user.has_usable_password()
    assert list(account.user.groups.values_list("name", flat=True)) == [EMPLOYER]
    assert "Dominique Fictive" in page_text(client.get(reverse("partenaires:organisation", args=[org.pk])))

    client.logout()
    link = re.search(r"https?://\S+/employeur/mot-de-passe/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else "/" + path,
        {"new_password1": "un mot de passe solide 2026", "new_password2": "un mot de passe solide 2026"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("employeurs:login"),
        {"username": "drh@hopital-fictif.example", "password": "un mot de passe solide 2026"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("employeurs:home")
    assert "Centre hospitalier fictif" in page_text(client.get(reverse("employeurs:home")))
    # The link served once.
    assert "a déjà servi ou a expiré" in page_text(client.get("/" + path, follow=True))


def test_an_address_already_used_is_refused_in_words(client):
    org = OrganisationFactory()
    UserFactory(username="deja", email="deja@example.org")
    client.force_login(UserFactory(roles=["team lead"]))
    response = client.post(
        reverse("employeurs_staff:account-create", args=[org.pk]),
        {"first_name": "A", "last_name": "B", "email": "DEJA@example.org"},
        follow=True,
    )
    assert "Un compte existe déjà avec ce courriel." in page_text(response)
    assert not EmployerAccount.objects.exists()


def test_hr_specialists_see_the_accounts_but_do_not_create_them(client):
    org = OrganisationFactory()
    client.force_login(UserFactory(roles=["HR specialist"]))
    page = page_text(client.get(reverse("partenaires:organisation", args=[org.pk])))
    assert "Comptes employeur partenaire" in page and "Créer un compte employeur" not in page
    response = client.post(
        reverse("employeurs_staff:account-create", args=[org.pk]),
        {"first_name": "A", "last_name": "B", "email": "x@example.org"},
    )
    assert response.status_code == 403


def test_the_employer_space_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("employeurs:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("employeurs:login"))
