"""Nothing kept longer than necessary: the nightly retention run (task ``osez.apply_retention``, command
``apply_retention``), each delay a setting.

The rules are declared by the apps that own the data, each from its ``AppConfig.ready()`` with
``register()``: closed dossiers and requests without follow-up (accompagnement/retention.py), CVs of
inactive job searches (emploi_conjoint/retention.py), lines of the access log (osez/apps.py). A rule
says which setting holds its delay in months, finds what is past that delay, and removes one item,
returning the counts it adds to the run's report.

Every real run leaves an ``osez.JobRun`` row with its counts (admins read it in the back-office) and a log
line; a dry run only counts and logs. Deletions and erasures also leave an ``osez.AccessLog`` line each.
"""

import calendar
import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .jobs import recorded

log = logging.getLogger(__name__)
TASK_NAME = "osez.apply_retention"


@dataclass(frozen=True)
class Rule:
    """One retention rule: ``due(cutoff)`` yields what is past its delay, ``remove(item)`` returns counts.

    ``counts`` names every count the rule may report, with the words that report it (so that a run
    shows 0 rather than nothing); ``order`` runs the rules in a fixed order (anonymising a dossier
    before counting its CVs alone).
    """

    name: str
    months_setting: str
    due: Callable[[datetime.date], Iterable]
    remove: Callable[[object], dict]
    counts: dict[str, str]
    order: int


_rules: dict[str, Rule] = {}


def register(rule):
    _rules[rule.name] = rule


def rules():
    return sorted(_rules.values(), key=lambda rule: rule.order)


def months_ago(months, today=None):
    """The same day ``months`` calendar months before ``today`` (the 31st becomes the month's last day)."""
    today = today or timezone.localdate()
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    return datetime.date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def cutoff(rule, today=None):
    return months_ago(getattr(settings, rule.months_setting), today)


def _as_date(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value


def latest(*values):
    """The latest of these dates and datetimes (as dates, in local time), ignoring the missing ones."""
    dates = [_as_date(v) for v in values if v is not None]
    return max(dates) if dates else None


def describe(counts):
    """The counts of a run in words, rule by rule: "2 CV supprimé(s), 0 demande(s) …"."""
    labels = {}
    for rule in rules():
        for name, label in rule.counts.items():
            labels.setdefault(name, label)
    return ", ".join(f"{counts.get(name, 0)} {label}" for name, label in labels.items())


def _apply(today):
    counts = {}
    for rule in rules():
        for name in rule.counts:
            counts.setdefault(name, 0)
        for item in list(rule.due(cutoff(rule, today))):
            for name, value in rule.remove(item).items():
                counts[name] = counts.get(name, 0) + value
    return counts


def apply_retention(*, dry_run=False, today=None):
    """Apply every retention rule; returns the counts (what was, or in a dry run would be, removed).

    A dry run does the real work inside a transaction that is rolled back: its counts are exactly those
    of a real run, and since files are deleted only after a commit, no file is touched.
    """
    with transaction.atomic():
        counts = _apply(today)
        if dry_run:
            transaction.set_rollback(True)
    counts["dry_run"] = dry_run
    log.info("retention run", extra={"counts": counts})
    return counts


@recorded(TASK_NAME)
def apply_retention_recorded(*, today=None):
    """The real run, recorded as an ``osez.JobRun`` with its counts."""
    return apply_retention(dry_run=False, today=today)


# --- The project's own rule: the access log ----------------------------------------------------------


def _access_log_due(cutoff_date):
    from .models import AccessLog

    # One item for the whole batch: a queryset delete, not a row at a time.
    return [AccessLog.objects.filter(at__date__lt=cutoff_date)]


def _delete_access_log(queryset):
    deleted, _by_model = queryset.delete()
    return {"access_log_deleted": deleted}


ACCESS_LOG = Rule(
    name="access_log",
    months_setting="OSEZ_RETENTION_ACCESS_LOG_MONTHS",
    due=_access_log_due,
    remove=_delete_access_log,
    counts={"access_log_deleted": _("ligne(s) du journal des accès supprimée(s)")},
    order=100,
)
