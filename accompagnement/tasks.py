"""Celery tasks of the back-office: thin wrappers around services (each is also a management command)."""

from celery import shared_task

from osez.jobs import recorded

REMINDERS_JOB = "accompagnement.send_reminders"


@shared_task(name=REMINDERS_JOB)
@recorded(REMINDERS_JOB)  # each run leaves a JobRun row: the team view shows the last one
def send_reminders():
    """Every morning: each advisor's due and overdue tasks, and long-overdue ones to the team leads."""
    from .services import send_reminders as run

    advisors, leads = run()
    return {"advisors": advisors, "team_leads": leads}
