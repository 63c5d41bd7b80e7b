"""Celery: a task sent over Redis is run by a real worker and its effect lands in the database."""

import uuid

import pytest
from celery.contrib.testing.worker import start_worker

from osez.celery import app
from osez.celery import app as celery_app
from osez.models import Heartbeat
from osez.tasks import heartbeat


@pytest.mark.needs_celery_worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_task_over_redis(settings):
    queue = (
        f"test-{uuid.uuid4().hex}"  # a queue of its own: parallel test runs never steal each other's tasks
    )
    previous = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = settings.REDIS_URL
    try:
        with start_worker(app, pool="solo", queues=[queue], perform_ping_check=False, shutdown_timeout=10):
            result = heartbeat.apply_async(args=["worker-test"], queue=queue)
            pk = result.get(timeout=30)
    finally:
        app.conf.task_always_eager, app.conf.broker_url = previous
    beat = Heartbeat.objects.get(pk=pk)
    assert beat.label == "worker-test"


def test_tasks_run_in_process_without_redis(settings, db):
    if settings.REDIS_URL:
        # With Redis configured the test settings still force eager mode; check that path too.
        assert celery_app.conf.task_always_eager
    assert heartbeat.delay("eager").get() > 0
    assert Heartbeat.objects.filter(label="eager").exists()


def test_every_scheduled_task_is_registered():
    celery_app.loader.import_default_modules()
    missing = {
        name: entry["task"]
        for name, entry in celery_app.conf.beat_schedule.items()
        if entry["task"] not in celery_app.tasks
    }
    assert not missing, f"beat entries naming unknown tasks: {missing}"
    assert str(celery_app.conf.timezone) == "Europe/Paris"
