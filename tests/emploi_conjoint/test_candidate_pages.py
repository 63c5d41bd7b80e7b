"""Opening and editing a candidate's profile: one follow-up per adult, concurrent edits do not overwrite."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from accompagnement.enums import Need
from accompagnement.models import HouseholdNeed
from emploi_conjoint import services
from emploi_conjoint.enums import Outcome
from emploi_conjoint.models import Candidate
from tests.factories import CommuneFactory, UserFactory
from tests.helpers import page_text

from .factories import AdultFactory, CandidateFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_open_a_follow_up_from_an_adult_of_a_dossier(client, settings):
    settings.OSEZ_DEPARTEMENTS = ["10"]
    hr = UserFactory(roles=["HR specialist"])
    adult = AdultFactory(first_name="Alex")
    HouseholdNeed.objects.create(household=adult.household, kind=Need.SPOUSE_JOB)
    troyes = CommuneFactory(code_insee="10387", name="Troyes")
    client.force_login(hr)
    response = client.post(
        reverse("emploi_conjoint:candidate-create"),
        {
            "adult": adult.pk,
            "hr_specialist": hr.pk,
            "wished_roles": "comptable",
            "work_time": "either",
            "contract_types": ["cdi", "cdd"],
            "home_commune": troyes.pk,
            "commute_km": "30",
        },
    )
    assert response.status_code == 302
    candidate = Candidate.objects.get(adult=adult)
    assert candidate.stage == "accueil"
    assert candidate.contract_types == ["cdi", "cdd"]
    assert candidate.transitions.get().reason == "Ouverture du suivi"
    # The adult is no longer offered for a second follow-up.
    response = client.get(reverse("emploi_conjoint:candidate-create"))
    assert adult not in response.context["form"].fields["adult"].queryset
    assert "Le suivi de Alex Fictif est ouvert" in page_text(response)


def test_stale_edit_is_refused_and_what_was_typed_is_kept(client):
    client.force_login(UserFactory(roles=["HR specialist"]))
    candidate = CandidateFactory(commute_km=25)
    url = reverse("emploi_conjoint:candidate-edit", args=[candidate.pk])
    data = {
        "work_time": "either",
        "commute_km": "40",
        "wished_roles": "infirmière",
        "version": candidate.version,
    }
    # Someone else saves first.
    Candidate.objects.filter(pk=candidate.pk).update(version=candidate.version + 1)
    response = client.post(url, data)
    assert response.status_code == 200
    page = page_text(response)
    assert "modifié par quelqu'un d'autre" in page
    assert "infirmière" in page
    candidate.refresh_from_db()
    assert candidate.commute_km == 25


def test_timeline_shows_outcome_changes(client):
    hr = UserFactory(roles=["HR specialist"])
    client.force_login(hr)
    candidate = CandidateFactory()
    services.record_consent(candidate)
    intro = services.introduce(candidate, organisation=OrganisationFactory(name="Clinique fictive"))
    client.post(
        reverse("emploi_conjoint:introduction-update", args=[intro.pk]),
        {
            "kind": "resultat",
            "date": "2026-03-02",
            "outcome": Outcome.INTERVIEW,
            "next_follow_up": "",
            "note": "",
        },
    )
    page = page_text(client.get(reverse("emploi_conjoint:candidate", args=[candidate.pk])))
    assert "Clinique fictive : En attente de réponse → Entretien" in page


def test_household_status_tag_shows_the_stage_not_the_cv():
    candidate = CandidateFactory(adult__first_name="Alex")
    html = Template("{% load emploi %}{% emploi_status household %}").render(
        Context({"household": candidate.adult.household})
    )
    assert "Alex" in html
    assert "Accueil" in html
    assert "CV" not in html


def test_board_is_one_line_per_person_with_filters(client):
    from emploi_conjoint.enums import Stage

    hr = UserFactory(roles=["HR specialist"], first_name="Chargée", last_name="Une")
    other = UserFactory(roles=["HR specialist"])
    nurse = CandidateFactory(hr_specialist=hr, wished_roles="infirmière", adult__first_name="Soignante")
    CandidateFactory(hr_specialist=other, wished_roles="comptable", adult__first_name="Comptable")
    for i in range(40):
        CandidateFactory(hr_specialist=other, adult__first_name=f"Personne{i}")
    client.force_login(hr)
    page = client.get(reverse("emploi_conjoint:board")).content.decode()
    assert page.count('<li class="emploi-line">') == 42
    # The move form is folded under each line, not a full form per card.
    assert page.count('<details class="emploi-line-move">') == 42
    mine = page_text(client.get(reverse("emploi_conjoint:board"), {"rh": hr.pk}))
    assert "Soignante" in mine and "Comptable Fictif" not in mine
    health = page_text(client.get(reverse("emploi_conjoint:board"), {"secteur": "santé"}))
    assert "Soignante" in health and "Comptable Fictif" not in health
    stage = page_text(client.get(reverse("emploi_conjoint:board"), {"etape": Stage.BILAN}))
    assert "Soignante" not in stage and "Personne à cette étape." in stage
    assert nurse.stage == Stage.ACCUEIL
    # A typed, unknown filter value lists everyone rather than failing.
    assert client.get(reverse("emploi_conjoint:board"), {"rh": "x", "etape": "?"}).status_code == 200
