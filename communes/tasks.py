"""Celery tasks of the data pipeline: thin wrappers around communes.services (one task per source)."""

import logging
import uuid

from celery import shared_task
from django.core.cache import cache

from . import services
from .sources.errors import NetworkError

logger = logging.getLogger(__name__)

# Longer than the slowest refresh (the national BPE takes minutes): a crashed worker frees it anyway.
LOCK_SECONDS = 2 * 60 * 60


def _lock_key(slug):
    return f"communes:refresh-lock:{slug}"


@shared_task(
    name="communes.refresh_source",
    bind=True,
    autoretry_for=(NetworkError,),
    retry_backoff=60,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=4,
)
def refresh_source(self, source_slug, offline=False, force=False):
    """Refresh one source unless another refresh of it is running; returns the import outcome."""
    token = uuid.uuid4().hex
    # cache.add is atomic (SET NX on Redis): only one worker can take the lock of a source.
    if not cache.add(_lock_key(source_slug), token, LOCK_SECONDS):
        logger.warning("refresh of %s skipped: another refresh of it is running", source_slug)
        return {"source": source_slug, "outcome": "skipped"}
    try:
        outcome = services.refresh_source(
            source_slug, offline=offline, force=force, triggered_by=f"celery:{self.request.id or 'eager'}",
            raise_network=True,
        )  # fmt: skip
    finally:
        if cache.get(_lock_key(source_slug)) == token:
            cache.delete(_lock_key(source_slug))
    if outcome.ok and outcome.moves_proximity:
        compute_proximity.delay()
    return {"source": source_slug, "outcome": outcome.record.outcome, "record": outcome.record.pk}


@shared_task(name="communes.compute_proximity")
def compute_proximity():
    rows, duration = services.compute_proximity()
    return {"rows": rows, "seconds": round(duration, 1)}
