"""Recording runs of scheduled jobs: wrap a job's body and its outcome lands in ``osez.JobRun``."""

import functools
import logging

from django.utils import timezone

log = logging.getLogger(__name__)


def recorded(name):
    """Decorate a job function returning a dict of counts; each call leaves a JobRun row, even on failure."""

    def decorator(func):
        @functools.wraps(func)
        def wrapped(*args, **kwargs):
            from .models import JobRun

            run = JobRun.objects.create(name=name, started_at=timezone.now())
            try:
                result = func(*args, **kwargs)
            except Exception as exc:
                run.finished_at, run.succeeded = timezone.now(), False
                run.message = f"{type(exc).__name__}: {exc}"[:2000]
                run.save(update_fields=["finished_at", "succeeded", "message"])
                log.exception("job failed", extra={"job": name})
                raise
            run.finished_at, run.succeeded = timezone.now(), True
            run.counts = result if isinstance(result, dict) else {"result": result}
            run.save(update_fields=["finished_at", "succeeded", "counts"])
            return result

        return wrapped

    return decorator
