"""The Celery app and its beat schedule: the one place that says what runs when (Europe/Paris)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osez.settings.dev")

app = Celery("osez")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.timezone = "Europe/Paris"
app.conf.beat_schedule = {
    # One task per source so that one failing source does not stop the others.
    "refresh-communes": {"task": "communes.refresh_source", "schedule": crontab(hour=2, minute=0),
                         "args": ("communes",)},
    "refresh-ecoles": {"task": "communes.refresh_source", "schedule": crontab(hour=2, minute=20),
                       "args": ("ecoles",)},
    "refresh-sport": {"task": "communes.refresh_source", "schedule": crontab(hour=2, minute=40),
                      "args": ("sport",)},
    "refresh-bpe": {"task": "communes.refresh_source", "schedule": crontab(hour=3, minute=0, day_of_week="sun"),
                    "args": ("bpe",)},
    # Commune indicators: nightly like the others (a file that did not change costs a 304).
    **{f"refresh-{slug}": {"task": "communes.refresh_source", "args": (slug,),
                           "schedule": crontab(hour=3, minute=15 + 5 * i)}
       for i, slug in enumerate(("caf", "arcep", "dvf", "carte-scolaire", "apl"))},
    "proximity": {"task": "communes.compute_proximity", "schedule": crontab(hour=4, minute=30)},
    "advisor-reminders": {"task": "accompagnement.send_reminders", "schedule": crontab(hour=7, minute=30)},
    "hr-reminders": {"task": "emploi_conjoint.send_reminders", "schedule": crontab(hour=7, minute=35)},
    "settling-surveys": {"task": "espace_famille.run_settling_surveys", "schedule": crontab(hour=9, minute=0)},
    "retention": {"task": "osez.apply_retention", "schedule": crontab(hour=1, minute=15)},
}  # fmt: skip
