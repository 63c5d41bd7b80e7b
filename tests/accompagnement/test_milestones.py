"""On arrival, the first-year milestones are created from the setting, each with a due date and owner."""

import datetime

import pytest
from django.utils import timezone

from accompagnement import milestones, stages
from accompagnement.enums import Stage, TaskKind
from tests.factories import UserFactory

from .factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def test_default_milestones_from_the_arrival_date():
    advisor = UserFactory(roles=["installation advisor"])
    household = HouseholdFactory(stage=Stage.PROJECT, advisor=advisor)
    arrival = timezone.localdate() - datetime.timedelta(days=1)
    stages.mark_arrived(household, by=UserFactory(roles=["team lead"]), arrival_date=arrival)
    tasks = list(household.tasks.filter(kind=TaskKind.MILESTONE).order_by("due_date"))
    assert [t.title for t in tasks] == [
        "Point à 2 semaines",
        "Point à 1 mois",
        "Point à 3 mois",
        "Point à 6 mois",
        "Point à 1 an",
    ]
    assert [t.due_date for t in tasks] == [
        arrival + datetime.timedelta(days=d) for d in (14, 30, 91, 182, 365)
    ]
    assert {t.owner for t in tasks} == {advisor}  # the dossier's advisor, not whoever clicked


def test_milestones_follow_the_setting(settings):
    settings.OSEZ_FOLLOWUP_MILESTONES_DAYS = [7, 60]
    advisor = UserFactory(roles=["installation advisor"])
    household = HouseholdFactory(stage=Stage.PROJECT)
    stages.mark_arrived(household, by=advisor, arrival_date=timezone.localdate())
    tasks = household.tasks.order_by("due_date")
    assert [t.milestone_days for t in tasks] == [7, 60]
    assert [t.title for t in tasks] == ["Point à 1 semaine", "Point à 2 mois"]
    assert {t.owner for t in tasks} == {advisor}  # unassigned dossier: the one who recorded the arrival


def test_creating_twice_does_not_duplicate():
    household = HouseholdFactory(stage=Stage.ARRIVED, arrival_date=timezone.localdate())
    milestones.create_milestones(household)
    milestones.create_milestones(household)
    assert household.tasks.count() == 5
