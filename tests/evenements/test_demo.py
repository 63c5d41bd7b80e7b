"""The demo events: fictional, published, idempotent."""

import io

import pytest
from django.core.management import call_command

from evenements.models import Event, Registration

pytestmark = pytest.mark.django_db


def test_demo_events_are_fictional_and_loaded_once(client):
    call_command("load_demo", stdout=io.StringIO())
    events = list(Event.objects.all())
    assert len(events) == 3 and all("fictive" in e.title or "fictif" in e.title for e in events)
    assert all("fictif" in r.name for r in Registration.objects.all())
    assert (
        "Soirée d&#x27;accueil des nouveaux habitants (fictive)"
        in client.get("/evenements/").content.decode()
    )
    call_command("load_demo", stdout=io.StringIO())
    assert Event.objects.count() == 3
