"""The demo dossiers that arrived get a family space one can sign in to; loading twice changes nothing."""

import io

import pytest
from django.core.management import call_command

from espace_famille.models import ChecklistTick, Message

pytestmark = pytest.mark.django_db


def test_load_demo_gives_arrived_families_a_space(client):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Espaces famille fictifs" in out.getvalue()
    messages, ticks = Message.objects.count(), ChecklistTick.objects.count()
    assert messages >= 2 and ticks >= 1
    assert all("fictif" in m.text for m in Message.objects.all())
    call_command("load_demo", stdout=io.StringIO())
    assert (Message.objects.count(), ChecklistTick.objects.count()) == (messages, ticks)
    address = out.getvalue().split("/mon-espace/connexion/ pour ")[1].split(",")[0].split(" ")[0]
    assert client.post("/mon-espace/connexion/", {"email": address}).status_code == 200
    from django.core import mail

    assert mail.outbox and "/mon-espace/connexion/" in mail.outbox[-1].body
