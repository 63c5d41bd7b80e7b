"""The family's page costs a fixed number of SQL queries, whatever the number of messages and tasks."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accompagnement import models as acc
from espace_famille.models import ChecklistItem, ChecklistTick, Message

pytestmark = pytest.mark.django_db

# session read, adult with household and advisor, needs, checklist items, ticks, surveys, tasks, adults
# with their sharing and job search, messages with authors, the access log row (the session is written
# at most once a minute, not on every page).
EXPECTED_QUERIES = 10


def fill(household, advisor, adult, messages, tasks):
    today = timezone.localdate()
    Message.objects.bulk_create(
        Message(
            household=household,
            author="famille" if n % 2 else "equipe",
            adult=adult if n % 2 else None,
            staff=None if n % 2 else advisor,
            text=f"Message fictif {n}",
        )
        for n in range(messages)
    )
    acc.Task.objects.bulk_create(
        acc.Task(household=household, title=f"Étape {n}", due_date=today + datetime.timedelta(days=n))
        for n in range(tasks)
    )
    for item in ChecklistItem.objects.all()[:3]:
        ChecklistTick.objects.get_or_create(household=household, item=item, defaults={"adult": adult})


def count(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/mon-espace/")
    assert response.status_code == 200
    return len(queries), response


def test_the_page_with_50_messages_and_20_tasks_costs_a_fixed_number_of_queries(
    family_client, family, advisor
):
    household, adult = family
    fill(household, advisor, adult, messages=50, tasks=20)
    family_client.get("/mon-espace/")  # the first visit may write the session; measure the next ones
    n, response = count(family_client)
    assert n == EXPECTED_QUERIES
    body = response.content.decode()
    assert body.count('class="thread-message') == 50
    assert "Message fictif 49" in body and "Étape 9" in body


def test_the_count_does_not_grow_with_the_rows(family_client, family, advisor):
    household, adult = family
    fill(household, advisor, adult, messages=2, tasks=1)
    family_client.get("/mon-espace/")
    small, _response = count(family_client)
    fill(household, advisor, adult, messages=48, tasks=19)
    large, _response = count(family_client)
    assert small == large == EXPECTED_QUERIES
