"""The Django admin for dossiers: opening one by hand, list filters and search, the bulk actions."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accompagnement.enums import Stage
from accompagnement.models import Household
from tests.factories import UserFactory

from .factories import AdultFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


def empty_inlines():
    data = {}
    for prefix in ("adults", "children", "needs", "tasks", "interactions", "pinned_places", "transitions"):
        data[f"{prefix}-TOTAL_FORMS"] = 0
        data[f"{prefix}-INITIAL_FORMS"] = 0
    return data


def test_opening_a_dossier_by_hand_gets_a_reference_and_a_first_log_row(client):
    advisor = UserFactory(roles=["installation advisor"])
    client.force_login(advisor)
    data = {
        **empty_inlines(),
        "reference": "",
        "email": "appel@example.org",
        "origin": "Reims",
        "channel": "salon",
    }
    data.update({"adults-TOTAL_FORMS": 1, "adults-0-first_name": "Jo", "adults-0-last_name": "Essai"})
    response = client.post(reverse("admin:accompagnement_household_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    household = Household.objects.get(email="appel@example.org")
    assert household.reference == f"OSZ-{timezone.localdate().year}-0001"
    assert household.stage == Stage.NEW
    assert household.transitions.get().by == advisor
    assert household.adults.get().first_name == "Jo"


def test_changelist_filters_and_search(client):
    lead = UserFactory(roles=["team lead"])
    wanted = HouseholdFactory(stage=Stage.PROJECT)
    AdultFactory(household=wanted, last_name="Introuvable")
    HouseholdFactory(stage=Stage.NEW)
    client.force_login(lead)
    url = reverse("admin:accompagnement_household_changelist")
    html = client.get(url, {"stage__exact": Stage.PROJECT}).content.decode()
    assert wanted.reference in html and "1 dossier famille" in html
    html = client.get(url, {"q": "Introuvable"}).content.decode()
    assert wanted.reference in html


def test_bulk_actions(client):
    advisor = UserFactory(roles=["installation advisor"])
    mine = HouseholdFactory(stage=Stage.NEW)
    at_project = HouseholdFactory(stage=Stage.PROJECT, advisor=advisor)
    client.force_login(advisor)
    url = reverse("admin:accompagnement_household_changelist")
    client.post(url, {"action": "assign_to_me", "_selected_action": [mine.pk]})
    mine.refresh_from_db()
    assert mine.advisor == advisor
    response = client.post(
        url, {"action": "advance_stage", "_selected_action": [mine.pk, at_project.pk]}, follow=True
    )
    mine.refresh_from_db()
    at_project.refresh_from_db()
    assert mine.stage == Stage.FIRST_CONTACT
    assert at_project.stage == Stage.PROJECT  # arrival needs its date: done from the dossier page
    assert "depuis la fiche du dossier" in response.content.decode()


def test_deleting_a_dossier_in_the_admin_is_an_audited_erasure(client):
    from accompagnement.models import Adult, Household
    from osez.models import AccessLog
    from tests.accompagnement.factories import AdultFactory, HouseholdFactory
    from tests.factories import UserFactory

    admin_user = UserFactory(username="erasure-admin", is_superuser=True)
    household = HouseholdFactory()
    AdultFactory(household=household, first_name="Prénom-fictif")
    client.force_login(admin_user)
    response = client.post(
        f"/admin/accompagnement/household/{household.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert not Household.objects.filter(pk=household.pk).exists()
    assert not Adult.objects.filter(first_name="Prénom-fictif").exists()
    entry = AccessLog.objects.get(action="erase")
    assert entry.object_repr == household.reference
    assert "Prénom-fictif" not in entry.detail
