#!/usr/bin/env python3
"""Server time of two staff pages on fictional data: a dossier with 200 history entries and 30 tasks, and
the team view with 40 advisors × 40 dossiers.

    .venv/bin/python bench/bench_staff.py --database-url postgres://…/osez_bench [--requests 60]

Runs Django in-process (settings ``osez.settings.dev``) against the given database — never the default
one — migrates it, adds the fictional data once (accounts named ``bench-…``, dossiers with references
``BENCH-…``), then times ``--requests`` GETs of each page through Django's test client (view, queries and
template, without the network and the WSGI server) after a few warm-up requests, and prints p50, p95 and
max in milliseconds next to the targets of issue 14 (dossier p95 ≤ 150 ms, team view ≤ 300 ms).
"""

import datetime
from pathlib import Path

from harness import print_timings, staff_bench_setup

ROOT = Path(__file__).resolve().parent.parent
TARGETS_MS = {"dossier": 150, "team": 300}


def fictional_data():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accompagnement.enums import Stage
    from accompagnement.models import Household, Interaction, Task
    from osez import roles

    roles.ensure_groups()
    users = get_user_model()
    lead, _ = users.objects.get_or_create(
        username="bench-lead", defaults={"first_name": "Responsable fictive"}
    )
    lead.groups.add(*[g for g in roles.ensure_groups().values() if g.name == roles.TEAM_LEAD])
    advisor_group = roles.ensure_groups()[roles.ADVISOR]
    today = timezone.localdate()
    stages = [s for s in Stage if s != Stage.CLOSED]
    if not Household.objects.filter(reference__startswith="BENCH-").exists():
        for a in range(40):
            advisor, _ = users.objects.get_or_create(
                username=f"bench-advisor-{a:02d}", defaults={"first_name": f"Conseiller·ère fictive {a}"}
            )
            advisor.groups.add(advisor_group)
            households = Household.objects.bulk_create(
                Household(
                    reference=f"BENCH-{a:02d}-{d:02d}",
                    email=f"bench{a}-{d}@example.org",
                    advisor=advisor,
                    stage=stages[d % len(stages)],
                )
                for d in range(40)
            )
            Task.objects.bulk_create(
                Task(
                    household=h,
                    owner=advisor,
                    title="Tâche fictive",
                    due_date=today - datetime.timedelta(days=d % 9),
                )
                for d, h in enumerate(households)
            )
        big = Household.objects.get(reference="BENCH-00-00")
        Interaction.objects.bulk_create(
            Interaction(
                household=big, text=f"Échange fictif {i}", happened_on=today - datetime.timedelta(days=i)
            )
            for i in range(200)
        )
        Task.objects.bulk_create(
            Task(household=big, title=f"Tâche fictive {i}", due_date=today + datetime.timedelta(days=i - 15))
            for i in range(30)
        )
    return lead, Household.objects.get(reference="BENCH-00-00")


def main():
    args = staff_bench_setup(__doc__.splitlines()[0])
    from django.test import Client
    from django.urls import reverse

    lead, big = fictional_data()
    client = Client(HTTP_HOST="127.0.0.1")  # a host the dev settings allow
    client.force_login(lead)
    pages = {
        "dossier": big.get_absolute_url(),
        "team": reverse("accompagnement:team"),
    }
    print_timings(client, pages, args.requests, TARGETS_MS, width=8)


if __name__ == "__main__":
    main()
