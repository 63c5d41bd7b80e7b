"""One truth: the dossier's spouse-job need and the HR stage move together, whichever side changes;
the family's advisor sees the stage in the dossier; follow-ups open only where the need exists."""

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from accompagnement.enums import Need, NeedState
from accompagnement.enums import Stage as DossierStage
from accompagnement.models import HouseholdNeed
from emploi_conjoint import services, stages
from emploi_conjoint.enums import Stage
from emploi_conjoint.models import Candidate
from tests.factories import UserFactory
from tests.helpers import page_text

from .factories import PDF_BYTES, AdultFactory, CandidateFactory, HouseholdFactory, upload

pytestmark = pytest.mark.django_db


def need_of(candidate):
    return HouseholdNeed.objects.get(household=candidate.household, kind=Need.SPOUSE_JOB)


@pytest.fixture
def followed():
    household = HouseholdFactory(advisor=UserFactory(roles=["installation advisor"]))
    HouseholdNeed.objects.create(household=household, kind=Need.SPOUSE_JOB, state=NeedState.TO_DO)
    return CandidateFactory(adult=AdultFactory(household=household))


def walk_to_interview(candidate):
    services.add_cv_version(candidate, upload("cv.pdf", PDF_BYTES))
    services.record_consent(candidate)
    for target in (Stage.BILAN, Stage.CV_PRET, Stage.PROSPECTION, Stage.ENTRETIEN):
        stages.move(candidate, target)


def test_opening_the_follow_up_puts_the_need_in_progress(followed):
    assert need_of(followed).state == NeedState.IN_PROGRESS


def test_hr_stages_drive_the_need(followed):
    walk_to_interview(followed)
    assert need_of(followed).state == NeedState.IN_PROGRESS
    stages.move(followed, Stage.EN_POSTE)
    need = need_of(followed)
    assert need.state == NeedState.RESOLVED and need.resolved_on is not None


def test_abandon_makes_the_need_not_applicable_and_resuming_reopens_it(followed):
    stages.move(followed, Stage.ABANDON, reason="ne cherche plus")
    assert need_of(followed).state == NeedState.NOT_APPLICABLE
    stages.move(followed, Stage.ACCUEIL)
    assert need_of(followed).state == NeedState.IN_PROGRESS


def test_advisor_marking_the_need_resolved_puts_the_spouse_in_work(followed):
    walk_to_interview(followed)
    need = need_of(followed)
    need.state = NeedState.RESOLVED
    need.save()
    followed.refresh_from_db()
    assert followed.stage == Stage.EN_POSTE
    assert "dans le dossier famille" in followed.transitions.last().reason


def test_advisor_marking_the_need_not_applicable_stops_the_search_and_reopening_resumes_it(followed):
    stages.move(followed, Stage.BILAN)
    need = need_of(followed)
    need.state = NeedState.NOT_APPLICABLE
    need.save()
    followed.refresh_from_db()
    assert followed.stage == Stage.ABANDON
    need.state = NeedState.TO_DO
    need.save()
    followed.refresh_from_db()
    assert followed.stage == Stage.BILAN
    # With a follow-up open, the need reads "en cours", not "à traiter": one truth.
    assert need_of(followed).state == NeedState.IN_PROGRESS


def test_advisor_sees_the_hr_stage_of_their_own_family_in_the_dossier(client, followed):
    walk_to_interview(followed)
    stages.move(followed, Stage.EN_POSTE)
    client.force_login(followed.household.advisor)
    html = page_text(client.get(reverse("accompagnement:dossier", args=[followed.household.pk])))
    text = " ".join(strip_tags(html).split())
    assert "Emploi du conjoint (équipe RH)" in text
    assert f"{followed.adult.first_name} : En poste" in text


def test_the_hr_panel_says_nothing_on_another_advisors_dossier(client, followed):
    from accompagnement.panels import dossier_panels

    class Request:
        user = UserFactory(roles=["installation advisor"])

    followed.household.stage = DossierStage.FIRST_CONTACT
    assert not [t for t, _ in dossier_panels(Request, followed.household) if "emploi_conjoint" in t]


# --- Candidates only where a need exists ---------------------------------------------------------------


def test_new_follow_up_offers_only_adults_of_open_dossiers_with_the_need(client):
    hr = UserFactory(roles=["HR specialist"])
    with_need = AdultFactory(first_name="Avecbesoin")
    HouseholdNeed.objects.create(household=with_need.household, kind=Need.SPOUSE_JOB)
    without_need = AdultFactory(first_name="Sansbesoin")
    closed = AdultFactory(first_name="Dossierclos", household=HouseholdFactory(stage=DossierStage.CLOSED))
    HouseholdNeed.objects.create(household=closed.household, kind=Need.SPOUSE_JOB)
    not_applicable = AdultFactory(first_name="Sansobjet")
    HouseholdNeed.objects.create(
        household=not_applicable.household, kind=Need.SPOUSE_JOB, state=NeedState.NOT_APPLICABLE
    )
    client.force_login(hr)
    offered = set(
        client.get(reverse("emploi_conjoint:candidate-create")).context["form"].fields["adult"].queryset
    )
    assert offered == {with_need}
    assert without_need not in offered


def test_open_a_follow_up_from_the_dossier_need(client):
    hr = UserFactory(roles=["HR specialist"])
    household = HouseholdFactory()
    AdultFactory(household=household, first_name="Parent", is_spouse_seeking_job=False)
    spouse = AdultFactory(household=household, first_name="Conjointe")
    need = HouseholdNeed.objects.create(household=household, kind=Need.SPOUSE_JOB)
    client.force_login(hr)
    response = client.get(reverse("emploi_conjoint:open-from-need", args=[need.pk]), follow=True)
    form = response.context["form"]
    assert form.initial["adult"] == spouse.pk
    assert set(form.fields["adult"].queryset) == set(household.adults.all())
    response = client.post(
        response.redirect_chain[-1][0],
        {"adult": spouse.pk, "hr_specialist": hr.pk, "work_time": "either", "commute_km": "25"},
    )
    candidate = Candidate.objects.get(adult=spouse)
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.state == NeedState.IN_PROGRESS
    # Opened again from the same need: the existing follow-up, not a second one.
    again = client.get(reverse("emploi_conjoint:open-from-need", args=[need.pk]))
    assert again["Location"] == reverse("emploi_conjoint:candidate", args=[candidate.pk])


def test_no_follow_up_from_a_need_marked_not_applicable(client):
    client.force_login(UserFactory(roles=["HR specialist"]))
    household = HouseholdFactory()
    AdultFactory(household=household)
    need = HouseholdNeed.objects.create(
        household=household, kind=Need.SPOUSE_JOB, state=NeedState.NOT_APPLICABLE
    )
    response = client.get(reverse("emploi_conjoint:open-from-need", args=[need.pk]), follow=True)
    assert "marqué sans objet" in page_text(response)
    assert not Candidate.objects.exists()
