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
