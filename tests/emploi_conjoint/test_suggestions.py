"""Opportunities suggested to the candidates they fit — distance, contract, time, keywords — with the reason."""

import datetime

import numpy as np
import pytest

from emploi_conjoint import services, suggestions
from emploi_conjoint.enums import ContractType, Stage, WorkTime
from tests.factories import CommuneFactory

from .factories import CandidateFactory, OpportunityFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def troyes():
    return CommuneFactory(code_insee="10387", name="Troyes", latitude=48.2973, longitude=4.0744)


@pytest.fixture
def romilly():
    # About 37 km north-west of Troyes.
    return CommuneFactory(code_insee="10323", name="Romilly-sur-Seine", latitude=48.5167, longitude=3.7267)


def test_haversine_matches_a_known_distance():
    # One degree of latitude along a meridian is 111.2 km; Paris (Notre-Dame) to Troyes is about 141 km.
    one_degree = suggestions.haversine_km(48.0, 4.0, [49.0], [4.0])
    assert float(one_degree[0]) == pytest.approx(111.2, abs=0.1)
    paris_troyes = suggestions.haversine_km(48.8530, 2.3499, [48.2987], [4.0781])
    assert float(paris_troyes[0]) == pytest.approx(141, abs=2)
    assert np.allclose(suggestions.haversine_km(48.0, 4.0, [48.0], [4.0]), 0)


def test_an_offer_within_the_radius_is_suggested_with_the_reason(troyes, romilly):
    candidate = CandidateFactory(home_commune=troyes, commute_km=40, wished_roles="comptable")
    offer = OpportunityFactory(
        commune=romilly, title="Comptabilité fournisseurs", contract_type=ContractType.CDI
    )
    found = suggestions.for_candidate(candidate)
    assert [s.opportunity for s in found] == [offer]
    reason = found[0].reason
    assert "Romilly-sur-Seine" in reason
    assert "km de Troyes" in reason
    assert "accepte jusqu'à 40 km" in reason
    assert "métier recherché : Comptable (ROME M1203)" in reason


def test_an_offer_beyond_the_radius_is_not_suggested(troyes, romilly):
    candidate = CandidateFactory(home_commune=troyes, commute_km=20, wished_roles="comptable")
    OpportunityFactory(commune=romilly)
    assert suggestions.for_candidate(candidate) == []


def test_contract_and_working_time_must_fit(troyes):
    candidate = CandidateFactory(
        home_commune=troyes,
        contract_types=[ContractType.CDD],
        work_time=WorkTime.PART,
        wished_roles="comptable",
    )
    OpportunityFactory(commune=troyes, contract_type=ContractType.CDI, work_time=WorkTime.PART)
    OpportunityFactory(commune=troyes, contract_type=ContractType.CDD, work_time=WorkTime.FULL)
    fits = OpportunityFactory(commune=troyes, contract_type=ContractType.CDD, work_time=WorkTime.PART)
    assert [s.opportunity for s in suggestions.for_candidate(candidate)] == [fits]


def test_jobs_match_not_sector_words_and_a_title_match_ranks_first(troyes):
    """The issue's nurse: "IDE", "Pas de nuits", sector « santé »."""
    candidate = CandidateFactory(
        home_commune=troyes, wished_roles="IDE", wished_sectors="santé", constraints="Pas de nuits"
    )
    health = OrganisationFactory(sector="Santé")
    care = OpportunityFactory(commune=troyes, title="Aide-soignant·e", organisation=health)
    nurse = OpportunityFactory(commune=troyes, title="Infirmier·ère diplômé·e d'État", organisation=health)
    OpportunityFactory(commune=troyes, title="Infirmier de nuit", organisation=health)
    OpportunityFactory(commune=troyes, title="Agent d'entretien", organisation=health)
    OpportunityFactory(
        commune=troyes, title="Soudeur", organisation=OrganisationFactory(sector="métallurgie")
    )
    found = suggestions.for_candidate(candidate)
    assert [s.opportunity for s in found] == [nurse, care]
    assert "métier recherché : Infirmier·ère diplômé·e d'État (ROME J1506)" in found[0].reason
    assert "pas de nuit, comme demandé" in found[0].reason
    assert "même secteur (santé), autre métier : Aide-soignant·e" in found[1].reason
    assert "n'est pas l'un de ceux qu'elle ou il recherche" in found[1].unmet_text


