"""bin/backup writes a restorable dump and the files; bin/restore-drill proves it and catches a mismatch."""

import os
import subprocess
import tarfile

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from osez.models import Heartbeat

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db(transaction=True)]


def _database_url():
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _run(script, *args, env):
    return subprocess.run(
        [str(settings.BASE_DIR / "bin" / script), *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def backup_env(tmp_path):
    private = tmp_path / "private" / "cv"
    private.mkdir(parents=True)
    (private / "cv-fictif.pdf").write_bytes(b"%PDF-1.4 fictif")
    media = tmp_path / "media"
    media.mkdir()
    return {
        "DATABASE_URL": _database_url(),
        "OSEZ_BACKUP_DIR": str(tmp_path / "backups"),
        "OSEZ_MEDIA_ROOT": str(media),
        "OSEZ_PRIVATE_ROOT": str(tmp_path / "private"),
    }


def _scratch_databases():
    """The drill's scratch databases for this test's database (named after it): another run sharing the
    server (a developer's, another worker's) may be in the middle of its own drill."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            [connection.settings_dict["NAME"].replace("_", r"\_") + r"\_restore\_drill\_%"],
        )
        return [row[0] for row in cursor.fetchall()]


def test_backup_is_restored_with_every_table_and_the_private_files(backup_env, tmp_path):
    Heartbeat.objects.create(label="avant sauvegarde", ran_at=timezone.now())
    backup = _run("backup", env=backup_env)
    assert backup.returncode == 0, backup.stderr
    backups = tmp_path / "backups"
    dump = next(backups.glob("osez-*.dump"))
    archive = next(backups.glob("osez-*-files.tar.gz"))
    assert next(backups.glob("osez-*.sha256")).read_text().count("osez-") == 2
    with tarfile.open(archive) as tar:
        assert "private/cv/cv-fictif.pdf" in tar.getnames()

    drill = _run("restore-drill", str(dump), env=backup_env)
    assert drill.returncode == 0, drill.stdout + drill.stderr
    assert "OK" in drill.stdout
    assert _scratch_databases() == []


def test_drill_fails_when_the_restored_counts_differ(backup_env, tmp_path):
    assert _run("backup", env=backup_env).returncode == 0
    dump = next((tmp_path / "backups").glob("osez-*.dump"))
    Heartbeat.objects.create(label="écrit après la sauvegarde", ran_at=timezone.now())

    drill = _run("restore-drill", str(dump), env=backup_env)
    assert drill.returncode == 1
    assert "osez_heartbeat" in drill.stdout
    assert "FAILED" in drill.stderr
    assert _scratch_databases() == [], "the scratch database is dropped even on failure"


def test_backup_refuses_a_non_postgres_database(backup_env):
    result = _run("backup", env={**backup_env, "DATABASE_URL": "sqlite:///db.sqlite3"})
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr
