"""The dossier page reads a fixed number of queries whatever its length: 200 history entries and 30 tasks
cost the same as a handful (the bench under bench/bench_staff.py measures the time)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accompagnement.enums import Need
from accompagnement.models import HouseholdNeed, Interaction, StageTransition, Task, TaskLog
from tests.factories import CommuneFactory

from .factories import AdultFactory, ChildFactory, HouseholdFactory

pytestmark = pytest.mark.django_db

# Measured on this page (PostgreSQL and SQLite alike): session, user, groups, dossier, members, needs,
# tasks, timeline (stages, exchanges, task log, tasks done, needs resolved, pins), places, duplicates,
# panels, audit row… A change to this number is a change to the page's cost: update it knowingly.
# 31 for the back-office alone; +11 once the spouse-employment panel and the family space's panels and
# timeline source (messages, checklist ticks, survey answers) joined the page, each a fixed number;
# +1 for the events' timeline source (the family's sign-ups, issue 17).
# +1 for the employer-referral panel (issue 17: who referred the family, what the recruit agreed to).
DOSSIER_QUERIES = 44


def fill(household, advisor, *, history, tasks):
    today = timezone.localdate()
    Interaction.objects.bulk_create(
        Interaction(
            household=household,
            author=advisor,
            text=f"Échange fictif {i}",
            happened_on=today - datetime.timedelta(days=i % 300),
        )
        for i in range(history)
    )
    made = Task.objects.bulk_create(
        Task(
            household=household,
            owner=advisor,
            title=f"Tâche fictive {i}",
            due_date=today + datetime.timedelta(days=i - tasks // 2),
            done_at=timezone.now() if i % 3 == 0 else None,
        )
        for i in range(tasks)
    )
    TaskLog.objects.bulk_create(TaskLog(task=t, action=TaskLog.Action.POSTPONED, by=advisor,
                                        from_due=today, to_due=today, reason="Report fictif")
                                for t in made[:5])  # fmt: skip
    StageTransition.objects.create(household=household, to_stage="nouvelle_demande", by=advisor)


def dossier(advisor, *, history, tasks):
    household = HouseholdFactory(advisor=advisor)
    household.communes_considered.add(CommuneFactory(latitude=48.3, longitude=4.08))
    AdultFactory(household=household)
    ChildFactory(household=household, birth_year=timezone.localdate().year - 1)
    HouseholdNeed.objects.create(household=household, kind=Need.SCHOOL)
    fill(household, advisor, history=history, tasks=tasks)
    return household


def queries_for(client, household):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(household.get_absolute_url())
    assert response.status_code == 200
    return len(captured), response


def test_dossier_with_200_history_entries_and_30_tasks_reads_a_fixed_number_of_queries(client, advisor):
    client.force_login(advisor)
    small = dossier(advisor, history=3, tasks=2)
    large = dossier(advisor, history=200, tasks=30)
    queries_for(client, small)  # warm the session and the user's groups like a second page view
    n_small, _ = queries_for(client, small)
    n_large, response = queries_for(client, large)
    assert (n_small, n_large) == (DOSSIER_QUERIES, DOSSIER_QUERIES)
    page = response.content.decode()
    assert page.count('class="timeline-item') == 50 and "Tâche fictive 29" in page
    assert "Afficher les 166 entrées plus anciennes" in page  # 200 exchanges, 5 postponed, 1 stage, 10 done
    n_all, response = queries_for_url(client, large.get_absolute_url() + "?fil_complet=1")
    assert n_all == DOSSIER_QUERIES
    assert response.content.decode().count('class="timeline-item') == 216


def queries_for_url(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response
