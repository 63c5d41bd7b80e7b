"""Two people edit the same dossier or candidate: the later, stale save is refused and nothing typed is lost.

The pages are driven as a browser would: each person loads the edit page, the form is posted back with
what the page showed plus one change.
"""

import html as html_lib

import pytest
from django.test import Client
from django.urls import reverse

from accompagnement.models import Adult, Household
from emploi_conjoint import stages
from emploi_conjoint.models import Candidate
from osez.roles import ADVISOR, HR, TEAM_LEAD
from tests.factories import CommuneFactory, UserFactory

from .forms_html import form_data

pytestmark = pytest.mark.django_db

STALE = "modifié par quelqu"  # start of osez.locking.STALE_MESSAGE


def _load(client, url, field):
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response.content.decode(), containing=field)


def _concurrent_edit(url, first_user, second_user, field, first_value, typed_value):
    first, second = Client(), Client()
    first.force_login(first_user)
    second.force_login(second_user)
    first_form = _load(first, url, "version")
    second_form = _load(second, url, "version")
    assert first_form["version"] == second_form["version"]

    first_form[field] = [first_value]
    saved = first.post(url, first_form)
    assert saved.status_code == 302, "the first save goes through"

    second_form[field] = [typed_value]
    refused = second.post(url, second_form)
    return refused


def test_stale_dossier_save_is_refused_and_keeps_what_was_typed():
    advisor = UserFactory(roles=[ADVISOR])
    lead = UserFactory(roles=[TEAM_LEAD])
    household = Household.objects.create(email="famille@example.org", origin="Lyon", advisor=advisor)
    Adult.objects.create(household=household, first_name="Camille", last_name="Fictif")
    url = reverse("accompagnement:dossier-edit", args=[household.pk])

    refused = _concurrent_edit(
        url, lead, advisor, "origin", "Troyes (saisi par la responsable)", "Reims, tapé ici"
    )

    assert refused.status_code == 200
    page = html_lib.unescape(refused.content.decode())
    assert STALE in page
    assert "Reims, tapé ici" in page, "what the second person typed is shown again"
    household.refresh_from_db()
    assert household.origin == "Troyes (saisi par la responsable)", "the first save is not overwritten"
    assert household.version == 2


def test_stale_candidate_save_is_refused_and_keeps_what_was_typed():
    hr, other_hr = UserFactory(roles=[HR]), UserFactory(roles=[HR])
    household = Household.objects.create(email="famille@example.org", origin="Lyon")
    adult = Adult.objects.create(household=household, first_name="Dominique", last_name="Fictif")
    candidate = stages.open_candidate(Candidate(adult=adult, hr_specialist=hr, home_commune=CommuneFactory()))
    url = reverse("emploi_conjoint:candidate-edit", args=[candidate.pk])

    refused = _concurrent_edit(
        url, other_hr, hr, "constraints", "Permis B, pas de voiture", "Garde le mercredi"
    )

    assert refused.status_code == 200
    page = html_lib.unescape(refused.content.decode())
    assert STALE in page
    assert "Garde le mercredi" in page, "what the second person typed is shown again"
    candidate.refresh_from_db()
    assert candidate.constraints == "Permis B, pas de voiture", "the first save is not overwritten"
    assert candidate.version == 2


MISSING = "ne dit pas quelle version"  # start of osez.locking.MISSING_VERSION_MESSAGE


def _refused_without_version(client, url, field, typed_value):
    """Post the edit form without its version: refused, with the message and what was typed."""
    form = _load(client, url, "version")
    del form["version"]
    form[field] = [typed_value]
    refused = client.post(url, form)
    assert refused.status_code == 200
    page = html_lib.unescape(refused.content.decode())
    assert MISSING in page
    assert typed_value in page, "what was typed is shown again"


def _followed_candidate(hr):
    household = Household.objects.create(email="famille@example.org", origin="Lyon")
    adult = Adult.objects.create(household=household, first_name="Dominique", last_name="Fictif")
    return stages.open_candidate(Candidate(adult=adult, hr_specialist=hr, home_commune=CommuneFactory()))


def test_dossier_save_without_its_version_is_refused_and_keeps_what_was_typed(client):
    advisor = UserFactory(roles=[ADVISOR])
    household = Household.objects.create(email="famille@example.org", origin="Lyon", advisor=advisor)
    url = reverse("accompagnement:dossier-edit", args=[household.pk])
    client.force_login(advisor)

    _refused_without_version(client, url, "origin", "Reims, tapé sans version")

    household.refresh_from_db()
    assert household.origin == "Lyon", "a save that does not say its version writes nothing"
    assert household.version == 1


def test_candidate_save_without_its_version_is_refused_and_keeps_what_was_typed(client):
    hr = UserFactory(roles=[HR])
    candidate = _followed_candidate(hr)
    url = reverse("emploi_conjoint:candidate-edit", args=[candidate.pk])
    client.force_login(hr)

    _refused_without_version(client, url, "constraints", "Garde le mercredi")

    candidate.refresh_from_db()
    assert candidate.constraints == "" and candidate.version == 1


def test_admin_save_without_its_version_is_refused(client):
    lead = UserFactory(roles=[TEAM_LEAD])
    household = Household.objects.create(email="famille@example.org", origin="Lyon")
    url = reverse("admin:accompagnement_household_change", args=[household.pk])
    client.force_login(lead)
    form = _load(client, url, "origin")
    assert "version" in form
    del form["version"]
    form["origin"] = ["Reims, tapé dans l'administration"]

    refused = client.post(url, form)

    assert refused.status_code == 200
    assert MISSING in html_lib.unescape(refused.content.decode())
    household.refresh_from_db()
    assert household.origin == "Lyon"


def test_a_stage_move_makes_an_edit_form_opened_before_it_stale(client):
    """Every transition bumps the version: a profile form loaded before a move is refused, not saved over it."""
    from emploi_conjoint.enums import Stage

    hr = UserFactory(roles=[HR])
    candidate = _followed_candidate(hr)
    url = reverse("emploi_conjoint:candidate-edit", args=[candidate.pk])
    client.force_login(hr)
    form = _load(client, url, "version")

    stages.move(candidate, Stage.BILAN, by=hr)
    form["constraints"] = ["Garde le mercredi"]
    refused = client.post(url, form)

    assert refused.status_code == 200
    assert STALE in html_lib.unescape(refused.content.decode())
    candidate.refresh_from_db()
    assert candidate.stage == Stage.BILAN and candidate.constraints == ""
