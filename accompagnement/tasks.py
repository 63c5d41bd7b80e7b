"""Celery tasks of the back-office: thin wrappers around services (each is also a management command)."""

from celery import shared_task


@shared_task(name="accompagnement.send_reminders")
def send_reminders():
    """Every morning: each advisor's due and overdue tasks, and long-overdue ones to the team leads."""
    from .services import send_reminders as run

    advisors, leads = run()
    return {"advisors": advisors, "team_leads": leads}
