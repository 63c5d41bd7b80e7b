"""Campaigns and channels: the parameters a family arrived by reach its dossier, cleaned, never refused,
without a cookie and without splitting the shared page cache."""

import pytest

from accompagnement.models import Household
from portail import campaign
from portail.models import SupportRequest

from .test_request import VALID

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("linkedin", "linkedin"),
        ("LinkedIn Ads ", "linkedin-ads"),
        ("Salon de l'Étudiant 2026", "salon-de-l-etudiant-2026"),
        ('=HYPERLINK("http://x")', "hyperlink-http-x"),
        ("<script>alert(1)</script>", "script-alert-1-script"),
        ("a" * 500, "a" * 60),
        ("   ", ""),
        ("ça", "ca"),
    ],
)
def test_values_are_cleaned_not_refused(given, stored):
    assert campaign.clean(given) == stored


def test_the_campaign_sent_with_the_request_is_stored_on_the_dossier_and_shown(
    client, territory, django_capture_on_commit_callbacks
):
    from osez.roles import TEAM_LEAD
    from tests.factories import UserFactory

    data = {
        **VALID,
        "campaign_source": "LinkedIn",
        "campaign_medium": "social",
        "campaign_name": "Printemps-Infirmiers 2027!",  # unknown to us: stored as given, cleaned
        "referral": "evenement-12",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/demande/", data)
    assert response.status_code == 302
    request = SupportRequest.objects.get()
    assert (request.campaign_source, request.campaign_name) == ("linkedin", "printemps-infirmiers-2027")
    household = Household.objects.get(support_request=request)
    assert household.campaign_source == "linkedin"
    assert household.campaign_medium == "social"
    assert household.campaign_name == "printemps-infirmiers-2027"
    assert household.referral == "evenement-12"
    client.force_login(UserFactory(username="lead-campagne", roles=[TEAM_LEAD]))
    page = client.get(household.get_absolute_url()).content.decode()
    assert "printemps-infirmiers-2027" in page and "linkedin" in page


def test_a_request_without_campaign_is_stored_with_none(
    client, territory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/demande/", VALID)
    household = Household.objects.get()
    assert (household.campaign_source, household.campaign_name, household.referral) == ("", "", "")


def test_a_link_to_the_form_prefills_the_campaign_fields(client, territory):
    page = client.get("/demande/?ref=evenement-7&utm_source=Affiche&utm_campaign=soiree").content.decode()
    assert 'name="referral" value="evenement-7"' in page
    assert 'name="campaign_source" value="affiche"' in page
    assert 'name="campaign_name" value="soiree"' in page
    assert 'data-campaign="utm_medium"' in page  # the script may fill what the link did not say


def test_campaign_parameters_set_no_cookie_and_share_the_cached_page(client, territory, settings):
    first = client.get("/communes/", {"utm_source": "linkedin", "utm_campaign": "printemps"})
    second = client.get("/communes/", {"utm_source": "affiche"})
    assert first.status_code == second.status_code == 200
    assert not first.cookies and not second.cookies
    assert "public" in first["Cache-Control"]
    assert first.content == second.content  # one shared page, whatever the campaign
    assert "/static/js/campaign.js" in first.content.decode()
