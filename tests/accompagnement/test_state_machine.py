"""The dossier's stages: each transition from the right stage only, logged, skips refused with a reason."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from accompagnement import stages
from accompagnement.enums import Outcome, Stage
from accompagnement.models import StageTransition
from osez.state_machine import TransitionRefused
from tests.factories import UserFactory

from .factories import HouseholdFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def advisor():
    return UserFactory(roles=["installation advisor"], first_name="Inès")


def test_full_journey_logs_every_transition(advisor):
    household = HouseholdFactory()
    stages.record_first_contact(household, by=advisor, reason="Appel de découverte")
    assert household.stage == Stage.FIRST_CONTACT
    assert household.advisor == advisor  # the first contact assigns an unassigned dossier
    stages.start_project(household, by=advisor)
    stages.mark_arrived(household, by=advisor, arrival_date=timezone.localdate() - datetime.timedelta(days=3))
    assert household.stage == Stage.ARRIVED
    stages.close_followup(household, by=advisor, outcome=Outcome.LEFT, reason="Mutation")
    assert household.stage == Stage.CLOSED and household.outcome == Outcome.LEFT
    assert household.closed_on == timezone.localdate()
    log = list(
        StageTransition.objects.filter(household=household).values_list("from_stage", "to_stage", "by")
    )
    assert log == [
        (Stage.NEW, Stage.FIRST_CONTACT, advisor.pk),
        (Stage.FIRST_CONTACT, Stage.PROJECT, advisor.pk),
        (Stage.PROJECT, Stage.ARRIVED, advisor.pk),
        (Stage.ARRIVED, Stage.CLOSED, advisor.pk),
    ]
    assert (
        StageTransition.objects.get(household=household, to_stage=Stage.FIRST_CONTACT).reason
        == "Appel de découverte"
    )


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Stage.NEW, Stage.PROJECT),
        (Stage.NEW, Stage.ARRIVED),
        (Stage.FIRST_CONTACT, Stage.ARRIVED),
        (Stage.PROJECT, Stage.FIRST_CONTACT),
        (Stage.ARRIVED, Stage.PROJECT),
    ],
)
def test_skipping_or_going_back_is_refused_with_the_reason(advisor, start, target):
    household = HouseholdFactory(stage=start)
    with pytest.raises(TransitionRefused) as error:
        stages.move_to(household, target, by=advisor, arrival_date=timezone.localdate())
    message = str(error.value)
    assert str(Stage(start).label) in message
    assert str(Stage(stages.next_stage(start)).label) in message  # says which step comes next
    household.refresh_from_db()
    assert household.stage == start
    assert not StageTransition.objects.filter(household=household).exists()


def test_transition_methods_check_the_current_stage(advisor):
    household = HouseholdFactory(stage=Stage.NEW)
    with pytest.raises(TransitionRefused, match="Nouvelle demande"):
        stages.start_project(household, by=advisor)


def test_closed_dossier_does_not_move(advisor):
    household = HouseholdFactory(stage=Stage.CLOSED, outcome=Outcome.NO_FOLLOW_UP)
    with pytest.raises(TransitionRefused, match="clos"):
        stages.move_to(household, Stage.CLOSED, by=advisor, outcome=Outcome.LOST)


def test_before_arrival_only_no_follow_up_or_lost(advisor):
    household = HouseholdFactory(stage=Stage.FIRST_CONTACT)
    with pytest.raises(TransitionRefused, match="suppose que la famille est arrivée"):
        stages.close_followup(household, by=advisor, outcome=Outcome.SETTLED)
    stages.close_followup(household, by=advisor, outcome=Outcome.NO_FOLLOW_UP)
    assert household.stage == Stage.CLOSED


def test_arrival_needs_a_past_date(advisor):
    household = HouseholdFactory(stage=Stage.PROJECT)
    with pytest.raises(TransitionRefused, match="date d'arrivée"):
        stages.mark_arrived(household, by=advisor)
    with pytest.raises(TransitionRefused, match="futur"):
        stages.mark_arrived(
            household, by=advisor, arrival_date=timezone.localdate() + datetime.timedelta(days=2)
        )
    assert not household.tasks.exists()


def test_settled_only_after_six_months(advisor):
    household = HouseholdFactory(stage=Stage.PROJECT)
    stages.mark_arrived(household, by=advisor, arrival_date=timezone.localdate())
    with pytest.raises(TransitionRefused, match="six mois"):
        stages.close_followup(household, by=advisor, outcome=Outcome.SETTLED)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=200), tick=False):
        stages.close_followup(household, by=advisor, outcome=Outcome.SETTLED)
    assert household.outcome == Outcome.SETTLED
    # Closing removes the milestones still open, keeps those already done.
    assert not household.tasks.open().exists()


def test_transition_bumps_the_version(advisor):
    household = HouseholdFactory()
    before = household.version
    stages.record_first_contact(household, by=advisor)
    assert household.version == before + 1
