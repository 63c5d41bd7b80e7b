"""The shared stage-machine shape: the table's moves, and StageMachine.move() as both pipelines use it."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from accompagnement.enums import Stage
from accompagnement.models import Household, StageTransition
from accompagnement.stages import MACHINE
from osez.state_machine import Move, TransitionRefused, TransitionTable
from tests.accompagnement.factories import HouseholdFactory
from tests.factories import UserFactory


class Record:
    def __init__(self, stage, left=""):
        self.stage, self.left = stage, left


def table():
    """Built in each test: a table built at import would escape mutation testing (it runs once)."""
    return TransitionTable(
        [
            Move("a", "b"),
            Move("b", "a", reason_required=True),
            Move("b", "c"),
            Move("b", "c"),  # a repeat is offered once
            Move("held", "a", when=lambda record, target: record.left == target),
            Move("held", "b", when=lambda record, target: record.left == target),
        ]
    )


def test_find_returns_the_move_or_none():
    assert table().find(Record("a"), "b") == Move("a", "b")
    assert table().find(Record("b"), "a").reason_required
    assert table().find(Record("a"), "c") is None
    assert table().find(Record("c"), "a") is None


def test_targets_follow_the_table_order_without_repeats():
    assert table().targets(Record("b")) == ["a", "c"]
    assert table().targets(Record("a")) == ["b"]
    assert table().targets(Record("c")) == []


def test_a_condition_narrows_a_move_to_some_records():
    assert table().targets(Record("held", left="b")) == ["b"]
    assert table().find(Record("held", left="b"), "a") is None
    moves = table()
    assert moves.find(Record("held", left="a"), "a") is moves.moves[4]


@pytest.mark.django_db
def test_move_sets_stage_date_version_and_writes_the_log():
    who = UserFactory(roles=["installation advisor"])
    household = HouseholdFactory()
    before = household.updated_at
    moment = timezone.now() + datetime.timedelta(hours=1)
    with time_machine.travel(moment, tick=False):
        entry = MACHINE.move(
            household, Stage.FIRST_CONTACT, by=who, reason="Appel", log_fields={"outcome": ""}
        )
    assert (household.stage, household.version, household.stage_changed_at) == (
        Stage.FIRST_CONTACT,
        2,
        moment,
    )
    assert household.updated_at == moment > before
    assert (entry.from_stage, entry.to_stage, entry.by, entry.at, entry.reason) == (
        Stage.NEW, Stage.FIRST_CONTACT, who, moment, "Appel",
    )  # fmt: skip
    stored = Household.objects.get(pk=household.pk)
    assert (stored.stage, stored.version) == (Stage.FIRST_CONTACT, 2)


@pytest.mark.django_db
def test_move_without_a_refusal_function_follows_the_table():
    household = HouseholdFactory()
    with pytest.raises(TransitionRefused) as error:
        MACHINE.move(household, Stage.ARRIVED)
    assert str(error.value) == "Ce changement d'étape n'est pas possible."
    assert not StageTransition.objects.exists()
    assert Household.objects.get(pk=household.pk).version == 1


@pytest.mark.django_db
def test_a_refusal_sees_the_stored_record_and_writes_nothing():
    household = HouseholdFactory()
    Household.objects.filter(pk=household.pk).update(stage=Stage.PROJECT)  # moved by someone else
    seen = []

    def refusal(locked):
        seen.append(locked.stage)
        return "déjà changé"

    with pytest.raises(TransitionRefused, match="déjà changé"):
        MACHINE.move(household, Stage.FIRST_CONTACT, refusal=refusal)
    assert seen == [Stage.PROJECT]
    assert Household.objects.get(pk=household.pk).version == 1
    assert not StageTransition.objects.exists()


@pytest.mark.django_db
def test_changes_may_depend_on_the_stored_record():
    advisor = UserFactory(roles=["installation advisor"])
    household = HouseholdFactory()
    entry = MACHINE.move(
        household, Stage.FIRST_CONTACT, refusal=lambda locked: None,
        changes=lambda locked: {"advisor": advisor} if locked.advisor_id is None else {},
    )  # fmt: skip
    assert household.advisor == advisor
    assert (entry.by, entry.reason) == (None, ""), "nobody and no reason unless given"


@pytest.mark.django_db
def test_open_without_who_or_why_logs_neither():
    entry = MACHINE.open(HouseholdFactory())
    assert (entry.by, entry.reason) == (None, "")


@pytest.mark.django_db
def test_open_writes_the_first_line_at_the_records_stage():
    household = HouseholdFactory()
    entry = MACHINE.open(household, reason="Demande reçue")
    assert (entry.from_stage, entry.to_stage, entry.at, entry.reason) == (
        "", Stage.NEW, household.stage_changed_at, "Demande reçue",
    )  # fmt: skip
