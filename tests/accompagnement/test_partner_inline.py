"""A partner's admin page lists the dossiers it sent that the reader may open, never a colleague's."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

from .factories import HouseholdFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_an_advisor_sees_only_their_own_dossiers_among_those_a_partner_sent(client):
    me = UserFactory(roles=["installation advisor"])
    colleague = UserFactory(roles=["installation advisor"])
    lead = UserFactory(roles=["team lead"])
    partner = OrganisationFactory()
    HouseholdFactory(reference="OSZ-2026-0901", advisor=me, referrer=partner)
    HouseholdFactory(reference="OSZ-2026-0902", advisor=colleague, referrer=partner)
    url = reverse("admin:partenaires_organisation_change", args=[partner.pk])

    client.force_login(me)
    page = client.get(url).content.decode()
    assert "OSZ-2026-0901" in page
    assert "OSZ-2026-0902" not in page, "a colleague's dossier reference is not shown to an advisor"

    client.force_login(lead)
    page = client.get(url).content.decode()
    assert "OSZ-2026-0901" in page and "OSZ-2026-0902" in page
