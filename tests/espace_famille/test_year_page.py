"""The family's year on one page: needs in family words, next steps, milestones, the advisor, the spouse."""

import datetime

import pytest
from django.utils import timezone

from accompagnement import models as acc
from accompagnement.enums import NeedState, Stage, TaskKind
from accompagnement.milestones import create_milestones
from accompagnement.models import AdvisorProfile
from emploi_conjoint.enums import Stage as JobStage
from emploi_conjoint.models import Candidate
from osez.models import AccessLog

pytestmark = pytest.mark.django_db


def test_needs_are_in_family_words_with_where_they_stand(family_client, family):
    household, _adult = family
    household.needs.filter(kind="medecin").update(state=NeedState.RESOLVED)
    page = family_client.get("/mon-espace/").content.decode()
    assert "Inscrire les enfants à l&#x27;école" in page or "Inscrire les enfants à l'école" in page
    assert "Trouver un médecin traitant" in page
    assert "C&#x27;est réglé" in page or "C'est réglé" in page
    assert "Votre conseillère ou conseiller va s&#x27;en occuper" in page or "va s'en occuper" in page


def test_next_steps_and_first_year_milestones_with_dates(family_client, family):
    household, _adult = family
    household.arrival_date = datetime.date(2026, 9, 1)
    household.stage = Stage.ARRIVED
    household.save()
    create_milestones(household)
    acc.Task.objects.create(
        household=household,
        kind=TaskKind.OTHER,
        title="Visite de l'école",
        due_date=datetime.date(2026, 12, 15),
    )
    page = family_client.get("/mon-espace/").content.decode()
    assert "15/12/2026" in page and "Visite de l" in page
    assert "Point à 2 semaines" in page and "15/09/2026" in page
    assert "Point à 1 an" in page and "01/09/2027" in page


def test_the_advisor_name_phone_and_email_are_shown(family_client, family, advisor):
    AdvisorProfile.objects.create(user=advisor, phone="03 25 00 00 42")  # the phone on letters too
    page = family_client.get("/mon-espace/").content.decode()
    assert "Conseillère Fictive" in page
    assert "03 25 00 00 42" in page
    assert advisor.email in page


def _spouse(household):
    spouse = acc.Adult.objects.create(
        household=household, first_name="Sacha", last_name="Fictif", email="sacha@example.org"
    )
    Candidate.objects.create(adult=spouse, stage=JobStage.ENTRETIEN)
    return spouse


def test_the_spouse_job_search_stage_shows_only_when_the_spouse_shares_it(client, family):
    from .conftest import sign_in

    household, adult = family
    spouse = _spouse(household)
    sign_in(client, adult)
    assert "En entretien" not in client.get("/mon-espace/").content.decode()

    client.post("/mon-espace/deconnexion/")
    sign_in(client, spouse)
    assert "En entretien" not in client.get("/mon-espace/").content.decode()
    client.post("/mon-espace/mes-donnees/partage/", {"shares": "1"})
    assert "Sacha : En entretien" in client.get("/mon-espace/").content.decode()

    client.post("/mon-espace/mes-donnees/partage/", {"shares": "0"})  # withdrawn in one click
    assert "En entretien" not in client.get("/mon-espace/").content.decode()


def test_only_the_spouse_can_choose_to_share(family_client, family):
    # The adult signed in has no job search: there is nothing of theirs to share.
    assert family_client.post("/mon-espace/mes-donnees/partage/", {"shares": "1"}).status_code == 404


def test_every_read_of_the_family_is_in_the_access_log(family_client, family):
    household, adult = family
    before = AccessLog.objects.count()
    for url in ("/mon-espace/", "/mon-espace/lieux/", "/mon-espace/livret/", "/mon-espace/mes-donnees/"):
        assert family_client.get(url).status_code == 200
    logged = AccessLog.objects.order_by("pk")[before:]
    assert len(logged) == 4
    for entry in logged:
        assert entry.object_id == str(household.pk)
        assert f"adulte n° {adult.pk}" in entry.detail
        assert entry.action == "view"


def test_the_page_is_never_cached(family_client):
    response = family_client.get("/mon-espace/")
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]
    assert timezone.now()  # the page rendered within a live session
