"""Figures without names, their audited export, and the morning e-mail of due follow-ups."""

import datetime
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from emploi_conjoint import figures, services, stages, tasks
from emploi_conjoint.enums import Outcome, Stage
from osez.models import AccessLog
from tests.factories import UserFactory
from tests.helpers import page_text

from .factories import PDF_BYTES, CandidateFactory, OrganisationFactory, upload

pytestmark = pytest.mark.django_db


def to_interview(candidate):
    stages.move(candidate, Stage.BILAN)
    services.add_cv_version(candidate, upload("cv.pdf", PDF_BYTES))
    stages.move(candidate, Stage.CV_PRET)
    services.record_consent(candidate)
    stages.move(candidate, Stage.PROSPECTION)
    stages.move(candidate, Stage.ENTRETIEN)


def test_figures_count_stages_share_placed_median_delay_and_sectors():
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        placed_fast, placed_slow, searching = CandidateFactory(), CandidateFactory(), CandidateFactory()
        for c in (placed_fast, placed_slow):
            to_interview(c)
        health = OrganisationFactory(sector="santé")
        services.introduce(placed_fast, organisation=health)
        services.introduce(placed_slow, organisation=OrganisationFactory(sector="industrie"))
        intro = services.introduce(placed_slow, organisation=health)
        traveller.shift(timedelta(days=10))
        stages.move(placed_fast, Stage.EN_POSTE)
        traveller.shift(timedelta(days=20))
        stages.move(placed_slow, Stage.EN_POSTE)
        services.record_outcome(intro, outcome=Outcome.HIRED)
        f = figures.compute()
    assert f["total"] == 3
    assert dict(f["by_stage"])["En poste"] == 2
    assert f["placed_share"] == pytest.approx(2 / 3)
    assert f["median_days_interview_to_job"] == 20  # median of 10 and 30 days
    assert f["introductions_per_placement"] == 3.0
    sectors = {row["sector"]: row for row in f["by_sector"]}
    assert sectors["santé"]["introductions"] == 2
    assert sectors["santé"]["hires"] == 1
    assert searching.stage == Stage.ACCUEIL


def test_csv_export_has_no_names_and_is_audited(client):
    candidate = CandidateFactory(adult__first_name="Zéphyrine", adult__last_name="Unique")
    services.record_consent(candidate)
    services.introduce(candidate, organisation=OrganisationFactory(sector="santé"))
    services.introduce(candidate, organisation=OrganisationFactory(sector='=HYPERLINK("http://x")'))
    user = UserFactory(roles=["marketing"])
    client.force_login(user)
    response = client.get(reverse("emploi_conjoint:figures-csv"))
    body = response.content.decode("utf-8-sig")
    assert "santé" in body
    assert "Zéphyrine" not in body and "Unique" not in body
    assert "'=HYPERLINK" in body  # shown as text, never run as a spreadsheet formula
    assert AccessLog.objects.filter(action="export", user=user).exists()


def test_each_hr_specialist_gets_their_due_follow_ups_by_email():
    today = datetime.date(2026, 3, 10)
    alice = UserFactory(roles=["HR specialist"], email="alice@osez.localhost")
    bob = UserFactory(roles=["HR specialist"], email="bob@osez.localhost")
    UserFactory(roles=["installation advisor"], email="conseil@osez.localhost")
    mine = CandidateFactory(hr_specialist=alice, adult__first_name="Camille")
    services.record_consent(mine)
    services.introduce(
        mine, organisation=OrganisationFactory(name="Fromagerie"), next_follow_up=today, by=alice
    )
    services.introduce(
        mine, organisation=OrganisationFactory(name="Plus tard"), next_follow_up=today + timedelta(days=1)
    )
    closed = services.introduce(mine, organisation=OrganisationFactory(name="Close"), next_follow_up=today)
    services.record_outcome(closed, outcome=Outcome.NO_FOLLOW_UP, next_follow_up=today)

    assert services.send_reminders(today) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@osez.localhost"]
    assert "Camille → Fromagerie" in message.body
    assert "Plus tard" not in message.body and "Close" not in message.body
    assert bob.email not in [m.to[0] for m in mail.outbox]


def test_task_and_command_send_the_same_reminders():
    hr = UserFactory(roles=["HR specialist"], email="rh@osez.localhost")
    candidate = CandidateFactory(hr_specialist=hr)
    services.record_consent(candidate)
    services.introduce(candidate, organisation=OrganisationFactory(), next_follow_up=timezone.localdate())
    assert tasks.send_reminders.delay().get() == 1
    call_command("send_hr_reminders")
    assert len(mail.outbox) == 2


def test_mes_relances_lists_what_is_due(client):
    hr = UserFactory(roles=["HR specialist"])
    candidate = CandidateFactory(hr_specialist=hr)
    services.record_consent(candidate)
    services.introduce(
        candidate,
        organisation=OrganisationFactory(name="Clinique fictive"),
        next_follow_up=timezone.localdate(),
    )
    client.force_login(hr)
    page = page_text(client.get(reverse("emploi_conjoint:follow-ups")))
    assert "Clinique fictive" in page


def test_the_reminder_links_to_the_site_where_staff_reach_it(settings):
    settings.OSEZ_BASE_URL = "https://osez.example.org"
    hr = UserFactory(roles=["HR specialist"], email="rh@osez.localhost")
    candidate = CandidateFactory(hr_specialist=hr)
    services.record_consent(candidate)
    services.introduce(candidate, organisation=OrganisationFactory(), next_follow_up=timezone.localdate())
    services.send_reminders()
    assert "https://osez.example.org/admin/emploi/relances/" in mail.outbox[0].body


def test_published_figures_name_nobody(client):
    """One person placed, one interview: « < 5 » on the page and in the CSV, no median over one person."""
    placed = CandidateFactory()
    to_interview(placed)
    stages.move(placed, Stage.EN_POSTE)
    for _ in range(6):
        CandidateFactory()
    client.force_login(UserFactory(roles=["marketing"]))
    page = page_text(client.get(reverse("emploi_conjoint:figures")))
    assert "<strong>7</strong> personnes suivies" in page
    assert "<strong>< 5</strong> en poste" in page
    assert "sur 1 personne" not in page and "sur < 5 personne(s)" in page
    body = client.get(reverse("emploi_conjoint:figures-csv"), {"periode": "12m"}).content.decode("utf-8-sig")
    assert "en poste;< 5" in body
    assert "médiane de jours du premier entretien à l'emploi;\r\n" in body  # withheld, not 0
    assert "période;12 derniers mois" in body
