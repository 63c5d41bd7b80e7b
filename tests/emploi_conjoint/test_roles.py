"""Who sees what: HR specialists work on CVs, advisors see only the stage, marketing only the figures."""

import pytest
from django.urls import reverse

from emploi_conjoint import services
from osez.models import AccessLog
from tests.factories import UserFactory
from tests.helpers import page_text

from .factories import PDF_BYTES, CandidateFactory, OpportunityFactory, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate():
    candidate = CandidateFactory()
    candidate.cv = services.add_cv_version(candidate, upload("cv.pdf", PDF_BYTES))
    return candidate


def hr_urls(candidate):
    offer = OpportunityFactory()
    return [
        reverse("emploi_conjoint:board"),
        reverse("emploi_conjoint:candidate", args=[candidate.pk]),
        reverse("emploi_conjoint:cv-list", args=[candidate.pk]),
        reverse("emploi_conjoint:cv-download", args=[candidate.cv.pk]),
        reverse("emploi_conjoint:follow-ups"),
        reverse("emploi_conjoint:opportunities"),
        reverse("partenaires:organisations"),
        reverse("partenaires:organisation-import"),
        reverse("partenaires:organisation-import-template"),
        reverse("partenaires:organisation-create"),
        reverse("emploi_conjoint:opportunity", args=[offer.pk]),
        reverse("emploi_conjoint:opportunity-edit", args=[offer.pk]),
        reverse("emploi_conjoint:opportunity-create"),
        reverse("emploi_conjoint:consent", args=[candidate.pk]),
        reverse("emploi_conjoint:introduction-create", args=[candidate.pk]),
        reverse("emploi_conjoint:candidate-edit", args=[candidate.pk]),
        reverse("emploi_conjoint:candidate-create"),
    ]


def test_advisor_sees_the_stage_but_not_the_cv(client, candidate):
    advisor = UserFactory(roles=["installation advisor"])
    candidate.household.advisor = advisor
    candidate.household.save()
    client.force_login(advisor)
    followed = client.get(reverse("emploi_conjoint:followed"))
    assert followed.status_code == 200
    page = page_text(followed)
    assert str(candidate) in page
    assert "Accueil" in page
    assert "cv.pdf" not in page
    assert client.get(reverse("emploi_conjoint:cv-download", args=[candidate.cv.pk])).status_code == 403
    assert client.get(reverse("emploi_conjoint:cv-list", args=[candidate.pk])).status_code == 403
    assert client.get(reverse("emploi_conjoint:candidate", args=[candidate.pk])).status_code == 403
    assert not AccessLog.objects.filter(action="download").exists()


def test_staff_landing_on_the_workspace_go_where_their_role_allows(client):
    client.force_login(UserFactory(roles=["installation advisor"]))
    assert client.get(reverse("emploi_conjoint:board"))["Location"] == reverse("emploi_conjoint:followed")
    client.force_login(UserFactory(roles=["marketing"]))
    assert client.get(reverse("emploi_conjoint:board"))["Location"] == reverse("emploi_conjoint:figures")
    client.force_login(UserFactory(roles=[]))
    assert client.get(reverse("emploi_conjoint:board")).status_code == 403


def test_marketing_sees_figures_only(client, candidate):
    client.force_login(UserFactory(roles=["marketing"]))
    assert client.get(reverse("emploi_conjoint:figures")).status_code == 200
    assert client.get(reverse("emploi_conjoint:figures-csv")).status_code == 200
    assert client.get(reverse("emploi_conjoint:followed")).status_code == 403
    for url in hr_urls(candidate)[1:]:  # the board itself redirects to the figures (tested above)
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", ["HR specialist", "admin"])
def test_hr_and_admins_reach_every_page(client, candidate, role):
    client.force_login(UserFactory(roles=[role]))
    for url in hr_urls(candidate):
        assert client.get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_the_login_page(client, candidate):
    response = client.get(reverse("emploi_conjoint:cv-download", args=[candidate.cv.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_advisor_cannot_move_a_card(client, candidate):
    client.force_login(UserFactory(roles=["installation advisor"]))
    response = client.post(
        reverse("emploi_conjoint:candidate-move", args=[candidate.pk]), {"target": "bilan"}
    )
    assert response.status_code == 403
    candidate.refresh_from_db()
    assert candidate.stage == "accueil"


def test_reading_a_candidate_is_audited(client, candidate):
    hr = UserFactory(roles=["HR specialist"])
    client.force_login(hr)
    client.get(reverse("emploi_conjoint:candidate", args=[candidate.pk]))
    assert AccessLog.objects.filter(action="view", user=hr, object_id=str(candidate.pk)).exists()
