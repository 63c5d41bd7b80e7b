"""``manage.py refresh_layers`` and the Celery tasks: summaries, exit codes, locks and retries."""

import io
from datetime import timedelta

import httpx
import pytest
import respx
import time_machine
from celery.exceptions import Retry
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone

from communes import tasks
from communes.models import ImportRecord, Proximity, Source
from communes.sources.errors import NetworkError
from osez.roles import ADVISOR
from tests.factories import UserFactory

from .conftest import snapshot

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("refresh_layers", *args, stdout=out)
    return out.getvalue()


def test_offline_refresh_prints_one_line_per_source_then_all_unchanged(raw):
    first = run("--offline")
    lines = [line for line in first.splitlines() if " : " in line and not line.startswith(" ")]
    assert [line.split(" : ")[0] for line in lines[:4]] == ["communes", "ecoles", "sport", "bpe"]
    assert "créés" in first and "proximités" in first
    assert Proximity.objects.exists()
    second = run("--offline")
    for line in second.splitlines()[:4]:
        assert " 0 créés, 0 mis à jour" in line, line


def test_a_failing_source_exits_non_zero_and_keeps_its_data(raw):
    run("--offline")
    before = snapshot()
    (raw / "sport" / "data-es-10.json").write_text('[{"equip_numero": ', encoding="utf-8")
    with pytest.raises(CommandError, match="sport"):
        run("--offline", "--source", "sport", "--source", "bpe")
    assert snapshot() == before


def test_bare_machine_with_no_cache_says_which_source_and_why(settings, db):
    settings.OSEZ_DEPARTEMENTS = ["10"]
    out = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("refresh_layers", "--offline", stdout=out)
    text = out.getvalue()
    for slug in ("communes", "ecoles", "sport", "bpe"):
        assert f"{slug} : ÉCHEC" in text
    assert "absent du cache" in text
    assert "communes" in str(excinfo.value)


def test_unknown_departement_is_refused(raw):
    with pytest.raises(CommandError, match="99"):
        run("--offline", "--departement", "99")


def test_task_skips_when_a_refresh_of_the_same_source_runs(raw):
    cache.add(tasks._lock_key("communes"), "someone-else", 60)
    try:
        result = tasks.refresh_source.delay("communes", offline=True).get()
    finally:
        cache.delete(tasks._lock_key("communes"))
    assert result["outcome"] == "skipped"
    assert not ImportRecord.objects.exists()


def test_task_records_its_outcome_and_frees_the_lock(raw, monkeypatch):
    from communes import proximity

    computed = []
    original = proximity.compute
    monkeypatch.setattr(proximity, "compute", lambda *a, **k: computed.append(1) or original(*a, **k))
    result = tasks.refresh_source.delay("communes", offline=True).get()
    assert result["outcome"] == "success"
    assert ImportRecord.objects.get(pk=result["record"]).created > 0
    assert cache.get(tasks._lock_key("communes")) is None
    # Something changed, so proximity was recomputed right after (no place yet: no row, "pas de données").
    assert computed and not Proximity.objects.exists()


@respx.mock
def test_task_schedules_a_retry_on_network_errors(raw, settings):
    settings.OSEZ_SOURCE_URLS = {**settings.OSEZ_SOURCE_URLS, "communes": "https://geo.test"}
    (raw / "communes" / "geo-api-communes-10.json").unlink()
    route = respx.get("https://geo.test/departements/10/communes").mock(return_value=httpx.Response(503))
    with pytest.raises(Retry) as excinfo:
        tasks.refresh_source.apply(args=["communes"]).get()
    assert isinstance(excinfo.value.exc, NetworkError) and "503" in str(excinfo.value.exc)
    assert route.call_count == 1
    assert ImportRecord.objects.get(source_id="communes").outcome == "failed"
    assert cache.get(tasks._lock_key("communes")) is None


def test_source_becomes_stale_after_its_rhythm_and_admin_shows_it(client, raw):
    run("--offline", "--source", "communes")
    source = Source.objects.get(slug="communes")
    assert not source.is_stale
    advisor = UserFactory(roles=[ADVISOR])
    client.force_login(advisor)
    assert "À jour" in client.get("/admin/communes/source/").content.decode()
    with time_machine.travel(timezone.now() + source.expected_every + timedelta(days=5)):
        assert Source.objects.get(slug="communes").is_stale
        client.force_login(advisor)  # the staff session itself expires over such a jump
        assert "PÉRIMÉE" in client.get("/admin/communes/source/").content.decode()
