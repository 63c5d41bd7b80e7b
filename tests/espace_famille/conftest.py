"""Fictional households with a family space, and a client signed in as one of their adults."""

import importlib
import re

import pytest
from django.core import mail

from accompagnement import models as acc
from accompagnement.enums import Need, Stage
from espace_famille import services
from tests.factories import UserFactory
from tests.helpers import clear_worker_cache

LINK = re.compile(r"/mon-espace/connexion/([A-Za-z0-9_\-]+)/")


@pytest.fixture(autouse=True)
def _seeded_checklists(request):
    """The checklists the data migration writes; a transactional test elsewhere may have emptied the table."""
    if request.node.get_closest_marker("django_db") is None:
        return
    from django.apps import apps

    from espace_famille.models import ChecklistItem

    if not ChecklistItem.objects.exists():
        importlib.import_module("espace_famille.migrations.0002_seed_checklists").seed(apps, None)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    clear_worker_cache()
    yield
    clear_worker_cache()


@pytest.fixture
def advisor(db):
    return UserFactory(
        username="conseil-fictif",
        first_name="Conseillère",
        last_name="Fictive",
        roles=["installation advisor"],
    )


def make_household(advisor=None, email="famille.fictive@example.org", first_name="Camille"):
    household = acc.Household.objects.create(email=email, origin="Lyon", advisor=advisor, stage=Stage.PROJECT)
    adult = acc.Adult.objects.create(
        household=household, first_name=first_name, last_name="Fictif", email=email
    )
    acc.HouseholdNeed.objects.create(household=household, kind=Need.SCHOOL)
    acc.HouseholdNeed.objects.create(household=household, kind=Need.DOCTOR)
    return household, adult


@pytest.fixture
def family(advisor):
    return make_household(advisor)


@pytest.fixture
def other_family(db):
    other_advisor = UserFactory(username="autre-conseil", roles=["installation advisor"])
    return make_household(other_advisor, email="autre.famille@example.org", first_name="Dominique")


def link_from_outbox(index=-1):
    body = mail.outbox[index].body
    found = LINK.search(body)
    assert found, body
    return found.group(1)


def sign_in(client, adult):
    """Sign in through the real link, as a family does."""
    token = services.issue_link(adult)
    response = client.post(f"/mon-espace/connexion/{token}/")
    assert response.status_code == 302 and response["Location"] == "/mon-espace/"
    return response


@pytest.fixture
def family_client(client, family):
    sign_in(client, family[1])
    return client
