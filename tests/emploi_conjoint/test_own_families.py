"""Installation advisors see the job search of their own families only, in the HR pages and the admin."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.helpers import page_text

from .factories import AdultFactory, CandidateFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_families():
    me = UserFactory(roles=["installation advisor"])
    colleague = UserFactory(roles=["installation advisor"])
    mine = CandidateFactory(adult=AdultFactory(first_name="Mienne", household=HouseholdFactory(advisor=me)))
    theirs = CandidateFactory(
        adult=AdultFactory(first_name="Collègue", household=HouseholdFactory(advisor=colleague))
    )
    return me, mine, theirs


def test_followed_page_lists_only_the_advisors_own_families(client, two_families):
    me, mine, theirs = two_families
    client.force_login(me)
    text = page_text(client.get(reverse("emploi_conjoint:followed")))
    assert mine.household.reference in text and "Mienne" in text
    assert theirs.household.reference not in text and "Collègue" not in text
    # Typing a colleague's reference does not help either.
    query = client.get(reverse("emploi_conjoint:followed"), {"dossier": theirs.household.reference})
    assert "Collègue" not in page_text(query)


def test_team_lead_and_hr_see_every_family(client, two_families):
    for role in ("team lead", "HR specialist"):
        client.force_login(UserFactory(roles=[role]))
        text = page_text(client.get(reverse("emploi_conjoint:followed")))
        assert "Mienne" in text and "Collègue" in text


def test_the_pipeline_admin_is_closed_to_advisors(client, two_families):
    me, _mine, theirs = two_families
    client.force_login(me)
    assert client.get("/admin/emploi_conjoint/candidate/").status_code == 403
    assert client.get(f"/admin/emploi_conjoint/candidate/{theirs.pk}/change/").status_code == 403
    assert client.get("/admin/emploi_conjoint/introduction/").status_code == 403
    index = page_text(client.get("/admin/"))
    assert "Candidat·es" not in index


def test_the_pipeline_admin_is_for_administrators(client, two_families):
    client.force_login(UserFactory(roles=["HR specialist"]))
    assert client.get("/admin/emploi_conjoint/candidate/").status_code == 403
    client.force_login(UserFactory(roles=["admin"]))
    text = page_text(client.get("/admin/emploi_conjoint/candidate/"))
    assert "Mienne" in text and "Collègue" in text
