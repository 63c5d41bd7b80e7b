#!/usr/bin/env python3
"""Server time of the public commune pages and of the household finder, on the Aube data.

    .venv/bin/python bench/bench_public.py [--database-url URL] [--requests 600] [--reload]

1. Migrates the database named by --database-url (default: DATABASE_URL, else a SQLite file under
   var/bench/) and, when it holds no commune (or with --reload), loads the Aube with
   ``manage.py refresh_layers --offline`` from OSEZ_RAW_DIR (default ../shared/data/raw).
2. Commune pages, in-process with Django's test client (middleware, views, templates; no network),
   DEBUG off: every commune once with an empty page cache (the real work: the page's fixed queries
   and its rendering), then --requests pages drawn at random from the cached ones. Prints p50/p95/max
   of the wall time and of the CPU time spent in Django (the part that does not depend on how busy
   the database server is), and the SQL queries per page: at most four whatever the commune's places
   (three when it has none: no annotation to prefetch). Wall times depend on the machine's load:
   the script prints the load average beside them.
3. The finder over every commune of the configured départements: the whole /trouver/ request and
   the ranking alone, for several households; then the ranking over a France-sized index (the
   34,875 real commune centres of ../shared/data/national, proximities drawn at random: only the
   computation's time is meaningful there).
4. Issue 13: the commune matcher (typos, postcodes) over the 34,875 communes of France, and the
   /communes/suggestions request over the loaded territory.
Targets (issues 4 and 13): commune page p95 < 100 ms; finder < 300 ms (every criterion, over France);
search and suggestions < 50 ms.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from harness import database_or_sqlite, percentile

ROOT = Path(__file__).resolve().parent.parent
PY = ROOT / ".venv" / "bin" / "python"
DEFAULT_RAW = ROOT.parent / "shared" / "data" / "raw"
NATIONAL = ROOT.parent / "shared" / "data" / "national" / "communes"

HOUSEHOLDS = [
    {"work_1": "Troyes", "km_1": "30", "ages": "4, 9", "gp_km": "10"},
    {"work_1": "Romilly-sur-Seine", "km_1": "25", "work_2": "Troyes", "km_2": "40", "ages": "1, 12, 16"},
    {"ages": "3", "pharmacy_km": "5", "sport": "sport-natation", "size": "village"},
    {"work_1": "10033", "km_1": "20", "gp_km": "5", "sport": "sport-football", "size": "bourg"},
]


def line(label, millis):
    print(
        f"  {label:<44} n={len(millis):<5} p50={percentile(millis, 50):7.1f} ms  "
        f"p95={percentile(millis, 95):7.1f} ms  max={max(millis):7.1f} ms"
    )


def prepare(args, env):
    run = lambda *cmd: subprocess.run([str(PY), "manage.py", *cmd], cwd=ROOT, env=env, check=True)  # noqa: E731
    run("migrate", "--noinput", "-v0")
    check = subprocess.run(
        [str(PY), "manage.py", "shell", "-c", "from communes.models import Commune; print(Commune.objects.count())"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    if args.reload or int((check.stdout.split() or ["0"])[-1]) == 0:
        print(f"Loading the Aube from {env['OSEZ_RAW_DIR']} …")
        run("refresh_layers", "--offline")


def bench_commune_pages(client, args):
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from communes.models import Commune, Place
    from portail.services import reference_data

    communes = list(Commune.objects.active().order_by("code_insee"))
    places = dict(Place.objects.active().values_list("commune_id").annotate(n=Count("id")))
    cache.clear()
    reference_data()  # layers, sources, prefectures: loaded once per data change, not per page
    uncached, cpu, queries = [], [], set()
    for commune in communes:
        url = commune.get_absolute_url()
        with CaptureQueriesContext(connection) as ctx:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            uncached.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.add(len(ctx.captured_queries))
    most = max(communes, key=lambda c: places.get(c.pk, 0))
    print(f"Commune pages ({len(communes)} communes, {min(places.values(), default=0)} to "
          f"{places.get(most.pk, 0)} places each — {most.name} has the most):")  # fmt: skip
    line("first view of each commune (cache empty)", uncached)
    line("  of which CPU time in Django (no DB server)", cpu)
    print(f"  SQL queries per page: {sorted(queries)}")
    cached = []
    for _ in range(args.requests):
        url = random.choice(communes).get_absolute_url()
        started = time.perf_counter()
        response = client.get(url)
        cached.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    line("repeat views (shared page cache)", cached)
    return uncached


def bench_finder(client, args):
    from django.conf import settings

    from portail import finder
    from portail.forms import FinderForm

    finder.reset_index()
    started = time.perf_counter()
    index = finder.get_index()
    build = (time.perf_counter() - started) * 1000
    print(f"Finder over the {len(index)} communes of département(s) {', '.join(settings.OSEZ_DEPARTEMENTS)}:")
    print(f"  index built from the database once per data change: {build:.0f} ms")
    requests_ms, ranking_ms = [], []
    for _ in range(max(1, args.requests // 20)):
        for params in HOUSEHOLDS:
            started = time.perf_counter()
            response = client.get("/trouver/", params)
            requests_ms.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (params, response.status_code)
            from urllib.parse import urlencode

            from django.http import QueryDict

            form = FinderForm(
                QueryDict(urlencode(params, doseq=True)), sport_layers=[(s, s) for s in finder.SPORT_LAYERS]
            )
            assert form.is_valid(), form.errors
            criteria = form.criteria()
            started = time.perf_counter()
            finder.search(index, criteria)
            ranking_ms.append((time.perf_counter() - started) * 1000)
    line("whole /trouver/ request", requests_ms)
    line("ranking alone", ranking_ms)
    return requests_ms


def bench_national_finder(args):
    import numpy as np

    from portail import finder

    files = sorted(NATIONAL.glob("geo-api-communes-*.json"))
    if not files:
        print(f"(no {NATIONAL}: national finder skipped)")
        return None
    rows = [c for f in files for c in json.loads(f.read_text()) if c.get("centre")]
    n = len(rows)
    rng = np.random.default_rng(10)
    index = finder.FinderIndex(
        codes=[c["code"] for c in rows], names=[c["nom"] for c in rows], slugs=[c["code"] for c in rows],
        lat=np.array([c["centre"]["coordinates"][1] for c in rows]),
        lon=np.array([c["centre"]["coordinates"][0] for c in rows]),
        population=np.array([c.get("population") or np.nan for c in rows], dtype=float),
    )  # fmt: skip
    layers = ["ecoles-maternelles", "ecoles-elementaires", "colleges", "lycees", "creches", "assistantes-maternelles",
              "maisons-assistantes-maternelles", "medecins-generalistes", "pharmacies", *finder.SPORT_LAYERS]  # fmt: skip
    for slug in layers:
        index.in_commune[slug] = rng.poisson(0.6, n).astype(np.int32)
        index.nearest_km[slug] = rng.gamma(2.0, 3.0, n)
    troyes = finder.Workplace("Troyes", "10387", 48.2973, 4.0744, 30)
    lyon = finder.Workplace("Lyon", "69123", 45.7578, 4.8320, 40)
    for slug in ("dentistes", "veterinaires"):
        index.in_commune[slug] = rng.poisson(0.3, n).astype(np.int32)
        index.nearest_km[slug] = rng.gamma(2.0, 4.0, n)
    for slug in finder.FIGURE_INDICATORS:
        index.figures[slug] = rng.uniform(0, 3000, n)
        index.figure_states[slug] = np.full(n, finder.HAS_VALUE, dtype=np.int8)
        index.figure_levels[slug] = np.zeros(n, dtype=np.int8)
    every_figure = [criteria[0] for _legend, criteria in finder.FIGURE_FIELDS.values()]
    households = [
        finder.Criteria(workplaces=[troyes], child_ages=[4, 9], gp_km=10),
        finder.Criteria(
            workplaces=[troyes, lyon], child_ages=[1, 12, 16], pharmacy_km=5, sport="sport-tennis"
        ),
        finder.Criteria(child_ages=[3], size="village", sport="sport-natation"),
        # Every criterion the form offers at once (issue 13): two workplaces, five ages, every distance,
        # crèche/collège/lycée, every sport, a size and every figure.
        finder.Criteria(
            workplaces=[troyes, lyon], child_ages=[1, 4, 9, 12, 16], gp_km=10, pharmacy_km=5, dentist_km=10,
            vet_km=20, sports=list(finder.SPORT_LAYERS), extra=["creche", "college", "lycee"], size="bourg",
            figures=every_figure,
        ),
    ]  # fmt: skip
    timings = []
    for _ in range(max(1, args.requests // 10)):
        for criteria in households:
            started = time.perf_counter()
            ranking = finder.rank(index, criteria)
            ranking[:20]  # the first page of results, explained, as the view renders it
            timings.append((time.perf_counter() - started) * 1000)
    print(
        f"Finder ranking over France ({n} real commune centres, {len(layers)} layers of random proximities):"
    )
    line("ranking alone", timings)
    return timings


TYPO_QUERIES = ["tryes", "romily", "bar sur aube", "troyes", "st savine", "chapelle st luc", "marseil",
                "bordeau", "10300", "100", "saint", "montpelier", "aix", "la roche sur yon", "trois rivieres"]  # fmt: skip


def bench_national_search(args):
    """The commune matcher (communes.search) over the 34,875 communes of France, typos included.

    The national communes are read from ../shared/data/national into the matcher's in-memory index (what
    ``get_index()`` holds in each process once a national base is loaded); each query runs the whole
    matcher and builds the suggestions' JSON, as ``/communes/suggestions`` does.
    """
    from communes import search

    files = sorted(NATIONAL.glob("geo-api-communes-*.json"))
    if not files:
        print(f"(no {NATIONAL}: national search skipped)")
        return None
    rows = [c for f in files for c in json.loads(f.read_text())]
    entries = [search.Entry(c["code"], c["nom"], c["code"], tuple(c.get("codesPostaux") or ()),
                            c.get("codeDepartement", ""), c.get("population") or 0) for c in rows]  # fmt: skip
    index = search.Index.build(entries, territory={"10"})
    original = search.get_index
    search.get_index = lambda: index
    try:
        timings, understood = [], []
        for _ in range(max(1, args.requests // 20)):
            for query in TYPO_QUERIES:
                started = time.perf_counter()
                matches = search.search(query, limit=8)
                json.dumps({"query": query, "results": [
                    {"code": m.code, "name": m.name, "postcodes": list(m.entry.postcodes),
                     "label": search.label(m.entry)} for m in matches]})  # fmt: skip
                timings.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                search.understand(query)
                understood.append((time.perf_counter() - started) * 1000)
        first = {q: search.search(q, limit=1)[0].name for q in ("tryes", "romily", "bar sur aube")}
    finally:
        search.get_index = original
    print(f"Commune search and suggestions over France ({len(entries)} communes, {len(TYPO_QUERIES)} queries "
          f"with typos, postcodes and prefixes; first answers {first}):")  # fmt: skip
    line("search + suggestions JSON (the suggestions view)", timings)
    line("understand() (a workplace or a compared commune)", understood)
    return timings + understood


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()

    env = dict(os.environ)
    args.database_url = database_or_sqlite(args.database_url, "public")
    env.update(
        DATABASE_URL=args.database_url, DJANGO_SETTINGS_MODULE="osez.settings.dev", DEBUG="False",
        OSEZ_RAW_DIR=env.get("OSEZ_RAW_DIR", str(DEFAULT_RAW)), OSEZ_REQUEST_LOG_LEVEL="WARNING",
        LOG_LEVEL="WARNING",
        # One test client asks for hundreds of pages a minute from one address: the per-address limit of
        # public pages (issue 19) would answer 429; this measures the pages, not the limit.
        OSEZ_PUBLIC_PAGE_RATE="off",
    )  # fmt: skip
    prepare(args, env)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    print(
        f"Database: {connection.vendor}; cache: {'Redis' if os.environ.get('REDIS_URL') else 'local memory'}"
    )
    random.seed(10)
    pages = bench_commune_pages(client, args)
    search = bench_finder(client, args)
    national = bench_national_finder(args)
    typos = bench_national_search(args)
    suggest_ms = []
    for _ in range(max(1, args.requests // 20)):
        for query in TYPO_QUERIES:
            started = time.perf_counter()
            response = client.get("/communes/suggestions", {"q": query, "n": random.random()})
            suggest_ms.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    print("Suggestions over the loaded territory (whole request, page cache bypassed):")
    line("/communes/suggestions", suggest_ms)
    ok = percentile(pages, 95) < 100 and percentile(search, 95) < 300
    ok = ok and (national is None or percentile(national, 95) < 300)
    ok = ok and (typos is None or percentile(typos, 95) < 50) and percentile(suggest_ms, 95) < 50
    print(f"Load average at the end: {os.getloadavg()[0]:.1f}")
    print("Targets (commune page p95 < 100 ms, finder < 300 ms, search and suggestions < 50 ms):",
          "met" if ok else "NOT met")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