def test_a_missing_driving_licence_is_shown_unmet_and_ranks_after(troyes):
    candidate = CandidateFactory(home_commune=troyes, wished_roles="comptable", driving_licence=False)
    needs_car = OpportunityFactory(commune=troyes, title="Comptable", requires_driving_licence=True)
    no_car = OpportunityFactory(commune=troyes, title="Comptable clients")
    found = suggestions.for_candidate(candidate)
    assert [s.opportunity for s in found] == [no_car, needs_car]
    assert found[1].unmet_text == "permis B exigé : la personne n'en a pas"


def test_closed_or_already_used_offers_are_not_suggested(troyes):
    candidate = CandidateFactory(home_commune=troyes)
    OpportunityFactory(commune=troyes, closing_date=datetime.date(2000, 1, 1))
    used = OpportunityFactory(commune=troyes)
    services.record_consent(candidate)
    services.introduce(candidate, opportunity=used)
    assert suggestions.for_candidate(candidate) == []


def test_an_opportunity_lists_the_candidates_still_searching_that_fit(troyes):
    searching = CandidateFactory(home_commune=troyes)
    placed = CandidateFactory(home_commune=troyes)
    placed.stage = Stage.EN_POSTE
    placed.save()
    offer = OpportunityFactory(commune=troyes)
    assert [s.candidate for s in suggestions.for_opportunity(offer)] == [searching]


def test_no_home_commune_means_no_suggestion():
    candidate = CandidateFactory(home_commune=None)
    OpportunityFactory()
    assert suggestions.for_candidate(candidate) == []


def test_closing_an_offer_stops_suggesting_it(client, troyes):
    from django.urls import reverse

    from tests.factories import UserFactory

    candidate = CandidateFactory(home_commune=troyes)
    offer = OpportunityFactory(commune=troyes)
    assert suggestions.for_candidate(candidate)
    client.force_login(UserFactory(roles=["HR specialist"]))
    response = client.post(
        reverse("emploi_conjoint:opportunity-edit", args=[offer.pk]),
        {
            "title": offer.title,
            "job_code": offer.job_code,
            "organisation": offer.organisation_id,
            "commune": troyes.pk,
            "contract_type": offer.contract_type,
            "work_time": offer.work_time,
            "closing_date": "2020-01-31",
        },
    )
    assert response.status_code == 302
    assert suggestions.for_candidate(candidate) == []


def test_an_offer_without_a_job_is_refused_with_a_clear_message_and_keeps_what_was_typed(
    client, troyes, settings
):
    from django.urls import reverse

    from emploi_conjoint.models import Opportunity
    from tests.factories import UserFactory
    from tests.helpers import page_text

    settings.OSEZ_DEPARTEMENTS = [troyes.departement_id]
    client.force_login(UserFactory(roles=["HR specialist"]))
    org = OrganisationFactory(name="Centre hospitalier fictif", kind="institution")
    response = client.post(
        reverse("emploi_conjoint:opportunity-create"),
        {"title": "Poste mystère", "organisation": org.pk, "commune": troyes.pk, "contract_type": "public",
         "work_time": "full", "description": "Texte tapé à garder"},
    )  # fmt: skip
    text = page_text(response)
    assert response.status_code == 200
    assert "Choisissez le métier de l'offre dans la liste" in text
    assert "Poste mystère" in text and "Texte tapé à garder" in text
    assert not Opportunity.objects.exists()
