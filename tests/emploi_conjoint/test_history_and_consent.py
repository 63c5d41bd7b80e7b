"""Introductions keep every step; one active consent; withdrawal closes it, pauses, cancels follow-ups."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from emploi_conjoint import services, stages
from emploi_conjoint.enums import Outcome, RefusalReason, Stage, StepKind
from emploi_conjoint.models import Consent
from partenaires.models import Contact
from tests.factories import UserFactory
from tests.helpers import page_text

from .factories import PDF_BYTES, CandidateFactory, OrganisationFactory, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(client):
    user = UserFactory(roles=["HR specialist"])
    client.force_login(user)
    return user


def in_prospection():
    candidate = CandidateFactory()
    services.add_cv_version(candidate, upload("cv.pdf", PDF_BYTES))
    services.record_consent(candidate)
    for target in (Stage.BILAN, Stage.CV_PRET, Stage.PROSPECTION):
        stages.move(candidate, target)
    return candidate


def test_three_steps_are_kept_in_order_and_hired_puts_the_person_in_work(client, hr):
    candidate = in_prospection()
    org = OrganisationFactory(name="Centre hospitalier fictif")
    drh = Contact.objects.create(organisation=org, name="Responsable RH (fictif)", role="DRH")
    intro = services.introduce(candidate, organisation=org, notes="CV envoyé à la DRH", by=hr)
    url = reverse("emploi_conjoint:introduction-update", args=[intro.pk])
    today = datetime.date.today()
    interview_on = today + datetime.timedelta(days=4)
    response = client.post(
        url,
        {
            "kind": StepKind.INTERVIEW,
            "date": interview_on.isoformat(),
            "contact": drh.pk,
            "note": "Bon contact",
        },
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.stage == Stage.ENTRETIEN
    hired_on = today + datetime.timedelta(days=10)
    client.post(url, {"kind": StepKind.OUTCOME, "date": hired_on.isoformat(), "outcome": Outcome.HIRED})
    steps = list(intro.steps.order_by("date", "pk"))
    assert [s.kind for s in steps] == [StepKind.CV_SENT, StepKind.INTERVIEW, StepKind.OUTCOME]
    assert steps[0].note == "CV envoyé à la DRH"  # not overwritten by the later steps
    assert steps[1].contact == drh and steps[1].date == interview_on
    candidate.refresh_from_db()
    assert candidate.stage == Stage.EN_POSTE
    text = page_text(client.get(url))
    assert "CV envoyé à la DRH" in text and "Responsable RH (fictif)" in text and "Embauche" in text
    timeline = page_text(client.get(reverse("emploi_conjoint:candidate", args=[candidate.pk])))
    assert f"Centre hospitalier fictif : Entretien du {interview_on:%d/%m/%Y}" in timeline
    assert "avec Responsable RH (fictif) — Bon contact" in timeline


def test_an_interview_needs_a_named_contact_and_a_typed_name_becomes_one(client, hr):
    candidate = in_prospection()
    org = OrganisationFactory()
    intro = services.introduce(candidate, organisation=org)
    url = reverse("emploi_conjoint:introduction-update", args=[intro.pk])
    response = client.post(url, {"kind": StepKind.INTERVIEW, "date": "2026-03-10", "note": "gardé"})
    assert response.status_code == 200
    assert "Indiquez avec qui l'entretien a lieu" in page_text(response)
    assert "gardé" in page_text(response)  # what was typed stays
    client.post(
        url, {"kind": StepKind.INTERVIEW, "date": "2026-03-10", "new_contact_name": "Chef de service"}
    )
    assert org.contacts.get().name == "Chef de service"


def test_no_follow_up_needs_a_reason_from_the_list(client, hr):
    candidate = in_prospection()
    intro = services.introduce(candidate, organisation=OrganisationFactory())
    url = reverse("emploi_conjoint:introduction-update", args=[intro.pk])
    response = client.post(
        url, {"kind": StepKind.OUTCOME, "date": "2026-03-10", "outcome": Outcome.NO_FOLLOW_UP}
    )
    assert "Choisissez pourquoi" in page_text(response)
    client.post(
        url,
        {"kind": StepKind.OUTCOME, "date": "2026-03-10", "outcome": Outcome.NO_FOLLOW_UP, "reason": "pourvu"},
    )
    intro.refresh_from_db()
    assert intro.outcome == Outcome.NO_FOLLOW_UP
    assert intro.steps.get(kind=StepKind.OUTCOME).reason == RefusalReason.FILLED


# --- Consent ----------------------------------------------------------------------------------------


def test_only_one_active_consent(client, hr):
    candidate = CandidateFactory()
    services.record_consent(candidate)
    with pytest.raises(services.ConsentRefused, match="déjà actif"):
        services.record_consent(candidate)
    response = client.post(
        reverse("emploi_conjoint:consent", args=[candidate.pk]),
        {"agreed": "on", "given_on": "2026-03-02"},
        follow=True,
    )
    assert candidate.consents.count() == 1
    assert "déjà actif" in page_text(response)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(candidate=candidate, text_version="x")


def test_withdrawal_says_what_it_will_do_then_closes_pauses_and_cancels(client, hr):
    candidate = in_prospection()
    stages.move(candidate, Stage.ENTRETIEN)
    org = OrganisationFactory(name="Clinique fictive")
    intro = services.introduce(candidate, organisation=org, next_follow_up=datetime.date(2030, 1, 5))
    url = reverse("emploi_conjoint:consent-withdraw", args=[candidate.pk])
    page = page_text(client.get(url))
    assert "passe de « En entretien » à « En pause »" in page
    assert "1 relance prévue est annulée" in page and "Clinique fictive" in page
    # Not confirmed: nothing changes, and the page says why.
    response = client.post(url, {"reason": "par courriel"})
    assert "Cochez la case pour confirmer" in page_text(response)
    assert candidate.has_consent
    client.post(url, {"confirm": "on", "reason": "par courriel"})
    candidate.refresh_from_db()
    intro.refresh_from_db()
    assert not candidate.has_consent
    assert candidate.consents.get().withdrawal_reason == "par courriel"
    assert candidate.stage == Stage.PAUSE and candidate.held_from_stage == Stage.ENTRETIEN
    assert intro.next_follow_up is None
    assert "consentement retiré" in intro.steps.get(kind=StepKind.NOTE).note
    with pytest.raises(services.IntroductionRefused):
        services.introduce(candidate, organisation=org)


def test_a_proof_is_kept_in_private_storage(client, hr, settings):
    candidate = CandidateFactory()
    client.post(
        reverse("emploi_conjoint:consent", args=[candidate.pk]),
        {"agreed": "on", "given_on": "2026-03-02", "proof": upload("accord.pdf", PDF_BYTES)},
    )
    consent = candidate.consents.get()
    assert consent.proof.name.endswith(".pdf")
    assert str(settings.PRIVATE_MEDIA_ROOT) in consent.proof.path
    bad = CandidateFactory()
    response = client.post(
        reverse("emploi_conjoint:consent", args=[bad.pk]),
        {"agreed": "on", "given_on": "2026-03-02", "proof": upload("accord.html", b"<html>")},
    )
    assert "n'est pas un CV accepté" in page_text(response) or "contenu" in page_text(response)
    assert not bad.consents.exists()
