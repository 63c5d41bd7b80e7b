""" "How is it going?" at 6 and 12 months: invitation, two reminders, then a task and the team lead told;
a score of 6 or less does the same at once."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accompagnement.enums import Stage
from espace_famille import services
from espace_famille.models import SettlingSurvey
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ARRIVAL = datetime.date(2026, 1, 5)


@pytest.fixture
def arrived(family):
    household, adult = family
    household.stage = Stage.ARRIVED
    household.arrival_date = ARRIVAL
    household.save()
    return household, adult


@pytest.fixture
def lead(db):
    return UserFactory(username="responsable-fictive", roles=["team lead"])


def _day(offset):
    return time_machine.travel(
        timezone.make_aware(
            datetime.datetime.combine(ARRIVAL + datetime.timedelta(days=offset), datetime.time(9))
        )
    )


def test_no_invitation_before_six_months(arrived):
    with _day(150):
        assert services.run_surveys()["invited"] == 0
    assert not SettlingSurvey.objects.exists()


def test_six_months_after_arrival_the_family_is_invited_once(arrived):
    _household, adult = arrived
    with _day(182):
        assert services.run_surveys()["invited"] == 1
        assert services.run_surveys()["invited"] == 0
    assert SettlingSurvey.objects.get().milestone == 6
    invitations = [m for m in mail.outbox if adult.email in m.to]
    assert len(invitations) == 1 and "/mon-espace/" in invitations[0].body


def test_no_answer_after_two_reminders_creates_a_task_and_tells_the_team_lead(
    arrived, lead, advisor, django_capture_on_commit_callbacks
):
    household, _adult = arrived
    with _day(182):
        services.run_surveys()
    with _day(189):
        assert services.run_surveys()["reminded"] == 1
    with _day(196):
        assert services.run_surveys()["reminded"] == 1
    assert not household.tasks.filter(title__contains="Comment ça va").exists()
    with _day(203), django_capture_on_commit_callbacks(execute=True):
        assert services.run_surveys()["alerted"] == 1
    task = household.tasks.get(title__contains="Comment ça va")
    assert task.owner == advisor and "Pas de réponse après deux relances" in task.title
    assert [m for m in mail.outbox if lead.email in m.to]
    with _day(210):
        assert services.run_surveys() == {"invited": 0, "reminded": 0, "alerted": 0}


def test_a_score_of_four_creates_a_task_and_tells_the_team_lead(
    arrived, lead, advisor, client, django_capture_on_commit_callbacks
):
    from .conftest import sign_in

    household, adult = arrived
    with _day(182):
        services.run_surveys()
        sign_in(client, adult)
        page = client.get("/mon-espace/").content.decode()
        assert "Comment ça va, 6 mois après votre arrivée ?" in page
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/mon-espace/questionnaire/", {"score": "4", "missing": "Des amis"})
        assert response.status_code == 302
        survey = SettlingSurvey.objects.get()
        assert (survey.score, survey.missing) == (4, "Des amis")
        task = household.tasks.get(title__contains="Comment ça va")
        assert "4/10" in task.title and task.owner == advisor
        told = [m for m in mail.outbox if lead.email in m.to]
        assert len(told) == 1 and household.reference in told[0].subject
        page = client.get("/mon-espace/").content.decode()
        assert "Comment ça va, 6 mois" not in page  # answered
        assert "4/10" not in page  # the advisor's task is not one of the family's steps


def test_a_good_score_creates_no_task(arrived, client):
    from .conftest import sign_in

    household, adult = arrived
    with _day(182):
        services.run_surveys()
        sign_in(client, adult)
        client.post("/mon-espace/questionnaire/", {"score": "8"})
    assert SettlingSurvey.objects.get().score == 8
    assert not household.tasks.filter(title__contains="Comment ça va").exists()


@pytest.mark.parametrize("score", ["", "11", "-1", "dix"])
def test_a_bad_score_is_refused_and_nothing_is_stored(arrived, client, score):
    from .conftest import sign_in

    _household, adult = arrived
    with _day(182):
        services.run_surveys()
        sign_in(client, adult)
        response = client.post("/mon-espace/questionnaire/", {"score": score, "missing": "Un médecin"})
    assert response.status_code == 400
    assert "Choisissez une note de 0 à 10" in response.content.decode()
    assert "Un médecin" in response.content.decode()
    assert SettlingSurvey.objects.get().answered_at is None


def test_the_advisor_sees_the_answer_in_the_dossier(arrived, advisor):
    from django.test import Client

    household, _adult = arrived
    with _day(182):
        services.run_surveys()
        services.answer_survey(SettlingSurvey.objects.get(), score=7, missing="Un club de foot")
    staff = Client()
    staff.force_login(advisor)
    page = staff.get(household.get_absolute_url()).content.decode()
    assert "7/10" in page and "Un club de foot" in page


def test_the_command_runs_the_same_as_the_beat_task(arrived, capsys):
    with _day(365):
        call_command("run_settling_surveys")
    assert "1 invitation(s)" in capsys.readouterr().out
    assert SettlingSurvey.objects.get().milestone == 12


def _answers(scores, milestone=6):
    from accompagnement.models import Household

    for n, score in enumerate(scores):
        household = Household.objects.create(email=f"figures{n}@example.org", origin="Lyon")
        SettlingSurvey.objects.create(
            household=household, milestone=milestone, score=score, answered_at=timezone.now()
        )


def test_the_figures_hide_averages_below_five_answers(advisor):
    from django.test import Client

    staff = Client()
    staff.force_login(advisor)
    _answers([4, 8, 9, 7])
    page = staff.get("/admin/famille/chiffres/").content.decode()
    assert "moins de 5 réponses" in page and "/10</td>" not in page
    _answers([10])
    page = staff.get("/admin/famille/chiffres/").content.decode()
    assert "7.6/10" in page or "7,6/10" in page
    assert "4/10 : 1" in page
