"""load_demo: fictional staff, partners and dossiers at every stage; idempotent; password only in DEBUG."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from accompagnement.enums import Stage
from accompagnement.models import Household
from osez import roles
from partenaires.models import Organisation

pytestmark = pytest.mark.django_db


def run():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_covers_every_stage_and_is_idempotent(settings):
    settings.DEBUG = False
    output = run()
    demo = Household.objects.filter(reference__startswith="FICTIF-ACC-")
    assert set(demo.values_list("stage", flat=True)) == set(Stage.values)
    assert all("(fictif)" in a.last_name for h in demo for a in h.adults.all())
    assert demo.filter(stage=Stage.ARRIVED).first().tasks.exists()
    counts = (Household.objects.count(), Organisation.objects.count(), get_user_model().objects.count())
    assert "fictives" in output
    assert "osez-demo-2026" not in output  # DEBUG off: no credentials printed
    assert not get_user_model().objects.get(username="conseillere.demo").has_usable_password()
    run()
    assert (
        Household.objects.count(),
        Organisation.objects.count(),
        get_user_model().objects.count(),
    ) == counts


def test_demo_prints_credentials_in_debug_and_they_work(settings, client):
    settings.DEBUG = True
    output = run()
    assert "osez-demo-2026" in output and "conseillere.demo" in output
    user = get_user_model().objects.get(username="conseillere.demo")
    assert user.groups.filter(name=roles.ADVISOR).exists() and user.is_staff
    assert client.login(username="conseillere.demo", password="osez-demo-2026")
