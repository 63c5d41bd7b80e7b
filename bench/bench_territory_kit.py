#!/usr/bin/env python3
"""Time to build a territory kit's PDF: a 30 km commute around Troyes (issue 17, target ≤ 3 s).

    .venv/bin/python bench/bench_territory_kit.py [--database-url URL] [--runs 10] [--km 30]

Migrates the database named by --database-url (default: DATABASE_URL, else a SQLite file under
var/bench/), loads the embedded Aube from fixtures/ (``refresh_layers --offline``, fictional places and
figures in the sources' formats) when Troyes is missing, creates one fictional partner and kit, then
requests the kit's PDF --runs times in-process with Django's test client (middleware, the open-data
queries, the template, WeasyPrint; no network), DEBUG off. Prints the number of communes in the area,
the PDF's size, p50/p95/max of the wall time and the SQL queries per PDF; then deletes the
fictional kit and partner.
"""

import argparse
import os
import subprocess
import time
from pathlib import Path

from harness import database_or_sqlite, migrate_then_setup, percentile

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv" / "bin" / "python"
PARTNER = "Employeur du banc d'essai (fictif)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--km", type=int, default=30)
    args = parser.parse_args()
    env = dict(os.environ)
    args.database_url = database_or_sqlite(args.database_url, "kit")
    env.update(DATABASE_URL=args.database_url, DJANGO_SETTINGS_MODULE="osez.settings.dev", DEBUG="False")
    env.pop("REDIS_URL", None)
    migrate_then_setup(env)
    from communes.models import Commune

    if not Commune.objects.filter(code_insee="10387").exists():
        print("Loading the embedded Aube (refresh_layers --offline, fixtures/)…", flush=True)
        subprocess.run(
            [str(PY), "manage.py", "refresh_layers", "--offline"],
            cwd=ROOT,
            env={**env, "OSEZ_FIXTURES_FALLBACK": "true"},
            check=True,
        )

    import logging

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from employeurs import kit as content
    from employeurs.models import TerritoryKit
    from partenaires.models import Organisation

    settings.ALLOWED_HOSTS = ["*"]
    logging.disable(logging.WARNING)  # WeasyPrint's notes on the stylesheet's screen-only rules
    Organisation.objects.filter(name=PARTNER).delete()
    partner = Organisation.objects.create(name=PARTNER, kind="institution")
    troyes = Commune.objects.get(code_insee="10387")
    kit = TerritoryKit.objects.create(
        organisation=partner, job_title="Infirmier·ère (banc d'essai)", workplace=troyes, commute_km=args.km
    )
    try:
        area = content.describe(kit)
        client = Client()
        url = f"/employeur/kit/{kit.token}/pdf/"
        first = client.get(url)  # warm-up: fonts and WeasyPrint's first load
        assert first.status_code == 200, first.status_code
        times, queries = [], 0
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200
            queries = len(captured)
        print(f"Territory kit PDF, {args.km} km around Troyes (10387), {connection.vendor}:")
        print(f"  communes in the area: {len(area.communes)}; PDF {len(first.content) / 1024:.0f} kB")
        print(
            f"  {args.runs} runs: p50 {percentile(times, 50):.2f} s, p95 {percentile(times, 95):.2f} s, "
            f"max {max(times):.2f} s; {queries} SQL queries per PDF (target: ≤ 3 s)"
        )
    finally:
        kit.delete()
        partner.delete()


if __name__ == "__main__":
    main()
