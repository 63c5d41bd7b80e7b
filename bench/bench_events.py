#!/usr/bin/env python3
"""Server time of the staff pages of an event with 500 sign-ups: the attendee list and the check-in list.

    .venv/bin/python bench/bench_events.py --database-url postgres://…/osez_bench [--requests 60]

Runs Django in-process (settings ``osez.settings.dev``) against the given database — never the default
one — migrates it, adds the fictional data once (an account ``bench-events-advisor``, an event titled
« Salon fictif du banc d'essai » with 500 sign-ups, some on the waiting list, some checked in, some
already linked to a dossier, and 2,000 other fictional dossiers for the e-mail matching), then times
``--requests`` GETs of each page through Django's test client (view, queries and template, without the
network) after a few warm-up requests, and prints p50, p95 and max in milliseconds next to the target of
issue 17 (p95 ≤ 300 ms).
"""

import datetime
from pathlib import Path

from harness import print_timings, staff_bench_setup

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300
TITLE = "Salon fictif du banc d'essai"


def fictional_data():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accompagnement.models import Adult, Household
    from evenements.models import CONSENT_TEXT_VERSION, Event, Registration
    from osez import roles

    groups = roles.ensure_groups()
    advisor, _ = get_user_model().objects.get_or_create(
        username="bench-events-advisor", defaults={"first_name": "Conseiller·ère fictive"}
    )
    advisor.groups.add(groups[roles.ADVISOR])
    event = Event.objects.filter(title_fr=TITLE).first()
    if event is None:
        starts = timezone.now() + datetime.timedelta(days=10)
        event = Event.objects.create(
            title_fr=TITLE,
            status="publie",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=4),
            place_name="Parc des expositions (fictif)",
            capacity=1200,
        )
        households = Household.objects.bulk_create(
            Household(reference=f"BENCH-EVT-{n:04d}", email=f"bench-evt-{n}@example.org", advisor=advisor)
            for n in range(2000)
        )
        Adult.objects.bulk_create(
            Adult(household=h, first_name="Adulte", last_name=f"Fictif {n}", email=h.email)
            for n, h in enumerate(households)
        )
        now = timezone.now()
        Registration.objects.bulk_create(
            Registration(
                event=event,
                name=f"Participant·e fictif·ve {n}",
                # One in five already known by e-mail (a dossier to link), one in ten with a dossier linked.
                email=f"bench-evt-{n}@example.org" if n % 5 == 0 else f"bench-inscrit-{n}@example.org",
                party_size=1 + n % 3,
                status="attente" if n >= 470 else "inscrit",
                checked_in_at=now if n % 2 == 0 and n < 470 else None,
                household=households[n] if n % 10 == 1 else None,
                consent_text_version=CONSENT_TEXT_VERSION,
            )
            for n in range(500)
        )
    return advisor, event


def main():
    args = staff_bench_setup(__doc__.splitlines()[0])
    from django.test import Client
    from django.urls import reverse

    advisor, event = fictional_data()
    print(f"event {event.pk}: {event.registrations.count()} sign-ups")
    client = Client(HTTP_HOST="127.0.0.1")  # a host the dev settings allow
    client.force_login(advisor)
    pages = {
        "attendees": reverse("evenements_staff:attendees", args=[event.pk]),
        "check-in": reverse("evenements_staff:check-in", args=[event.pk]),
    }
    print_timings(client, pages, args.requests, dict.fromkeys(pages, TARGET_MS), width=10)


if __name__ == "__main__":
    main()
