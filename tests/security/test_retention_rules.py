"""Each retention rule, one fact at a time: what counts as the last contact, and where each delay ends."""

import datetime
import logging

import pytest
from django.utils import timezone

from accompagnement import retention as dossier_rules
from accompagnement.enums import InteractionKind, Stage
from accompagnement.models import Household, Interaction
from emploi_conjoint import retention as cv_rules
from emploi_conjoint.models import Candidate, Consent, CVVersion, Introduction
from osez import retention
from osez.models import AccessLog
from portail.models import SupportRequest
from tests.accompagnement.factories import HouseholdFactory, OrganisationFactory
from tests.emploi_conjoint.factories import CandidateFactory

pytestmark = pytest.mark.django_db

OLD = datetime.datetime(2023, 1, 10, 12, 0, tzinfo=datetime.UTC)
RECENT = datetime.datetime(2025, 6, 1, 12, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2025, 6, 15)


def test_latest_of_dates_and_datetimes_in_local_time():
    assert retention.latest() is None
    assert retention.latest(None, None) is None
    late_evening = datetime.datetime(2025, 3, 1, 23, 30, tzinfo=datetime.UTC)  # 2 March in Paris
    assert retention.latest(datetime.date(2025, 3, 1), late_evening, None) == datetime.date(2025, 3, 2)


@pytest.mark.parametrize("recent", ["closed_on", "stage_changed_at", "exchange"])
def test_a_dossiers_last_contact_is_its_latest_closing_stage_change_or_exchange(recent):
    household = HouseholdFactory()
    Household.objects.filter(pk=household.pk).update(
        closed_on=RECENT.date() if recent == "closed_on" else OLD.date(),
        stage_changed_at=RECENT if recent == "stage_changed_at" else OLD,
    )
    Interaction.objects.create(
        household=household, kind=InteractionKind.CALL, text="Appel",
        happened_on=RECENT.date() if recent == "exchange" else OLD.date(),
    )  # fmt: skip
    household.refresh_from_db()
    assert dossier_rules.household_last_contact(household) == RECENT.date()


@pytest.mark.parametrize(
    "recent",
    [
        "household",
        "updated_at",
        "stage_changed_at",
        "cv",
        "introduction_date",
        "introduction_update",
        "consent",
    ],
)
def test_a_job_searchs_last_contact_is_its_latest_sign_of_life(recent):
    candidate = CandidateFactory()
    household = candidate.adult.household
    Household.objects.filter(pk=household.pk).update(
        stage_changed_at=RECENT if recent == "household" else OLD, closed_on=None
    )
    CVVersion.objects.create(
        candidate=candidate, file="cv/cv.pdf", original_name="cv.pdf", file_kind="pdf", size=1,
        uploaded_at=RECENT if recent == "cv" else OLD,
    )  # fmt: skip
    intro = Introduction.objects.create(
        candidate=candidate, organisation=OrganisationFactory(),
        date=RECENT.date() if recent == "introduction_date" else OLD.date(),
    )  # fmt: skip
    Introduction.objects.filter(pk=intro.pk).update(
        updated_at=RECENT if recent == "introduction_update" else OLD
    )
    Consent.objects.create(
        candidate=candidate, text_version="v1", given_on=RECENT.date() if recent == "consent" else OLD.date()
    )
    Candidate.objects.filter(pk=candidate.pk).update(
        updated_at=RECENT if recent == "updated_at" else OLD,
        stage_changed_at=RECENT if recent == "stage_changed_at" else OLD,
    )
    candidate.transitions.all().delete()
    candidate.refresh_from_db()
    assert cv_rules.candidate_last_contact(candidate) == RECENT.date()


def _request(created, with_dossier=True):
    request = SupportRequest.objects.create(
        first_name="Alex", last_name="Fictif", email="alex@example.org", origin="Reims",
        arrival_horizon="later", needs=[], consent_text_version="2026-01",
    )  # fmt: skip
    SupportRequest.objects.filter(pk=request.pk).update(created_at=created)
    household = None
    if with_dossier:
        household = Household.objects.create(
            email="alex@example.org", origin="Reims", support_request=request
        )
        Household.objects.filter(pk=household.pk).update(stage_changed_at=created, updated_at=created)
    request.refresh_from_db()
    return request, household


def test_a_request_with_no_dossier_goes_after_the_delay_too():
    """The dossier could not be opened (the receiver failed): the request alone still goes after six months."""
    old, _none = _request(OLD, with_dossier=False)
    kept, _none = _request(RECENT, with_dossier=False)
    counts = retention.apply_retention(today=TODAY)
    assert counts["requests_deleted"] == 1
    assert not SupportRequest.objects.filter(pk=old.pk).exists()
    assert SupportRequest.objects.filter(pk=kept.pk).exists()


@pytest.mark.parametrize("touched", ["stage_changed_at", "updated_at", "created_at"])
def test_a_request_is_kept_while_its_dossier_was_touched_within_the_delay(touched):
    request, household = _request(OLD)
    if touched == "created_at":
        SupportRequest.objects.filter(pk=request.pk).update(created_at=RECENT)
    else:
        Household.objects.filter(pk=household.pk).update(**{touched: RECENT})
    assert retention.apply_retention(today=TODAY)["requests_deleted"] == 0
    assert Household.objects.filter(pk=household.pk).exists()


def test_the_request_delay_ends_on_its_last_day():
    cutoff = retention.months_ago(6, TODAY)
    on_the_day = datetime.datetime.combine(cutoff, datetime.time(12), tzinfo=datetime.UTC)
    _request_row, household = _request(on_the_day)
    assert retention.apply_retention(today=TODAY)["requests_deleted"] == 1
    assert not Household.objects.filter(pk=household.pk).exists()
    trace = AccessLog.objects.get(action="erase")
    assert trace.detail.endswith("conservation : demande restée sans suite")


def test_the_day_given_is_the_day_the_delays_are_counted_from():
    household = HouseholdFactory(stage=Stage.CLOSED)
    Household.objects.filter(pk=household.pk).update(closed_on=OLD.date(), stage_changed_at=OLD)
    # Counted from a day before the closing, nothing is due; from today (2026 and later), it would be.
    assert (
        retention.apply_retention(dry_run=True, today=datetime.date(2023, 2, 1))["households_anonymised"] == 0
    )
    assert retention.apply_retention(dry_run=True, today=timezone.localdate())["households_anonymised"] == 1


def test_a_run_is_logged_with_its_counts(caplog):
    with caplog.at_level(logging.INFO, logger="osez.retention"):
        counts = retention.apply_retention(dry_run=True, today=TODAY)
    record = next(r for r in caplog.records if r.name == "osez.retention")
    assert record.getMessage() == "retention run"
    assert record.counts == counts


def test_a_rule_registered_later_runs_in_its_order_and_reports_its_counts():
    seen = []
    rule = retention.Rule(
        name="test_rule", months_setting="OSEZ_RETENTION_REQUEST_MONTHS",
        due=lambda cutoff: seen.append(cutoff) or ["a", "b"], remove=lambda item: {"undeclared": 2},
        counts={"test_things": "chose(s) de test"}, order=5,
    )  # fmt: skip
    retention.register(rule)
    try:
        assert retention.rules()[0] is rule
        counts = retention.apply_retention(dry_run=True, today=TODAY)
        assert seen == [retention.months_ago(6, TODAY)]
        assert (counts["test_things"], counts["undeclared"]) == (0, 4)
        assert retention.describe({"test_things": 3}).startswith("3 chose(s) de test, 0 dossier(s)")
    finally:
        retention._rules.pop("test_rule")
