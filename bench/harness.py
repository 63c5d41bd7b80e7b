"""What the in-process bench scripts share: Django on the bench's own database, timing a page, percentiles.

Imported as ``from harness import …``: a script run as ``python bench/<name>.py`` has ``bench/`` first on
its path.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(values, q):
    """The ``q``-th percentile (0–100) of ``values``, nearest rank."""
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def setup_django(database_url):
    """Django with the development settings on ``database_url``, migrated."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osez.settings.dev")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def timed(client, url, requests):
    """p50, p95 and max in milliseconds of ``requests`` GETs of ``url`` after three to warm up."""
    for _ in range(3):
        client.get(url)
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return {"p50": statistics.median(samples), "p95": percentile(samples, 95), "max": max(samples)}


def staff_bench_setup(description):
    """The command line of a staff-page bench (``--database-url``, required: never the default database;
    ``--requests``), then Django on that database; returns the parsed arguments."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--database-url", required=True, help="a database for the bench (not the default one)"
    )
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    setup_django(args.database_url)
    return args


def print_timings(client, pages, requests, targets_ms, width):
    """Times each of ``pages`` (name → URL) and prints p50, p95, max and the page's target (``ok`` or
    ``OVER`` as p95 meets it), one line a page, the names in a column of ``width``."""
    print(f"{'page':<{width}} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'target':>8}")
    for name, url in pages.items():
        figures = timed(client, url, requests)
        verdict = "ok" if figures["p95"] <= targets_ms[name] else "OVER"
        print(
            f"{name:<{width}} {figures['p50']:8.1f} {figures['p95']:8.1f} {figures['max']:8.1f}"
            f" {targets_ms[name]:>6} {verdict}"
        )


def database_or_sqlite(database_url, name):
    """``database_url``, or when empty a SQLite file ``var/bench/<name>.sqlite3`` (its folder created)."""
    if database_url:
        return database_url
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{ROOT / 'var' / 'bench' / f'{name}.sqlite3'}"


def migrate_then_setup(env):
    """Migrate the database ``env`` names with ``manage.py`` in a child process (its settings, its
    environment), then Django in this process with the same environment."""
    import subprocess

    python = ROOT / ".venv" / "bin" / "python"
    subprocess.run([str(python), "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
