#!/usr/bin/env python3
"""Suggestions for one candidate over 5,000 offers and 2,000 organisations, and the figures page over
5,000 dossiers: p50/p95 in milliseconds, against the targets of issue 15 (p95 ≤ 200 ms; ≤ 500 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/osez_i15 .venv/bin/python bench/bench_spouse.py \
        [--offers 5000] [--organisations 2000] [--dossiers 5000] [--runs 30]

Builds its own throw-away database (``<name>_bench_spouse``, kept between runs so the data is built once)
with fictional communes in the Aube's box, organisations, offers with jobs of the list, candidates and
dossiers; then times ``suggestions.for_candidate`` for random candidates, and GET of the figures pages
(accompagnement and emploi du conjoint) through Django's test client, logged in as a team lead.
Prints one line per measure. Without DATABASE_URL it runs on SQLite (a file under var/).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

from harness import percentile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osez.settings.test")


def build(n_offers, n_orgs, n_dossiers):
    import datetime

    from django.utils import timezone

    from accompagnement.enums import Channel, Need, NeedState, Stage
    from accompagnement.models import Adult, Household, HouseholdNeed
    from communes.models import EPCI, Commune, Departement
    from emploi_conjoint import jobs
    from emploi_conjoint.enums import ContractType, WorkTime
    from emploi_conjoint.models import Candidate, Opportunity
    from partenaires.enums import OrganisationKind
    from partenaires.models import Organisation

    rng = random.Random(15)
    if Opportunity.objects.count() >= n_offers and Household.objects.count() >= n_dossiers:
        return
    departement, _ = Departement.objects.get_or_create(code="10", defaults={"name": "Aube (fictif)"})
    epcis = [
        EPCI.objects.get_or_create(code=f"2000{i:05d}", defaults={"name": f"Communauté fictive {i}"})[0]
        for i in range(12)
    ]
    communes = []
    for i in range(431):
        code = f"10{i:03d}"
        commune, _ = Commune.objects.get_or_create(
            code_insee=code,
            defaults={
                "name": f"Commune fictive {i}",
                "slug": f"commune-fictive-{i}",
                "departement": departement,
                "epci": epcis[i % len(epcis)],
                "postcodes": ["10000"],
                "search_text": f"commune fictive {i}",
                "population": 1000,
                "surface_ha": 1500.0,
                "latitude": 47.95 + rng.random() * 0.75,
                "longitude": 3.40 + rng.random() * 1.25,
            },
        )
        communes.append(commune)
    kinds = [OrganisationKind.EMPLOYER, OrganisationKind.INSTITUTION, OrganisationKind.RECRUITER]
    Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Organisation fictive {i}",
                kind=kinds[i % 3],
                sector="fictif",
                commune=rng.choice(communes),
            )
            for i in range(n_orgs - Organisation.objects.count())
        ]
    )
    orgs = list(Organisation.objects.all()[:n_orgs])
    all_jobs = jobs.all_jobs()
    offers = []
    for i in range(n_offers - Opportunity.objects.count()):
        job = rng.choice(all_jobs)
        offers.append(
            Opportunity(
                title=f"{job.label} (offre fictive {i})",
                job_code=job.code,
                organisation=rng.choice(orgs),
                commune=rng.choice(communes),
                contract_type=rng.choice(ContractType.values),
                work_time=rng.choice(WorkTime.values),
                night_work=rng.random() < 0.1,
                requires_driving_licence=rng.random() < 0.3,
                is_fictional=True,
            )
        )
    Opportunity.objects.bulk_create(offers, batch_size=1000)
    households = [
        Household(
            reference=f"BENCH-{i:05d}",
            origin=rng.choice(["Paris", "Lyon", "Nantes", "Lille", "Reims", "Strasbourg", "Bordeaux"]),
            channel=rng.choice(Channel.values),
            stage=rng.choice(Stage.values),
            commune_chosen=rng.choice(communes),
            arrival_date=datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(900)),
        )
        for i in range(n_dossiers - Household.objects.count())
    ]
    Household.objects.bulk_create(households, batch_size=1000)
    Household.objects.update(created_at=timezone.now() - datetime.timedelta(days=200))
    households = list(Household.objects.all())
    adults = Adult.objects.bulk_create(
        [
            Adult(household=h, first_name="Conjoint·e fictif·ve", is_spouse_seeking_job=True)
            for h in households[:400]
        ]
    )
    HouseholdNeed.objects.bulk_create(
        [
            HouseholdNeed(household=h, kind=Need.SPOUSE_JOB, state=NeedState.IN_PROGRESS)
            for h in households[:400]
        ]
    )
    Candidate.objects.bulk_create(
        [
            Candidate(
                adult=adult,
                wished_jobs=[job.code for job in rng.sample(all_jobs, 2)],
                home_commune=rng.choice(communes),
                commute_km=rng.choice([15, 25, 40]),
                is_fictional=True,
            )
            for adult in adults
        ]
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--offers", type=int, default=5000)
    parser.add_argument("--organisations", type=int, default=2000)
    parser.add_argument("--dossiers", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()

    import django
    from django.conf import settings

    django.setup()
    from django.db import connection

    name = settings.DATABASES["default"]["NAME"]
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = (
        f"{name}_bench_spouse"
        if connection.vendor == "postgresql"
        else str(ROOT / "var" / "bench_spouse.sqlite3")
    )
    settings.ALLOWED_HOSTS = ["*"]
    connection.creation.create_test_db(verbosity=0, keepdb=True)

    from django.test import Client

    from emploi_conjoint import suggestions
    from emploi_conjoint.models import Candidate, Opportunity
    from osez import roles
    from tests.factories import UserFactory

    started = time.perf_counter()
    build(args.offers, args.organisations, args.dossiers)
    if connection.vendor == "postgresql":
        # Bulk-inserted rows have no planner statistics yet (autovacuum would gather them within a minute
        # on a live database); without them PostgreSQL estimates 3 dossiers and picks a nested loop.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"data ready in {time.perf_counter() - started:.1f}s: {Opportunity.objects.count()} offers, "
          f"{Candidate.objects.count()} candidates, database {connection.vendor}")  # fmt: skip

    candidates = list(Candidate.objects.with_people().order_by("pk"))
    rng = random.Random(1)
    suggestions.for_candidate(candidates[0])  # warm-up: the job list is read once per process
    timings, found = [], []
    for _ in range(args.runs):
        candidate = rng.choice(candidates)
        t0 = time.perf_counter()
        result = suggestions.for_candidate(candidate)
        timings.append((time.perf_counter() - t0) * 1000)
        found.append(len(result))
    p95 = percentile(timings, 95)
    print(f"suggestions for one candidate over {args.offers} offers: p50 {statistics.median(timings):.0f} ms, "
          f"p95 {p95:.0f} ms (target ≤ 200 ms) — {'OK' if p95 <= 200 else 'OVER'}; "
          f"{statistics.median(found):.0f} suggestions (median)")  # fmt: skip

    roles.ensure_groups()
    lead = UserFactory(username="bench.lead", roles=[roles.TEAM_LEAD])
    client = Client()
    client.force_login(lead)
    for url, label in [
        ("/admin/accompagnement/chiffres/", "figures page (accompagnement)"),
        ("/admin/accompagnement/chiffres/?periode=12m", "figures page, 12 last months"),
        ("/admin/emploi/chiffres/", "figures page (emploi du conjoint)"),
    ]:
        client.get(url)  # warm-up
        page_timings = []
        for _ in range(max(5, args.runs // 3)):
            t0 = time.perf_counter()
            response = client.get(url)
            page_timings.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.status_code
        worst = percentile(page_timings, 95)
        print(f"{label} over {args.dossiers} dossiers: p50 {statistics.median(page_timings):.0f} ms, "
              f"p95 {worst:.0f} ms (target ≤ 500 ms) — {'OK' if worst <= 500 else 'OVER'}")  # fmt: skip


if __name__ == "__main__":
    main()
