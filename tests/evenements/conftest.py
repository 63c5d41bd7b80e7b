"""Events for the tests: one published event a week from now, staff accounts, and a fresh cache."""

import datetime

import pytest
from django.utils import timezone

from evenements.enums import EventStatus
from evenements.models import CONSENT_TEXT_VERSION, Event, Registration
from osez.roles import ADVISOR, MARKETING, TEAM_LEAD
from tests.factories import CommuneFactory, UserFactory
from tests.helpers import clear_worker_cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_worker_cache()  # rate-limit counters and cached pages
    yield
    clear_worker_cache()


def make_event(**fields):
    starts = timezone.now() + datetime.timedelta(days=7)
    values = {
        "title_fr": "Soirée d'accueil (fictive)",
        "status": EventStatus.PUBLISHED,
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=2),
        "place_name": "Salle des fêtes (fictive)",
        "address": "1 rue de l'Exemple",
        "capacity": 10,
        "audience_fr": "Nouveaux habitants",
        "description_fr": "Une soirée pour rencontrer l'équipe.",
    }
    values.update(fields)
    return Event.objects.create(**values)


def register(event, email, *, party_size=1, status="inscrit", name="Camille Exemple", **fields):
    return Registration.objects.create(
        event=event,
        name=name,
        email=email,
        party_size=party_size,
        status=status,
        consent_text_version=CONSENT_TEXT_VERSION,
        **fields,
    )


@pytest.fixture
def event(db):
    return make_event(commune=CommuneFactory(code_insee="10387", name="Troyes"))


@pytest.fixture
def advisor(db):
    return UserFactory(username="conseil-evenements", roles=[ADVISOR])


@pytest.fixture
def colleague(db):
    return UserFactory(username="collegue-evenements", roles=[ADVISOR])


@pytest.fixture
def lead(db):
    return UserFactory(username="responsable-evenements", roles=[TEAM_LEAD])


@pytest.fixture
def marketing(db):
    return UserFactory(username="marketing-evenements", roles=[MARKETING])


def sign_up_data(**overrides):
    data = {
        "name": "Camille Exemple",
        "email": "camille@exemple.fr",
        "party_size": "2",
        "phone": "",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data
