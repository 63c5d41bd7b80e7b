"""Consent is dated and versioned; without it on record, no introduction to a company is possible."""

import datetime

import pytest
from django.urls import reverse

from emploi_conjoint import consent as consent_text
from emploi_conjoint import services
from emploi_conjoint.enums import Outcome
from emploi_conjoint.models import Introduction
from tests.factories import UserFactory
from tests.helpers import page_text

from .factories import CandidateFactory, OpportunityFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_introduction_without_consent_is_refused():
    candidate = CandidateFactory()
    with pytest.raises(services.IntroductionRefused, match="consentement"):
        services.introduce(candidate, organisation=OrganisationFactory())
    assert not Introduction.objects.exists()


def test_withdrawn_consent_blocks_new_introductions():
    candidate = CandidateFactory()
    services.record_consent(candidate)
    services.introduce(candidate, organisation=OrganisationFactory())
    services.withdraw_consent(candidate)
    with pytest.raises(services.IntroductionRefused):
        services.introduce(candidate, organisation=OrganisationFactory())
    assert Introduction.objects.count() == 1


def test_consent_records_date_and_text_version(client):
    hr = UserFactory(roles=["HR specialist"])
    candidate = CandidateFactory()
    client.force_login(hr)
    page = client.get(reverse("emploi_conjoint:consent", args=[candidate.pk]))
    assert "présente mon profil et transmette mon CV" in page_text(page)
    assert str(consent_text.TEXT).startswith("J")
    response = client.post(
        reverse("emploi_conjoint:consent", args=[candidate.pk]), {"agreed": "on", "given_on": "2026-03-02"}
    )
    assert response.status_code == 302
    consent = candidate.consents.get()
    assert consent.given_on == datetime.date(2026, 3, 2)
    assert consent.text_version == consent_text.CURRENT_VERSION
    assert consent.recorded_by == hr


def test_consent_form_needs_the_box_ticked(client):
    client.force_login(UserFactory(roles=["HR specialist"]))
    candidate = CandidateFactory()
    response = client.post(
        reverse("emploi_conjoint:consent", args=[candidate.pk]), {"given_on": "2026-03-02"}
    )
    assert response.status_code == 200
    assert not candidate.consents.exists()


def test_introduction_page_refuses_without_consent(client):
    client.force_login(UserFactory(roles=["HR specialist"]))
    candidate = CandidateFactory()
    organisation = OrganisationFactory()
    response = client.post(
        reverse("emploi_conjoint:introduction-create", args=[candidate.pk]),
        {"organisation": organisation.pk, "date": "2026-03-02", "channel": "email"},
    )
    assert response.status_code == 200
    assert "Mise en relation refusée" in page_text(response)
    assert not Introduction.objects.exists()


def test_introduction_for_an_opportunity_takes_its_organisation(client):
    hr = UserFactory(roles=["HR specialist"])
    client.force_login(hr)
    candidate = CandidateFactory()
    services.record_consent(candidate)
    offer = OpportunityFactory()
    response = client.post(
        reverse("emploi_conjoint:introduction-create", args=[candidate.pk]),
        {"opportunity": offer.pk, "date": "2026-03-02", "channel": "phone", "next_follow_up": "2026-03-09"},
    )
    assert response.status_code == 302
    intro = Introduction.objects.get()
    assert intro.organisation == offer.organisation
    assert intro.made_by == hr
    assert intro.outcome == Outcome.PENDING
    assert intro.next_follow_up == datetime.date(2026, 3, 9)


def test_hired_outcome_clears_the_follow_up(client):
    client.force_login(UserFactory(roles=["HR specialist"]))
    candidate = CandidateFactory()
    services.record_consent(candidate)
    intro = services.introduce(
        candidate, organisation=OrganisationFactory(), next_follow_up=datetime.date(2026, 1, 5)
    )
    response = client.post(
        reverse("emploi_conjoint:introduction-update", args=[intro.pk]),
        {"kind": "resultat", "date": "2026-01-10", "outcome": Outcome.HIRED, "next_follow_up": "2026-01-20"},
    )
    assert response.status_code == 302
    intro.refresh_from_db()
    assert intro.outcome == Outcome.HIRED
    assert intro.next_follow_up is None
