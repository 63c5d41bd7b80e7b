#!/usr/bin/env python3
"""Server time of the family's page (/mon-espace/) with 50 messages and 20 tasks.

    .venv/bin/python bench/bench_family_space.py [--database-url URL] [--requests 300]

Migrates the database named by --database-url (default: DATABASE_URL, else a SQLite file under
var/bench/), creates one fictional household (reference OSZ-BENCH-FAMILLE) with 50 messages, 20 tasks,
the seeded checklists and three ticks, signs in through a real one-time link, then requests the page
--requests times in-process with Django's test client (middleware, session, views, templates, the
access-log write; no network), DEBUG off. Prints p50/p95/max of the wall time and the SQL queries per
page, then deletes the fictional household. Target (issue 16): p95 ≤ 150 ms.
"""

import argparse
import os
import time
from pathlib import Path

from harness import database_or_sqlite, migrate_then_setup, percentile

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = "OSZ-BENCH-FAMILLE"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    env = dict(os.environ)
    args.database_url = database_or_sqlite(args.database_url, "family")
    env["DATABASE_URL"] = args.database_url
    env.setdefault("DJANGO_SETTINGS_MODULE", "osez.settings.test")
    migrate_then_setup(env)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accompagnement import models as acc
    from espace_famille import services
    from espace_famille.models import ChecklistItem, ChecklistTick, Message

    settings.ALLOWED_HOSTS = ["*"]
    acc.Household.objects.filter(reference=REFERENCE).delete()
    household = acc.Household.objects.create(reference=REFERENCE, email="bench@example.org", origin="Fictif")
    adult = acc.Adult.objects.create(household=household, first_name="Fictif", email="bench@example.org")
    for kind in ("ecole", "medecin", "garde"):
        acc.HouseholdNeed.objects.create(household=household, kind=kind)
    Message.objects.bulk_create(
        Message(
            household=household, author="famille" if n % 2 else "equipe", adult=adult, text=f"Message {n}"
        )
        for n in range(50)
    )
    today = timezone.localdate()
    acc.Task.objects.bulk_create(
        acc.Task(household=household, title=f"Étape {n}", due_date=today + timezone.timedelta(days=n))
        for n in range(20)
    )
    for item in ChecklistItem.objects.all()[:3]:
        ChecklistTick.objects.get_or_create(household=household, item=item)

    client = Client()
    token = services.issue_link(adult)
    assert client.post(f"/mon-espace/connexion/{token}/").status_code == 302
    client.get("/mon-espace/")
    # Counted with an execute wrapper: request_started resets Django's own query log mid-request.
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)):
        status = client.get("/mon-espace/").status_code
    assert status == 200, status
    timings = []
    try:
        for _ in range(args.requests):
            start = time.perf_counter()
            response = client.get("/mon-espace/")
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
    finally:
        acc.Household.objects.filter(reference=REFERENCE).delete()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Family page /mon-espace/ — 50 messages, 20 tasks — {connection.vendor}, load average {load:.2f}")
    print(
        f"  n={len(timings)}  p50={percentile(timings, 50):.1f} ms  p95={percentile(timings, 95):.1f} ms  "
        f"max={max(timings):.1f} ms  SQL queries per page={len(queries)}  (target p95 ≤ 150 ms)"
    )


if __name__ == "__main__":
    main()
