"""The fictional demo pipeline loads once, marked fictional, and a second run changes nothing."""

import io

import pytest

from emploi_conjoint import demo
from emploi_conjoint.enums import Stage
from emploi_conjoint.models import Candidate, Introduction, Opportunity
from tests.factories import CommuneFactory, UserFactory

from .factories import AdultFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


def test_demo_is_fictional_and_idempotent():
    CommuneFactory(code_insee="10387", name="Troyes", latitude=48.2973, longitude=4.0744)
    hr = UserFactory(roles=["HR specialist"])
    out = io.StringIO()
    first = demo.load(out)
    assert first["candidates"] == 5
    assert "fictif" in out.getvalue()
    assert all(c.is_fictional for c in Candidate.objects.all())
    assert all(o.is_fictional for o in Opportunity.objects.all())
    assert all(c.adult.household.reference.startswith("FICTIF-") for c in Candidate.objects.all())
    assert Candidate.objects.filter(stage=Stage.EN_POSTE).exists()
    assert set(Candidate.objects.values_list("hr_specialist", flat=True)) == {hr.pk}
    counts = (Candidate.objects.count(), Opportunity.objects.count(), Introduction.objects.count())
    second = demo.load(io.StringIO())
    assert set(second.values()) == {0}
    assert (Candidate.objects.count(), Opportunity.objects.count(), Introduction.objects.count()) == counts


def test_demo_follows_the_back_office_fictional_spouses_first():
    spouse = AdultFactory(household=HouseholdFactory(reference="FICTIF-ACC-02"), is_spouse_seeking_job=True)
    AdultFactory(household=HouseholdFactory(reference="REEL-0001"), is_spouse_seeking_job=True)
    demo.load()
    assert Candidate.objects.filter(adult=spouse).exists()
    assert not Candidate.objects.filter(adult__household__reference="REEL-0001").exists()
