"""Shared fixtures, and the rule that a test needing a real service fails instead of skipping in CI.

``.ci/run`` sets ``OSEZ_REQUIRE_SERVICES=1``: there, a test marked ``needs_postgres``, ``needs_redis``,
``needs_celery_worker``, ``browser`` or ``shared_data`` whose service is missing is an error, so a
green CI run means those tests really ran.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

REQUIRE_SERVICES = os.environ.get("OSEZ_REQUIRE_SERVICES") == "1"
SHARED_DATA = Path(settings.BASE_DIR).parent / "shared" / "data"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _missing(item):
    marks = {m.name for m in item.iter_markers()}
    reasons = []
    if "needs_postgres" in marks and connection.vendor != "postgresql":
        reasons.append("PostgreSQL (DATABASE_URL is not a postgres:// URL)")
    if ("needs_redis" in marks or "needs_celery_worker" in marks) and not settings.REDIS_URL:
        reasons.append("Redis (REDIS_URL is not set)")
    if "browser" in marks and not CHROMIUM:
        reasons.append("Chromium (install Debian's chromium package)")
    if "shared_data" in marks and not (SHARED_DATA / "raw").is_dir():
        reasons.append(f"the shared data folder {SHARED_DATA}")
    return reasons


def pytest_runtest_setup(item):
    reasons = _missing(item)
    if not reasons:
        return
    message = "needs " + ", ".join(reasons)
    if REQUIRE_SERVICES:
        pytest.fail(f"{message}: CI requires it (OSEZ_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def shared_data():
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in French, as a new request or a command does: the language a previous test's
    /en/ request activated in this thread must not leak into the next test's models or texts."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded and private files go to a per-test folder, never to the developer's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.OSEZ_RAW_DIR = tmp_path / "raw"


@pytest.fixture
def seeded_sheets(db):
    """The practical sheets the site starts with (fixtures/sheets/), as ``make run`` loads them."""
    from portail import seed

    created, _kept, _translated = seed.load_sheets()
    return created
