"""A wrong DATABASE_URL or REDIS_URL stops start-up with one line naming the variable."""

import os
import subprocess
import sys

import pytest
from django.conf import settings


def _check(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    environment.update(env, DJANGO_SETTINGS_MODULE="osez.settings.dev")
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysqlx://nowhere"),
        ("DATABASE_URL", "postgres://user@localhost:notaport/db"),
        ("DATABASE_URL", "postgres://user@localhost:5432"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("REDIS_URL", "redis://:abc"),
        ("OSEZ_DEPARTEMENTS", "10,99"),
        ("OSEZ_MAX_REJECTED", "cinq pour cent"),
        ("OSEZ_MAX_REJECTED", "5"),
        ("OSEZ_MAX_REJECTED_PER_SOURCE", "bpe=abc"),
    ],
)
def test_bad_url_stops_startup_with_one_line(variable, value):
    result = _check(**{variable: value})
    assert result.returncode != 0
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "expected" in lines[0]
    assert "Traceback" not in result.stderr


def test_unknown_departement_code_is_named():
    result = _check(OSEZ_DEPARTEMENTS="10,99")
    assert "no département has the code 99" in result.stderr


def test_good_configuration_starts():
    result = _check(DATABASE_URL="sqlite:///var/check.sqlite3")
    assert result.returncode == 0, result.stderr


def test_prod_settings_refuse_missing_secret_key():
    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    environment.update(DJANGO_SETTINGS_MODULE="osez.settings.prod", ALLOWED_HOSTS="osez.example.org")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_prod_settings_pass_deploy_checks():
    environment = dict(os.environ)
    environment.update(
        DJANGO_SETTINGS_MODULE="osez.settings.prod",
        SECRET_KEY="a-real-production-secret-key-that-is-long-and-random-0123456789",
        ALLOWED_HOSTS="osez.example.org",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
