"""Every run of a scheduled job leaves a record admins can read, failures included."""

import pytest

from osez.jobs import recorded
from osez.models import JobRun


@recorded("demo-job")
def job(fail=False):
    if fail:
        raise ValueError("source unreachable")
    return {"sent": 3}


@pytest.mark.django_db
def test_successful_run_is_recorded_with_counts():
    assert job() == {"sent": 3}
    run = JobRun.objects.get(name="demo-job")
    assert run.succeeded is True
    assert run.counts == {"sent": 3}
    assert run.finished_at >= run.started_at


@pytest.mark.django_db
def test_failed_run_is_recorded_with_the_reason():
    with pytest.raises(ValueError):
        job(fail=True)
    run = JobRun.objects.get(name="demo-job")
    assert run.succeeded is False
    assert "source unreachable" in run.message
