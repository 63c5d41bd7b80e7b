"""Morning reminders: each advisor gets due and overdue tasks; long-overdue ones go to the team leads."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from accompagnement import tasks as celery_tasks
from accompagnement.enums import Outcome, Stage
from tests.factories import UserFactory

from .factories import HouseholdFactory, TaskFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 10)


@pytest.fixture
def people():
    inès = UserFactory(username="ines", email="ines@osez.localhost", roles=["installation advisor"])
    paul = UserFactory(username="paul", email="paul@osez.localhost", roles=["installation advisor"])
    lead = UserFactory(username="chef", email="chef@osez.localhost", roles=["team lead"])
    return inès, paul, lead


@time_machine.travel(datetime.datetime(2026, 3, 10, 6, 30, tzinfo=datetime.UTC), tick=False)
def test_each_advisor_gets_their_due_and_overdue_tasks(people, settings):
    settings.OSEZ_OVERDUE_ESCALATION_DAYS = 7
    inès, paul, _lead = people
    household = HouseholdFactory(stage=Stage.ARRIVED, advisor=inès, reference="OSZ-2026-0007")
    TaskFactory(household=household, owner=inès, title="Point à 1 mois", due_date=TODAY)
    TaskFactory(
        household=household, owner=inès, title="Appeler l'école", due_date=TODAY - datetime.timedelta(days=3)
    )
    TaskFactory(
        household=household, owner=inès, title="Plus tard", due_date=TODAY + datetime.timedelta(days=1)
    )
    TaskFactory(
        household=household,
        owner=inès,
        title="Déjà fait",
        due_date=TODAY,
        done_at=datetime.datetime(2026, 3, 9, tzinfo=datetime.UTC),
    )
    closed = HouseholdFactory(stage=Stage.CLOSED, outcome=Outcome.LEFT, advisor=paul)
    TaskFactory(household=closed, owner=paul, title="Dossier clos", due_date=TODAY)

    call_command("send_reminders")

    assert [m.to for m in mail.outbox] == [
        ["ines@osez.localhost"]
    ]  # Paul has nothing open, no lead escalation
    body = mail.outbox[0].body
    assert "Point à 1 mois" in body and "Appeler l'école" in body
    assert "3 jours de retard" in body
    assert "Plus tard" not in body and "Déjà fait" not in body and "Dossier clos" not in body
    assert "2 tâches" in mail.outbox[0].subject


def test_long_overdue_tasks_are_reported_to_team_leads(people, settings):
    settings.OSEZ_OVERDUE_ESCALATION_DAYS = 5
    inès, _paul, _lead = people
    household = HouseholdFactory(stage=Stage.ARRIVED, advisor=inès, reference="OSZ-2026-0008")
    TaskFactory(
        household=household,
        owner=inès,
        title="Point à 2 semaines",
        due_date=TODAY - datetime.timedelta(days=6),
    )
    TaskFactory(
        household=household,
        owner=inès,
        title="Presque en retard",
        due_date=TODAY - datetime.timedelta(days=5),
    )
    with time_machine.travel(datetime.datetime(2026, 3, 10, 8, 0, tzinfo=datetime.UTC), tick=False):
        result = celery_tasks.send_reminders.delay().get()
    assert result == {"advisors": 1, "team_leads": 1}
    to_lead = [m for m in mail.outbox if m.to == ["chef@osez.localhost"]]
    assert len(to_lead) == 1
    assert "Point à 2 semaines" in to_lead[0].body and "OSZ-2026-0008" in to_lead[0].body
    assert "Presque en retard" not in to_lead[0].body  # exactly N days late is not "more than N"


def test_command_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Date invalide"):
        call_command("send_reminders", "--date", "10/03/2026")


@time_machine.travel(datetime.datetime(2026, 3, 10, 6, 30, tzinfo=datetime.UTC), tick=False)
def test_the_reminder_links_to_the_site_where_staff_reach_it(people, settings):
    settings.OSEZ_BASE_URL = "https://osez.example.org"
    inès, _paul, _lead = people
    household = HouseholdFactory(stage=Stage.ARRIVED, advisor=inès)
    TaskFactory(household=household, owner=inès, title="Point à 1 mois", due_date=TODAY)
    call_command("send_reminders")
    assert "https://osez.example.org/admin/accompagnement/taches/" in mail.outbox[0].body
