"""The team lead's view: workload and stages per advisor, the team's overdue tasks, bulk reassignment, and
when the morning reminders last ran and run next."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompagnement import tasks as jobs
from accompagnement.enums import Stage
from accompagnement.models import Household
from tests.factories import UserFactory
from tests.helpers import page_text as text

from .factories import HouseholdFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    lead = UserFactory(roles=["team lead"], first_name="Responsable", last_name="Fictive")
    away = UserFactory(roles=["installation advisor"], first_name="Absente", last_name="Fictive")
    back = UserFactory(roles=["installation advisor"], first_name="Présente", last_name="Fictive")
    return lead, away, back


def test_team_view_shows_workload_and_overdue_tasks_of_colleagues(client, team):
    lead, away, back = team
    one = HouseholdFactory(advisor=away, stage=Stage.PROJECT)
    HouseholdFactory(advisor=away, stage=Stage.NEW)
    TaskFactory(household=one, owner=away, title="Relancer l'employeur",
                due_date=timezone.localdate() - datetime.timedelta(days=5))  # fmt: skip
    client.force_login(lead)
    page = text(client.get(reverse("accompagnement:team")))
    row = page[page.index("Absente Fictive") :].split("</tr>")[0]
    assert row.count("<td>1</td>") >= 2 and "<strong>2</strong>" in row  # one new, one project; two open
    assert "5 jours de retard" in page and "Relancer l'employeur" in page
    filtered = text(client.get(reverse("accompagnement:team"), {"conseiller": back.pk}))
    assert "Relancer l'employeur" not in filtered


def test_bulk_reassignment_moves_dossiers_and_their_open_tasks(client, team):
    lead, away, back = team
    first = HouseholdFactory(advisor=away)
    second = HouseholdFactory(advisor=away)
    kept = HouseholdFactory(advisor=away)
    task = TaskFactory(household=first, owner=away)
    client.force_login(lead)
    url = reverse("accompagnement:team") + f"?de={away.pk}"
    page = text(client.get(url))
    assert first.reference in page and kept.reference in page
    response = client.post(url, {"dossiers": [first.pk, second.pk], "advisor": back.pk})
    assert response.status_code == 302
    assert set(Household.objects.filter(advisor=back)) == {first, second}
    kept.refresh_from_db()
    task.refresh_from_db()
    assert kept.advisor == away and task.owner == back
    first.refresh_from_db()
    assert first.version == 2  # an edit form open on it is now stale


def test_bulk_reassignment_without_choice_says_what_is_missing(client, team):
    lead, away, _back = team
    HouseholdFactory(advisor=away)
    client.force_login(lead)
    response = client.post(reverse("accompagnement:team") + f"?de={away.pk}", {})
    page = text(response)
    assert response.status_code == 400
    assert "Cochez au moins un dossier" in page and "Choisissez à qui confier" in page


def test_team_view_shows_last_and_next_reminder_runs(client, team, mailoutbox):
    lead, _away, _back = team
    jobs.send_reminders()
    client.force_login(lead)
    page = text(client.get(reverse("accompagnement:team")))
    assert f"dernier envoi le {timezone.localtime():%d/%m/%Y}" in page
    assert "prochain le" in page and "à 07:30" in page


def test_an_advisor_cannot_open_the_team_view(client, team):
    _lead, away, _back = team
    client.force_login(away)
    assert client.get(reverse("accompagnement:team")).status_code == 403


def test_admin_task_list_filters_overdue_tasks(client, team):
    lead, away, _back = team
    late = TaskFactory(household=HouseholdFactory(advisor=away), title="Tâche en retard fictive",
                       due_date=timezone.localdate() - datetime.timedelta(days=2))  # fmt: skip
    TaskFactory(household=late.household, title="Tâche future fictive",
                due_date=timezone.localdate() + datetime.timedelta(days=2))  # fmt: skip
    client.force_login(lead)
    page = text(client.get(reverse("admin:accompagnement_task_changelist"), {"retard": "oui"}))
    assert "Tâche en retard fictive" in page and "Tâche future fictive" not in page


def test_team_lead_tasks_page_points_to_the_team_view(client, team):
    lead, _away, _back = team
    client.force_login(lead)
    assert reverse("accompagnement:team") in text(client.get(reverse("accompagnement:tasks")))
