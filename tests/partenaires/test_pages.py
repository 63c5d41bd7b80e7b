"""The partner organisations' own pages: the addresses they had before the move still lead there, an
organisation has its page, and the dossiers it sent are counted without being named."""

import pytest
from django.urls import reverse

from tests.accompagnement.factories import HouseholdFactory
from tests.factories import UserFactory
from tests.helpers import page_text

from .factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/admin/emploi/organisations/", "/admin/partenaires/organisations/"),
        (
            "/admin/emploi/organisations/?type=institution",
            "/admin/partenaires/organisations/?type=institution",
        ),
        ("/admin/emploi/organisations/nouvelle/", "/admin/partenaires/organisations/nouvelle/"),
        ("/admin/emploi/organisations/import/", "/admin/partenaires/organisations/import/"),
        (
            "/admin/emploi/organisations/import/modele.csv",
            "/admin/partenaires/organisations/import/modele.csv",
        ),
        ("/admin/accompagnement/organisation/", "/admin/partenaires/organisation/"),
        ("/admin/accompagnement/organisation/7/change/", "/admin/partenaires/organisation/7/change/"),
    ],
)
def test_the_old_addresses_lead_to_the_new_pages(client, old, new):
    assert client.get(old)["Location"].startswith("/admin/login/")  # nobody is told where it went
    client.force_login(UserFactory(roles=["HR specialist"]))
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new


def test_an_hr_bookmark_of_the_old_list_ends_on_the_list(client):
    OrganisationFactory(name="Clinique fictive")
    client.force_login(UserFactory(roles=["HR specialist"]))
    response = client.get("/admin/emploi/organisations/", follow=True)
    assert response.status_code == 200
    assert "Clinique fictive" in page_text(response)


def test_an_organisation_page_shows_its_details_and_contacts(client):
    org = OrganisationFactory(name="Centre hospitalier fictif", kind="institution", siret="73282932000074")
    ContactFactory(organisation=org, name="Contact fictif", role="DRH")
    client.force_login(UserFactory(roles=["installation advisor"]))
    text = page_text(client.get(reverse("partenaires:organisation", args=[org.pk])))
    assert "Centre hospitalier fictif" in text and "Institution publique" in text
    assert "73282932000074" in text and "Contact fictif — DRH" in text


def test_an_unknown_organisation_is_a_404_not_a_500(client):
    client.force_login(UserFactory(roles=["installation advisor"]))
    assert client.get(reverse("partenaires:organisation", args=[999999])).status_code == 404


def test_the_list_counts_the_dossiers_sent_without_naming_them(client):
    org = OrganisationFactory(name="Employeur fictif")
    HouseholdFactory(reference="OSZ-2026-0911", referrer=org)
    HouseholdFactory(reference="OSZ-2026-0912", referrer=org)
    client.force_login(UserFactory(roles=["HR specialist"]))
    response = client.get(reverse("partenaires:organisations"))
    text = page_text(response)
    assert "Dossiers envoyés" in text and "Offres" in text and "Mises en relation" in text
    row = next(line for line in response.content.decode().split("<tr>") if "Employeur fictif" in line)
    assert "<td>2</td>" in row
    assert "OSZ-2026-0911" not in text
