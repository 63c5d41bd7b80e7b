"""No staff page of either team answers 500: the HR home with each kind of request, and every page
reachable from the navigation for every demo role, on the demo data and on edge cases."""

import io
import re
from collections import deque

import pytest
from django.core.management import call_command
from django.urls import reverse

from accompagnement.enums import Need
from accompagnement.models import Household
from emploi_conjoint.models import Candidate
from portail.models import SupportRequest
from portail.signals import support_request_submitted
from tests.factories import UserFactory
from tests.helpers import page_text

from .factories import AdultFactory, CandidateFactory, HouseholdFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = ["conseillere.demo", "responsable.demo", "rh.demo", "marketing.demo", "admin.demo"]
# Pages a crawl must not open: they end the session, change data on GET, or only repeat a list sorted
# or filtered another way.
SKIP = re.compile(r"logout|/delete/|/history/|password|[?&](o|_changelist_filters|e|p|q|all)=|/r/\d+/")
HREF = re.compile(r'href="(/admin/[^"#]*)"')
MAX_PAGES_PER_ROLE = 140


def submit_request(needs, django_capture_on_commit_callbacks):
    request = SupportRequest.objects.create(
        first_name="Léa",
        last_name="Exemple (fictive)",
        email="lea@example.org",
        adults=2,
        children=[],
        origin="Nantes",
        needs=needs,
        arrival_horizon="6m",
        consent_text_version="2026-01",
    )
    with django_capture_on_commit_callbacks(execute=True):
        support_request_submitted.send(sender=SupportRequest, support_request=request)
    return Household.objects.get(support_request=request)


@pytest.mark.parametrize("need", [*Need.values, "all"])
def test_hr_home_opens_with_a_new_request_for_each_need(client, need, django_capture_on_commit_callbacks):
    """Regression: a new request has no advisor, and the HR home read the name of nobody (500)."""
    needs = list(Need.values) if need == "all" else [need]
    household = submit_request(needs, django_capture_on_commit_callbacks)
    assert household.advisor is None
    client.force_login(UserFactory(roles=["HR specialist"]))
    response = client.get(reverse("accompagnement:home"))
    assert response.status_code == 200
    text = page_text(response)
    if Need.SPOUSE_JOB in needs:
        assert household.reference in text
        assert "Pas encore attribué" in text
        assert "Ouvrir ou voir le suivi emploi" in text
    else:
        assert household.reference not in text


def _crawl(client, start_urls):
    seen, queue, statuses = set(), deque(start_urls), {}
    while queue and len(seen) < MAX_PAGES_PER_ROLE:
        url = queue.popleft()
        if url in seen or SKIP.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        statuses[url] = response.status_code
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            for href in HREF.findall(response.content.decode()):
                href = href.replace("&amp;", "&")
                if href not in seen:
                    queue.append(href)
    return statuses


def _edge_cases():
    """A request nobody took yet, a candidate entered without a stage log, an organisation with nothing."""
    from accompagnement.enums import NeedState
    from accompagnement.models import HouseholdNeed

    lonely = HouseholdFactory(reference="TEST-SANS-CONSEILLER")
    HouseholdNeed.objects.create(household=lonely, kind=Need.SPOUSE_JOB, state=NeedState.TO_DO)
    adult = AdultFactory(household=lonely)
    # Entered by hand (as the admin allows): no transition row at all.
    Candidate.objects.create(adult=adult, home_commune=None)
    OrganisationFactory(name="Organisation sans dossier (fictive)", commune=None)
    CandidateFactory(home_commune=None)


@pytest.mark.parametrize("username", DEMO_ACCOUNTS)
def test_every_staff_page_reachable_from_the_navigation_opens(client, username):
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    _edge_cases()
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    statuses = _crawl(client, ["/admin/", "/admin/accompagnement/", "/admin/emploi/"])
    errors = {url: code for url, code in statuses.items() if code >= 500}
    assert not errors
    assert len(statuses) > 3  # the crawl really went through pages
