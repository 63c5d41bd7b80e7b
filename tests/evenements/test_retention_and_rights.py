"""Sign-ups are personal data: anonymised after the delay unless a dossier holds them, exported and erased
with the dossier they belong to."""

import datetime
import io
import json
import zipfile

import pytest
from django.utils import timezone

from accompagnement.models import Household
from evenements.models import Registration
from osez import retention, rights

from .conftest import make_event, register

pytestmark = pytest.mark.django_db


def test_sign_ups_without_a_dossier_are_anonymised_a_year_after_the_event(settings):
    settings.OSEZ_RETENTION_EVENT_MONTHS = 12
    long_ago = timezone.now() - datetime.timedelta(days=400)
    old = make_event(starts_at=long_ago, ends_at=long_ago + datetime.timedelta(hours=2))
    recent = make_event(starts_at=timezone.now() - datetime.timedelta(days=30), ends_at=None)
    household = Household.objects.create(email="suivie@exemple.fr")
    gone = register(
        old, "oubliee@exemple.fr", name="Oubliée Fictive", phone="0600000000", checked_in_at=long_ago
    )
    kept_by_dossier = register(old, "suivie@exemple.fr", name="Suivie Fictive", household=household)
    too_recent = register(recent, "recente@exemple.fr", name="Récente Fictive")
    counts = retention.apply_retention()
    assert counts["event_registrations_anonymised"] == 1
    gone.refresh_from_db()
    assert (gone.name, gone.email, gone.phone) == ("", "", "")
    assert gone.anonymised_at is not None and gone.checked_in_at is not None  # the figures stay
    assert Registration.objects.get(pk=kept_by_dossier.pk).name == "Suivie Fictive"
    assert Registration.objects.get(pk=too_recent.pk).name == "Récente Fictive"
    assert retention.apply_retention()["event_registrations_anonymised"] == 0  # once only


def test_a_dossier_export_holds_its_sign_ups_and_erasure_removes_them(event):
    household = Household.objects.create(email="camille@exemple.fr")
    register(event, "camille@exemple.fr", name="Camille Exemple", household=household)
    other = register(event, "autre@exemple.fr", name="Autre Personne")
    archive = zipfile.ZipFile(io.BytesIO(rights.export(household)))
    records = json.loads(archive.read("donnees.json"))["enregistrements"]
    sign_ups = [r for r in records if r["model"] == "evenements.registration"]
    assert [r["fields"]["name"] for r in sign_ups] == ["Camille Exemple"]
    rights.erase(household)
    assert list(Registration.objects.values_list("pk", flat=True)) == [other.pk]
