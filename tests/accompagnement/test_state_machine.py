"""The dossier's stages: each transition from the right stage only, logged, skips refused with a reason."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from accompagnement import stages
from accompagnement.enums import Outcome, Stage
from accompagnement.models import Household, StageTransition
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


# --- Every move through the one entry point, and the exact sentence of every refusal.


def test_move_to_makes_each_move_with_who_and_why(advisor):
    household = HouseholdFactory()
    stages.open_dossier(household)
    stages.move_to(household, Stage.FIRST_CONTACT, by=advisor, reason="Appel")
    stages.move_to(household, Stage.PROJECT, by=advisor, reason="Projet")
    stages.move_to(household, Stage.ARRIVED, by=advisor, reason="Arrivée", arrival_date=timezone.localdate())
    stages.move_to(household, Stage.CLOSED, by=advisor, reason="Départ", outcome=Outcome.LEFT)
    log = list(household.transitions.values_list("from_stage", "to_stage", "by", "reason", "outcome"))
    assert log == [
        ("", Stage.NEW, None, "", ""),
        (Stage.NEW, Stage.FIRST_CONTACT, advisor.pk, "Appel", ""),
        (Stage.FIRST_CONTACT, Stage.PROJECT, advisor.pk, "Projet", ""),
        (Stage.PROJECT, Stage.ARRIVED, advisor.pk, "Arrivée", ""),
        (Stage.ARRIVED, Stage.CLOSED, advisor.pk, "Départ", Outcome.LEFT),
    ]
    household.refresh_from_db()
    assert (household.stage, household.outcome, household.version) == (Stage.CLOSED, Outcome.LEFT, 5)


def test_a_move_without_a_reason_logs_none(advisor):
    household = HouseholdFactory(stage=Stage.FIRST_CONTACT)
    stages.start_project(household, by=advisor)
    entry = household.transitions.get()
    assert entry.reason == "" and entry.at == household.stage_changed_at
    other = HouseholdFactory()
    stages.record_first_contact(other, by=advisor)
    stages.move_to(other, Stage.PROJECT, by=advisor)
    stages.mark_arrived(other, by=advisor, arrival_date=timezone.localdate())
    stages.close_followup(other, by=advisor, outcome=Outcome.LEFT)
    assert set(other.transitions.values_list("reason", flat=True)) == {""}


def test_opening_a_dossier_logs_who_and_why(advisor):
    household = HouseholdFactory()
    entry = stages.open_dossier(household, by=advisor, reason="Salon de Troyes")
    assert (entry.from_stage, entry.to_stage, entry.by, entry.reason) == (
        "",
        Stage.NEW,
        advisor,
        "Salon de Troyes",
    )


def test_first_contact_keeps_the_advisor_a_dossier_already_has(advisor):
    lead = UserFactory(roles=["team lead"])
    household = HouseholdFactory(advisor=advisor)
    stages.record_first_contact(household, by=lead)
    assert household.advisor == advisor
    unassigned = HouseholdFactory()
    stages.record_first_contact(unassigned, by=None)
    assert unassigned.advisor is None


def test_milestones_go_to_the_dossiers_advisor_else_to_who_marked_the_arrival(advisor):
    lead = UserFactory(roles=["team lead"])
    followed = HouseholdFactory(stage=Stage.PROJECT, advisor=advisor)
    stages.mark_arrived(followed, by=lead, arrival_date=timezone.localdate())
    assert set(followed.tasks.values_list("owner", flat=True)) == {advisor.pk}
    unassigned = HouseholdFactory(stage=Stage.PROJECT)
    stages.mark_arrived(unassigned, by=lead, arrival_date=timezone.localdate())
    assert set(unassigned.tasks.values_list("owner", flat=True)) == {lead.pk}


def test_next_stage_follows_the_order_and_ends_with_closing():
    assert [stages.next_stage(s) for s in stages.STAGE_ORDER] == [
        Stage.FIRST_CONTACT, Stage.PROJECT, Stage.ARRIVED, Stage.CLOSED, None,
    ]  # fmt: skip


def refusal(household, target, **kwargs):
    with pytest.raises(TransitionRefused) as error:
        stages.move_to(household, target, by=None, **kwargs)
    return str(error.value)


def test_each_refusal_says_exactly_why():
    household = HouseholdFactory(stage=Stage.FIRST_CONTACT)
    assert refusal(household, "ailleurs") == "Étape inconnue."
    assert refusal(household, Stage.NEW) == "Un dossier ne revient pas à « nouvelle demande »."
    assert refusal(household, Stage.FIRST_CONTACT) == "Le dossier est déjà à l'étape « Premier contact »."
    assert refusal(household, Stage.ARRIVED) == (
        "Impossible de passer à « Arrivé (suivi première année) » : le dossier est à l'étape « Premier contact ». "
        "L'étape suivante est « Projet d'installation » : on ne saute pas d'étape."
    )
    assert refusal(household, Stage.CLOSED, outcome="") == "Choisissez l'issue du suivi."
    assert refusal(household, Stage.CLOSED, outcome=Outcome.SETTLED) == (
        "« Installé durablement » suppose que la famille est arrivée : le dossier est à l'étape "
        "« Premier contact ». Avant l'arrivée, un dossier se clôt « sans suite » ou « perdu de vue »."
    )
    closed = HouseholdFactory(stage=Stage.CLOSED, outcome=Outcome.LOST)
    assert refusal(closed, Stage.PROJECT) == "Ce dossier est clos : il ne change plus d'étape."
    with pytest.raises(TransitionRefused) as error:
        stages.close_followup(closed, by=None, outcome=Outcome.LOST)
    assert str(error.value) == "Ce dossier est clos : il ne change plus d'étape."


def test_arrival_refusals_say_exactly_why():
    household = HouseholdFactory(stage=Stage.PROJECT)
    assert refusal(household, Stage.ARRIVED) == "Indiquez la date d'arrivée de la famille."
    later = datetime.date(2099, 1, 5)
    assert refusal(household, Stage.ARRIVED, arrival_date=later) == (
        "La date d'arrivée (05/01/2099) est dans le futur : la famille n'est pas encore arrivée."
    )


def test_a_dossier_moved_meanwhile_is_refused_with_its_stage_now(advisor):
    household = HouseholdFactory(stage=Stage.NEW)
    Household.objects.filter(pk=household.pk).update(stage=Stage.CLOSED)
    with pytest.raises(TransitionRefused) as error:
        stages.record_first_contact(household, by=advisor)
    assert str(error.value) == "Ce dossier est clos : il ne change plus d'étape."


def test_settled_is_allowed_from_six_months_on(advisor):
    household = HouseholdFactory(stage=Stage.PROJECT)
    stages.mark_arrived(household, by=advisor, arrival_date=timezone.localdate())
    with time_machine.travel(timezone.now() + datetime.timedelta(days=181), tick=False):
        assert refusal(household, Stage.CLOSED, outcome=Outcome.SETTLED) == (
            "« Installé durablement » se constate au moins six mois après l'arrivée : poursuivez le suivi."
        )
    with time_machine.travel(timezone.now() + datetime.timedelta(days=182), tick=False):
        stages.close_followup(household, by=advisor, outcome=Outcome.SETTLED)
    assert household.outcome == Outcome.SETTLED
