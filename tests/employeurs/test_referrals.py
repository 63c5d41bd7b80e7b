"""An employer refers a recruit who will move: a dossier opens for the advisors, and the employer sees the
stage of the installation only while the recruit agrees to share it — never the dossier itself."""

import pytest
from django.core import mail
from django.urls import reverse

from accompagnement import stages
from accompagnement.enums import Channel, IntakeChannel, Stage
from accompagnement.models import Household
from employeurs.models import Referral
from tests.factories import UserFactory
from tests.helpers import page_text

from .factories import EmployerAccountFactory, referral

pytestmark = pytest.mark.django_db

FORM = {
    "first_name": "Alix",
    "last_name": "Fictive",
    "email": "alix.fictive@example.org",
    "phone": "",
    "job_title": "Aide-soignante",
    "origin": "Lille",
    "adults": "2",
    "children": "2016, 2020",
    "arrival_date": "",
    "consent_contact": "on",
    "consent_share_stage": "on",
}


def test_a_referral_opens_an_unassigned_dossier_linked_to_the_employer(
    client, django_capture_on_commit_callbacks
):
    account = EmployerAccountFactory(organisation__name="Centre hospitalier fictif")
    client.force_login(account.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("employeurs:referral-create"), FORM)
    assert response.status_code == 302
    household = Household.objects.get()
    assert household.referrer == account.organisation
    assert household.advisor is None and household.stage == Stage.NEW  # assigned like a public request
    assert household.channel == Channel.PARTNER_EMPLOYER
    assert household.intake_channel == IntakeChannel.EMPLOYER_REFERRAL
    assert household.adults.order_by("pk").first().first_name == "Alix"
    assert sorted(c.birth_year for c in household.children.all()) == [2016, 2020]
    assert household.consent_given_at is not None
    assert len(mail.outbox) == 1 and household.reference in mail.outbox[0].subject  # the team is told
    ref = Referral.objects.get()
    assert ref.consent_contact and ref.shares_stage


def test_a_referral_without_the_recruits_consent_is_refused_and_opens_nothing(client):
    account = EmployerAccountFactory()
    client.force_login(account.user)
    response = client.post(reverse("employeurs:referral-create"), {**FORM, "consent_contact": ""})
    assert response.status_code == 200
    assert "Sans l'accord du ou de la salarié·e pour être contacté·e" in page_text(response)
    assert not Household.objects.exists() and not Referral.objects.exists()
    assert 'value="Alix"' in response.content.decode()  # what was typed is kept


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("children", "2016, deux mille", "« deux mille » n'est pas une année de naissance"),
        ("adults", "0", "Au moins un adulte"),
        ("arrival_date", "1999-01-01", "Indiquez une date entre il y a un an et dans deux ans."),
        ("email", "", "Indiquez un courriel ou un téléphone"),
    ],
)
def test_odd_referral_data_gets_a_clear_message(client, field, value, message):
    account = EmployerAccountFactory()
    client.force_login(account.user)
    response = client.post(reverse("employeurs:referral-create"), {**FORM, field: value})
    assert response.status_code == 200
    assert message in page_text(response)
    assert not Household.objects.exists()


def test_the_employer_sees_the_stage_the_advisor_moves_and_nothing_else(client):
    account = EmployerAccountFactory()
    ref = referral(account, first_name="Sacha", share=True)
    household = ref.household
    household.origin = "Ville d'origine secrète"
    household.save()
    advisor = UserFactory(roles=["installation advisor"])
    stages.record_first_contact(household, by=advisor, reason="Appel")
    client.force_login(account.user)
    home = page_text(client.get(reverse("employeurs:home")))
    assert "Sacha Fictif" in home and "Premier contact" in home
    detail = page_text(client.get(reverse("employeurs:referral", args=[ref.pk])))
    assert "Premier contact" in detail
    for secret in (
        household.reference,
        "Ville d'origine secrète",
        advisor.username,
        "prenom.fictif@example.org",
    ):
        assert secret not in home and secret not in detail


def test_no_stage_without_consent_and_withdrawal_hides_it_at_once(client):
    account = EmployerAccountFactory()
    quiet = referral(account, first_name="Quiet", share=False)
    shared = referral(account, first_name="Shared", share=True)
    client.force_login(account.user)
    home = page_text(client.get(reverse("employeurs:home")))
    assert home.count("Nouvelle demande") == 1
    assert "non partagée par le ou la salarié·e" in home

    lead = UserFactory(roles=["team lead"])
    client.force_login(lead)
    dossier = page_text(client.get(reverse("accompagnement:dossier", args=[shared.household_id])))
    assert "Orienté par un employeur partenaire" in dossier
    response = client.post(reverse("employeurs_staff:withdraw-sharing", args=[shared.pk]))
    assert response.status_code == 302

    client.force_login(account.user)
    home = page_text(client.get(reverse("employeurs:home")))
    assert "Nouvelle demande" not in home
    detail = page_text(client.get(reverse("employeurs:referral", args=[shared.pk])))
    assert "ne partage pas l'étape" in detail
    assert quiet.household_id != shared.household_id


def test_an_advisor_cannot_withdraw_on_a_colleagues_dossier(client):
    account = EmployerAccountFactory()
    ref = referral(account)
    colleague = UserFactory(roles=["installation advisor"])
    ref.household.advisor = colleague
    ref.household.save()
    client.force_login(UserFactory(roles=["installation advisor"]))
    assert client.post(reverse("employeurs_staff:withdraw-sharing", args=[ref.pk])).status_code == 403
    ref.refresh_from_db()
    assert ref.shares_stage
