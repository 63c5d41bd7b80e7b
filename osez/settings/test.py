"""Tests: same stack as configured (PostgreSQL/Redis when their URLs are set), fast hashing, no real mail."""

import os

from .base import *  # noqa: F403
from .base import CACHES, REDIS_URL

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process in tests; the Celery worker test switches this off for itself.
CELERY_TASK_ALWAYS_EAGER = True
AXES_ENABLED = False
# Each xdist worker gets its own cache key space so parallel tests never read each other's entries.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
if REDIS_URL:
    CACHES["default"]["KEY_PREFIX"] = f"osez-test-{_worker}"
    CACHES["default"]["OPTIONS"]["IGNORE_EXCEPTIONS"] = False
else:
    CACHES["default"]["LOCATION"] = f"osez-test-{_worker}"
# Throttles would make the suite depend on its own speed; dedicated tests switch them on.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute"}}  # noqa: F405
OSEZ_PUBLIC_PAGE_RATE = "off"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests decide for themselves when the embedded Aube of fixtures/ may stand in for a missing source.
OSEZ_FIXTURES_FALLBACK = False
# PostgreSQL with a flush between transactional tests that deletes rows instead of truncating every
# table (2.5 s a test): see tests/postgresql/base.py.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["ENGINE"] = "tests.postgresql"  # noqa: F405
