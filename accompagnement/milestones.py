"""The first year after arrival: follow-up milestones (2 weeks, 1, 3, 6, 12 months) created as tasks."""

import datetime

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .enums import TaskKind
from .models import Task


def milestone_label(days):
    if days < 28 and days % 7 == 0:
        weeks = days // 7
        return ngettext("Point à %(n)d semaine", "Point à %(n)d semaines", weeks) % {"n": weeks}
    months = max(1, round(days / 30.44))
    if months >= 12 and months % 12 == 0:
        years = months // 12
        return ngettext("Point à %(n)d an", "Point à %(n)d ans", years) % {"n": years}
    return _("Point à %(n)d mois") % {"n": months}


def create_milestones(household, *, owner=None):
    """The first-year follow-up tasks, from the arrival date (setting OSEZ_FOLLOWUP_MILESTONES_DAYS)."""
    household.refresh_from_db()
    created = []
    for days in sorted(set(settings.OSEZ_FOLLOWUP_MILESTONES_DAYS)):
        task, made = Task.objects.get_or_create(
            household=household,
            kind=TaskKind.MILESTONE,
            milestone_days=days,
            defaults={
                "title": milestone_label(days),
                "due_date": household.arrival_date + datetime.timedelta(days=days),
                "owner": owner,
            },
        )
        if made:
            created.append(task)
    return created
