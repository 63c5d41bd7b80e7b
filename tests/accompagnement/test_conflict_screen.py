"""Concurrent edits lose nothing: a stale or version-less save shows, field by field, what a colleague stored
next to what was typed, keeps the input, and saves over theirs only when asked to (dossier, admin, candidate)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accompagnement.models import Household
from emploi_conjoint.models import Candidate
from tests.emploi_conjoint.factories import CandidateFactory
from tests.factories import UserFactory
from tests.helpers import page_text as text

from .factories import AdultFactory, HouseholdFactory
from .test_bad_input import edit_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(advisor):
    household = HouseholdFactory(advisor=advisor, origin="Lyon", phone="")
    AdultFactory(household=household, first_name="Léa", last_name="Martin")
    return household


def edit_url(household):
    return reverse("accompagnement:dossier-edit", args=[household.pk])


def colleague_saves(household, **changes):
    """A team lead saves the same dossier through the page, as a second person would."""
    other = Client()
    other.force_login(UserFactory(roles=["team lead"]))
    response = other.post(edit_url(household), edit_data(household, **changes))
    assert response.status_code == 302, response.content


def test_stale_save_shows_theirs_and_mine_field_by_field(client, advisor, household):
    client.force_login(advisor)
    loaded = edit_data(household)  # what the page held when it was opened
    colleague_saves(household, phone="03 25 00 00 00", **{"adults-0-last_name": "Martin-Roy"})

    response = client.post(edit_url(household), {**loaded, "origin": "Marseille"})
    page = text(response)
    assert "Un·e collègue a enregistré entre-temps" in page
    table = page[page.index("lock-conflict-table") :]
    # The colleague's phone stands next to the empty phone that was typed; my origin next to theirs.
    assert re.search(r"Téléphone</th><td[^>]*>03 25 00 00 00</td><td[^>]*>—</td>", table)
    assert re.search(r"Vient de</th><td[^>]*>Lyon</td><td[^>]*>Marseille</td>", table)
    assert re.search(r"Adulte 1 — Nom</th><td[^>]*>Martin-Roy</td><td[^>]*>Martin</td>", table)
    assert 'value="Marseille"' in page  # what was typed is kept in the form
    assert page.count("Un·e collègue a enregistré entre-temps") == 1  # said once, not three times
    household.refresh_from_db()
    assert (household.origin, household.phone) == ("Lyon", "03 25 00 00 00")


def test_saving_again_without_choosing_is_still_refused(client, advisor, household):
    client.force_login(advisor)
    loaded = edit_data(household)
    colleague_saves(household, phone="03 25 00 00 00")
    client.post(edit_url(household), {**loaded, "origin": "Marseille"})
    response = client.post(edit_url(household), {**loaded, "origin": "Marseille"})
    assert "Un·e collègue a enregistré entre-temps" in text(response)
    household.refresh_from_db()
    assert household.origin == "Lyon"


def test_save_mine_over_theirs_when_chosen(client, advisor, household):
    client.force_login(advisor)
    loaded = edit_data(household)
    colleague_saves(household, phone="03 25 00 00 00")
    page = text(client.post(edit_url(household), {**loaded, "origin": "Marseille"}))
    seen = re.search(r'name="lock_seen_version" value="(\d+)"', page).group(1)

    response = client.post(
        edit_url(household),
        {**loaded, "origin": "Marseille", "lock_resolution": "mine", "lock_seen_version": seen},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.origin == "Marseille"
    assert household.phone == ""  # "mine" means the whole form as typed, the colleague's phone included
    assert household.version == int(seen) + 1


def test_choice_made_on_an_older_screen_is_refused_when_a_third_save_came_in(client, advisor, household):
    client.force_login(advisor)
    loaded = edit_data(household)
    colleague_saves(household, phone="03 25 00 00 00")
    page = text(client.post(edit_url(household), {**loaded, "origin": "Marseille"}))
    seen = re.search(r'name="lock_seen_version" value="(\d+)"', page).group(1)
    household.refresh_from_db()
    colleague_saves(household, phone="03 25 11 11 11")  # someone else again, after the screen was shown

    response = client.post(
        edit_url(household),
        {**loaded, "origin": "Marseille", "lock_resolution": "mine", "lock_seen_version": seen},
    )
    assert response.status_code == 200
    assert "03 25 11 11 11" in text(response)
    household.refresh_from_db()
    assert (household.origin, household.phone) == ("Lyon", "03 25 11 11 11")


def test_take_theirs_reloads_the_stored_version(client, advisor, household):
    client.force_login(advisor)
    loaded = edit_data(household)
    colleague_saves(household, phone="03 25 00 00 00")
    page = text(client.post(edit_url(household), {**loaded, "origin": "Marseille"}))
    assert f'href="{edit_url(household)}">Abandonner mes saisies' in page
    reloaded = text(client.get(edit_url(household)))
    assert 'value="03 25 00 00 00"' in reloaded and 'value="Lyon"' in reloaded


def test_a_post_without_version_is_refused_and_writes_nothing(client, advisor, household):
    client.force_login(advisor)
    data = edit_data(household, origin="Marseille")
    del data["version"]
    response = client.post(edit_url(household), data)
    page = text(response)
    assert "Version du dossier inconnue" in page
    assert re.search(r"Vient de</th><td[^>]*>Lyon</td><td[^>]*>Marseille</td>", page)
    household.refresh_from_db()
    assert (household.origin, household.version) == ("Lyon", 1)


def test_a_post_with_a_forged_resolution_but_no_seen_version_is_refused(client, advisor, household):
    client.force_login(advisor)
    data = edit_data(household, origin="Marseille", lock_resolution="mine")
    del data["version"]
    client.post(edit_url(household), data)
    household.refresh_from_db()
    assert household.origin == "Lyon"


def test_admin_shows_the_conflict_screen_and_saves_mine_when_chosen(client, household):
    lead = UserFactory(roles=["team lead"])
    client.force_login(lead)
    url = reverse("admin:accompagnement_household_change", args=[household.pk])
    data = {
        "reference": household.reference, "email": household.email, "origin": "Admin typed",
        "version": household.version, "channel": "", "advisor": household.advisor_id,
    }  # fmt: skip
    for prefix in ("adults", "children", "needs", "tasks", "interactions", "pinned_places", "transitions"):
        data[f"{prefix}-TOTAL_FORMS"] = 0
        data[f"{prefix}-INITIAL_FORMS"] = 0
    household.origin = "Changé ailleurs"
    household.save_if_current(household.version)

    page = text(client.post(url, data))
    assert re.search(r"Vient de</th><td[^>]*>Changé ailleurs</td><td[^>]*>Admin typed</td>", page)
    seen = re.search(r'name="lock_seen_version" value="(\d+)"', page).group(1)
    response = client.post(url, {**data, "lock_resolution": "mine", "lock_seen_version": seen})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.origin == "Admin typed"


def candidate_data(candidate, **overrides):
    data = {
        "adult": candidate.adult_id,
        "hr_specialist": candidate.hr_specialist_id or "",
        "work_time": candidate.work_time,
        "commute_km": candidate.commute_km,
        "wished_roles": candidate.wished_roles,
        "home_commune": candidate.home_commune_id,
        "version": candidate.version,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_candidate_conflict_both_ways(client):
    hr = UserFactory(roles=["HR specialist"])
    client.force_login(hr)
    candidate = CandidateFactory(commute_km=25, wished_roles="comptable")
    url = reverse("emploi_conjoint:candidate-edit", args=[candidate.pk])
    loaded = candidate_data(candidate)
    Candidate.objects.filter(pk=candidate.pk).update(commute_km=10, version=candidate.version + 1)

    page = text(client.post(url, {**loaded, "wished_roles": "infirmière"}))
    assert "Un·e collègue a enregistré entre-temps" in page
    assert re.search(r"</th><td[^>]*>comptable</td><td[^>]*>infirmière</td>", page)
    assert re.search(r"</th><td[^>]*>10</td><td[^>]*>25</td>", page)
    candidate.refresh_from_db()
    assert (candidate.wished_roles, candidate.commute_km) == ("comptable", 10)

    seen = re.search(r'name="lock_seen_version" value="(\d+)"', page).group(1)
    response = client.post(
        url, {**loaded, "wished_roles": "infirmière", "lock_resolution": "mine", "lock_seen_version": seen}
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.wished_roles, candidate.commute_km) == ("infirmière", 25)


def test_candidate_post_without_version_is_refused(client):
    client.force_login(UserFactory(roles=["HR specialist"]))
    candidate = CandidateFactory(commute_km=25)
    url = reverse("emploi_conjoint:candidate-edit", args=[candidate.pk])
    data = candidate_data(candidate, commute_km="40")
    del data["version"]
    page = text(client.post(url, data))
    assert "Version du dossier inconnue" in page
    candidate.refresh_from_db()
    assert (candidate.commute_km, candidate.version) == (25, 1)


def test_untouched_form_after_a_colleague_save_says_nothing_differs_only_for_identical_values(
    client, advisor, household
):
    client.force_login(advisor)
    loaded = edit_data(household)
    Household.objects.filter(pk=household.pk).update(version=5)  # a save that changed nothing visible
    page = text(client.post(edit_url(household), loaded))
    assert "Aucun champ ne diffère" in page
