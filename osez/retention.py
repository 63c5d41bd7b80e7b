"""Nothing kept longer than necessary: the nightly retention run (task ``osez.apply_retention``, command
``apply_retention``), each delay a setting.

- closed dossiers whose last contact is older than ``OSEZ_RETENTION_CLOSED_MONTHS`` are anonymised
  (osez.rights.anonymise_household: figures kept, people removed);
- CVs (the files and their rows) of candidates whose last contact is older than
  ``OSEZ_RETENTION_CV_MONTHS`` are deleted, whatever the dossier's stage;
- requests for support that never went further — the dossier opened from them is still at "nouvelle
  demande" with no exchange recorded — are deleted with that dossier after
  ``OSEZ_RETENTION_REQUEST_MONTHS``; a request with no dossier at all goes after the same delay;
- lines of the access log older than ``OSEZ_RETENTION_ACCESS_LOG_MONTHS`` are deleted.

Every real run leaves an ``osez.JobRun`` row with its counts (admins read it in the back-office) and a log
line; a dry run only counts and logs. Deletions and erasures also leave an ``osez.AccessLog`` line each.
"""

import datetime
import logging

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from . import rights
from .jobs import recorded

log = logging.getLogger(__name__)
TASK_NAME = "osez.apply_retention"


def months_ago(months, today=None):
    """The same day ``months`` calendar months before ``today`` (the 31st becomes the month's last day)."""
    today = today or timezone.localdate()
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in range(today.day, 27, -1):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    return datetime.date(year, month, min(today.day, 28))


def _as_date(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value


def _latest(*values):
    dates = [_as_date(v) for v in values if v is not None]
    return max(dates) if dates else None


def household_last_contact(household):
    """The last time the service dealt with the family: closing, last stage change or last exchange."""
    last_exchange = household.interactions.aggregate(last=Max("happened_on"))["last"]
    return _latest(household.closed_on, household.stage_changed_at, last_exchange)


def candidate_last_contact(candidate):
    """The last time the spouse's job search moved (an edit, a stage, a CV, an introduction, a consent)
    or the service dealt with their household: a family that calls again keeps its CVs."""
    return _latest(
        household_last_contact(candidate.adult.household),
        candidate.updated_at,
        candidate.stage_since,
        candidate.cv_versions.aggregate(last=Max("uploaded_at"))["last"],
        candidate.introductions.aggregate(last=Max("date"))["last"],
        candidate.introductions.aggregate(last=Max("updated_at"))["last"],
        candidate.consents.aggregate(last=Max("given_on"))["last"],
    )


def closed_households_due(today=None):
    from accompagnement.enums import Stage

    cutoff = months_ago(settings.OSEZ_RETENTION_CLOSED_MONTHS, today)
    Household = apps.get_model("accompagnement", "Household")
    for household in Household.objects.filter(stage=Stage.CLOSED, closed_on__lte=cutoff).iterator():
        last = household_last_contact(household)
        if last is not None and last <= cutoff:
            yield household


def candidates_with_cvs_due(today=None):
    cutoff = months_ago(settings.OSEZ_RETENTION_CV_MONTHS, today)
    Candidate = apps.get_model("emploi_conjoint", "Candidate")
    for candidate in Candidate.objects.filter(cv_versions__isnull=False).distinct().iterator():
        last = candidate_last_contact(candidate)
        if last is not None and last <= cutoff:
            yield candidate


def stale_requests_due(today=None):
    """(support request, dossier or None) pairs that never went further than the request."""
    from accompagnement.enums import Stage

    cutoff = months_ago(settings.OSEZ_RETENTION_REQUEST_MONTHS, today)
    SupportRequest = apps.get_model("portail", "SupportRequest")
    Household = apps.get_model("accompagnement", "Household")
    old = SupportRequest.objects.filter(created_at__date__lte=cutoff)
    for support_request in old.iterator():
        household = Household.objects.filter(support_request=support_request).first()
        if household is None:
            yield support_request, None
            continue
        # The message typed on the form becomes the dossier's first exchange (kind "request"); any other
        # exchange means an advisor talked to the family.
        from accompagnement.enums import InteractionKind

        exchanges = household.interactions.exclude(kind=InteractionKind.REQUEST)
        if household.stage == Stage.NEW and not exchanges.exists():
            last = _latest(household.stage_changed_at, household.updated_at, support_request.created_at)
            if last <= cutoff:
                yield support_request, household


def _apply(today):
    counts = {
        "households_anonymised": 0,
        "cv_files_deleted": 0,
        "requests_deleted": 0,
        "access_log_deleted": 0,
    }

    for household in list(closed_households_due(today)):
        result = rights.anonymise_household(household)
        counts["households_anonymised"] += int(result["anonymised"])
        counts["cv_files_deleted"] += result["files"]

    for candidate in list(candidates_with_cvs_due(today)):
        versions = list(candidate.cv_versions.all())
        counts["cv_files_deleted"] += len(versions)
        with transaction.atomic():
            files = [(v, None, v.file) for v in versions if v.file]
            candidate.cv_versions.all().delete()
            rights._delete_files_after_commit(files)
            rights._scrub_change_history(versions)

    for support_request, household in list(stale_requests_due(today)):
        counts["requests_deleted"] += 1
        if household is not None:
            rights.erase_household(household, None, reason="conservation : demande restée sans suite")
        else:
            with transaction.atomic():
                support_request.delete()
                rights._scrub_change_history([support_request])

    from .models import AccessLog

    log_cutoff = months_ago(settings.OSEZ_RETENTION_ACCESS_LOG_MONTHS, today)
    counts["access_log_deleted"], _by_model = AccessLog.objects.filter(at__date__lt=log_cutoff).delete()
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
