"""Celery tasks of the pipeline: thin wrappers around services (names fixed in osez/celery.py)."""

from celery import shared_task


@shared_task(name="emploi_conjoint.send_reminders")
def send_reminders():
    """Morning e-mail to each HR specialist with their due follow-ups; returns how many were sent."""
    from .services import send_reminders as send

    return send()
