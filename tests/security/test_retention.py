"""Retention with a frozen clock: closed dossiers anonymised, CVs deleted, requests without follow-up deleted."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from accompagnement.enums import InteractionKind, Stage
from accompagnement.models import Adult, Child, Household, Interaction
from emploi_conjoint.models import Candidate, Consent, CVVersion
from osez import retention
from osez.models import AccessLog, JobRun
from osez.tasks import apply_retention as apply_retention_task
from portail.models import SupportRequest

from .builders import NOTE_TEXT, full_household

pytestmark = pytest.mark.django_db(transaction=True)

T0 = datetime.datetime(2024, 1, 10, 10, 0, tzinfo=datetime.UTC)


def _close(household, on):
    Household.objects.filter(pk=household.pk).update(
        stage=Stage.CLOSED, closed_on=on.date(), stage_changed_at=on
    )
    Interaction.objects.filter(household=household).update(happened_on=on.date())
    household.refresh_from_db()
    return household


def _request_only(created, *, contacted=False):
    """A request as the public form leaves it, with the dossier the back-office opened from it."""
    from accompagnement.services import open_from_support_request

    request = SupportRequest.objects.create(
        first_name="Alex",
        last_name="Sanssuite",
        email="alex@example.org",
        origin="Reims",
        arrival_horizon="later",
        needs=[],
        message="Nous hésitons encore",
        consent_text_version="2026-01",
    )
    household = open_from_support_request(request)
    if contacted:
        Interaction.objects.create(household=household, kind=InteractionKind.CALL, text="Premier appel")
    return request, household


@pytest.fixture
def world(time_machine):
    time_machine.move_to(T0, tick=False)
    old_closed, _old_candidate, old_cv = full_household(reference="OSZ-2024-0001")
    _close(old_closed, T0)
    recent_closed, _c, recent_cv = full_household(reference="OSZ-2024-0002")
    _close(recent_closed, T0)
    open_household, open_candidate, open_cv = full_household(reference="OSZ-2024-0003")
    Household.objects.filter(pk=open_household.pk).update(stage=Stage.ARRIVED)
    stale_request, stale_household = _request_only(T0)
    kept_request, kept_household = _request_only(T0, contacted=True)

    # Twenty months later the second closed family calls again: its clock restarts.
    time_machine.move_to(T0 + datetime.timedelta(days=20 * 30), tick=False)
    Interaction.objects.create(
        household=recent_closed, kind=InteractionKind.CALL, text="Rappel de la famille"
    )
    return {
        "old_closed": old_closed,
        "old_cv": old_cv,
        "recent_closed": recent_closed,
        "recent_cv": recent_cv,
        "open_household": open_household,
        "open_candidate": open_candidate,
        "open_cv": open_cv,
        "stale_request": stale_request,
        "stale_household": stale_household,
        "kept_request": kept_request,
        "kept_household": kept_household,
    }


def test_months_ago_handles_month_ends():
    assert retention.months_ago(24, datetime.date(2026, 3, 2)) == datetime.date(2024, 3, 2)
    assert retention.months_ago(6, datetime.date(2026, 8, 31)) == datetime.date(2026, 2, 28)
    assert retention.months_ago(1, datetime.date(2024, 3, 31)) == datetime.date(2024, 2, 29)
    assert retention.months_ago(1, datetime.date(2025, 5, 31)) == datetime.date(2025, 4, 30)
    assert retention.months_ago(12, datetime.date(2025, 1, 15)) == datetime.date(2024, 1, 15)


def test_requests_without_follow_up_go_after_six_months(world, time_machine):
    time_machine.move_to(T0 + datetime.timedelta(days=30 * 5), tick=False)
    assert retention.apply_retention()["requests_deleted"] == 0

    time_machine.move_to(T0 + datetime.timedelta(days=186), tick=False)
    counts = retention.apply_retention()
    assert counts["requests_deleted"] == 1
    assert not SupportRequest.objects.filter(pk=world["stale_request"].pk).exists()
    assert not Household.objects.filter(pk=world["stale_household"].pk).exists()
    # The family an advisor talked to stays, with the request it came from.
    assert SupportRequest.objects.filter(pk=world["kept_request"].pk).exists()
    assert Household.objects.filter(pk=world["kept_household"].pk).exists()
    assert AccessLog.objects.filter(action="erase", object_repr=world["stale_household"].reference).exists()


@pytest.mark.parametrize("stage", [Stage.FIRST_CONTACT, Stage.PROJECT, Stage.ARRIVED])
def test_a_request_whose_dossier_moved_on_is_never_without_follow_up(time_machine, stage):
    """Only the stage says an advisor took the family on: no exchange was written, the dossier stays."""
    from accompagnement import stages

    time_machine.move_to(T0, tick=False)
    request, household = _request_only(T0)
    stages.record_first_contact(household, by=None)
    if stage in (Stage.PROJECT, Stage.ARRIVED):
        stages.start_project(household, by=None)
    if stage == Stage.ARRIVED:
        stages.mark_arrived(household, by=None, arrival_date=T0.date())
    assert not household.interactions.exclude(kind=InteractionKind.REQUEST).exists()

    time_machine.move_to(T0 + datetime.timedelta(days=30 * 8), tick=False)
    counts = retention.apply_retention()

    assert counts["requests_deleted"] == 0
    assert Household.objects.get(pk=household.pk).stage == stage
    assert SupportRequest.objects.filter(pk=request.pk).exists()


def test_nothing_closed_is_touched_before_twenty_four_months(world, time_machine):
    time_machine.move_to(T0 + datetime.timedelta(days=30 * 23), tick=False)
    counts = retention.apply_retention()
    assert counts["households_anonymised"] == 0
    assert counts["cv_files_deleted"] == 0
    assert Adult.objects.filter(household=world["old_closed"], last_name="Martin").exists()
    assert Path(world["old_cv"].file.path).exists()


def test_after_twenty_four_months_closed_dossier_is_anonymised_and_cvs_deleted(world, time_machine):
    time_machine.move_to(T0 + datetime.timedelta(days=731), tick=False)
    counts = retention.apply_retention()
    assert counts == {
        "households_anonymised": 1,
        "cv_files_deleted": 2,  # the old closed dossier's and the still-open dossier's inactive candidate
        "requests_deleted": 1,
        "event_registrations_anonymised": 0,
        "access_log_deleted": 0,
        "dry_run": False,
    }

    old = Household.objects.get(pk=world["old_closed"].pk)
    assert old.reference == "OSZ-2024-0001"
    assert old.stage == Stage.CLOSED
    assert old.email == "" and old.phone == "" and old.origin == ""
    assert old.support_request is None
    assert not Adult.objects.filter(household=old).exclude(first_name="", last_name="").exists()
    assert not Child.objects.filter(household=old).exclude(first_name="").exists()
    assert Child.objects.filter(household=old).count() == 1, "figures stay: one child, its birth year"
    assert not Interaction.objects.filter(household=old).exclude(text="").exists()
    assert NOTE_TEXT not in str(list(old.needs.values_list("note", flat=True)))
    assert not Path(world["old_cv"].file.path).exists()
    assert Consent.objects.filter(candidate__adult__household=old).exists(), "proof of consent is kept"

    # The dossier that called again 20 months later keeps everything.
    recent = Household.objects.get(pk=world["recent_closed"].pk)
    assert recent.email == "camille.martin@example.org"
    assert Path(world["recent_cv"].file.path).exists()

    # The open dossier is not anonymised, but the CV of its inactive job search is deleted.
    still_open = Household.objects.get(pk=world["open_household"].pk)
    assert still_open.email == "camille.martin@example.org"
    assert Candidate.objects.filter(pk=world["open_candidate"].pk).exists()
    assert not CVVersion.objects.filter(candidate=world["open_candidate"]).exists()
    assert not Path(world["open_cv"].file.path).exists()

    # A second run finds nothing more to do.
    again = retention.apply_retention()
    assert (again["households_anonymised"], again["cv_files_deleted"], again["requests_deleted"]) == (0, 0, 0)


def test_dry_run_counts_exactly_and_changes_nothing(world, time_machine):
    time_machine.move_to(T0 + datetime.timedelta(days=731), tick=False)
    counts = retention.apply_retention(dry_run=True)
    assert (counts["households_anonymised"], counts["cv_files_deleted"], counts["requests_deleted"]) == (
        1,
        2,
        1,
    )
    assert counts["dry_run"] is True
    assert Household.objects.get(pk=world["old_closed"].pk).email == "camille.martin@example.org"
    assert Path(world["old_cv"].file.path).exists()
    assert SupportRequest.objects.filter(pk=world["stale_request"].pk).exists()
    assert not AccessLog.objects.filter(action="erase").exists()
    assert not JobRun.objects.exists()


def test_command_and_nightly_task_record_each_run_with_counts(world, time_machine, capsys):
    time_machine.move_to(T0 + datetime.timedelta(days=731), tick=False)
    call_command("apply_retention", "--dry-run")
    assert "Simulation" in capsys.readouterr().out
    assert not JobRun.objects.exists()

    apply_retention_task.delay()
    run = JobRun.objects.get(name="osez.apply_retention")
    assert run.succeeded is True
    assert run.counts["households_anonymised"] == 1
    assert run.counts["cv_files_deleted"] == 2
    assert run.counts["requests_deleted"] == 1
    assert run.started_at == timezone.now()

    call_command("apply_retention")
    assert JobRun.objects.filter(name="osez.apply_retention").count() == 2
    assert "0 dossier(s)" in capsys.readouterr().out


def test_access_log_lines_are_kept_one_year(time_machine, rf):
    from osez import audit

    time_machine.move_to(T0, tick=False)
    request = rf.get("/admin/accompagnement/dossiers/1/")
    old = audit.record(request, audit.Action.VIEW, None, detail="ancienne consultation")
    time_machine.move_to(T0 + datetime.timedelta(days=200), tick=False)
    recent = audit.record(request, audit.Action.VIEW, None, detail="consultation récente")

    time_machine.move_to(T0 + datetime.timedelta(days=368), tick=False)
    assert retention.apply_retention()["access_log_deleted"] == 1
    assert not AccessLog.objects.filter(pk=old.pk).exists()
    assert AccessLog.objects.filter(pk=recent.pk).exists()
