"""Project-level Celery tasks: a heartbeat operators (and the worker test) use to see Celery works end to end."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="osez.heartbeat")
def heartbeat(label):
    """Record that a worker ran a task, in the database, where operators look."""
    from .models import Heartbeat

    return Heartbeat.objects.create(label=label, ran_at=timezone.now()).pk


@shared_task(name="osez.apply_retention")
def apply_retention():
    """Nightly: anonymise or delete what is past its retention delay (see osez.retention)."""
    from .retention import apply_retention_recorded

    return apply_retention_recorded()
