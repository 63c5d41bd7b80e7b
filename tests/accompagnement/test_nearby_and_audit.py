"""Nearest places for the dossier (right school levels, distances) and what the audit trails keep."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from accompagnement import nearby
from accompagnement.enums import InteractionKind, Need
from accompagnement.models import Interaction, school_level
from osez.models import AccessLog
from tests.factories import CommuneFactory, LayerFactory, PlaceFactory, UserFactory

from .factories import ChildFactory, HouseholdFactory, NeedFactory

pytestmark = pytest.mark.django_db


def test_haversine_troyes_to_paris_is_about_141_km():
    distance = nearby.haversine_km(48.2973, 4.0744, [48.8566], [2.3522])[0]
    assert 139 < distance < 143  # great-circle distance between the two town halls


@pytest.mark.parametrize(
    ("age", "level"),
    [(1, "petite_enfance"), (3, "maternelle"), (6, "elementaire"), (10, "elementaire"), (11, "college"),
     (15, "lycee"), (19, "apres_bac")],
)  # fmt: skip
def test_school_level_from_birth_year(age, level):
    import datetime

    september = datetime.date(2026, 9, 15)
    assert school_level(2026 - age, today=september)[0] == level


def test_nearest_places_of_the_childrens_levels_sorted_by_distance():
    commune = CommuneFactory(latitude=48.30, longitude=4.08)
    schools = LayerFactory(slug="ecoles-elementaires", name="Écoles élémentaires")
    colleges = LayerFactory(slug="colleges", name="Collèges")
    LayerFactory(slug="pharmacies", name="Pharmacies")
    far = PlaceFactory(layer=schools, commune=commune, name="Loin", latitude=48.40, longitude=4.08)
    near = PlaceFactory(layer=schools, commune=commune, name="Près", latitude=48.301, longitude=4.08)
    PlaceFactory(
        layer=schools, commune=commune, name="Fermée", latitude=48.300, longitude=4.08, is_active=False
    )
    PlaceFactory(layer=colleges, commune=commune, name="Collège")
    household = HouseholdFactory()
    household.communes_considered.add(commune)
    ChildFactory(household=household, birth_year=timezone.localdate().year - 8)

    [(found_commune, layers)] = nearby.nearby_for_household(household)
    by_slug = {layer.slug: places for layer, places in layers.items()}
    assert found_commune == commune
    assert [p.place for p in by_slug["ecoles-elementaires"]] == [near, far]
    assert by_slug["ecoles-elementaires"][0].distance_km == 0.1
    assert by_slug["ecoles-elementaires"][1].distance_km == pytest.approx(11.1, abs=0.1)
    assert "colleges" not in by_slug  # no child of collège age
    assert "pharmacies" not in by_slug  # a layer with nothing near is left out


def test_dossier_reads_are_logged_and_notes_stay_out_of_auditlog(client):
    advisor = UserFactory(roles=["installation advisor"])
    household = HouseholdFactory(advisor=advisor)
    need = NeedFactory(household=household, kind=Need.DOCTOR)
    need.note = "Texte sensible de la note"
    need.save()
    Interaction.objects.create(household=household, kind=InteractionKind.NOTE, text="Autre texte sensible")
    client.force_login(advisor)
    client.get(reverse("accompagnement:dossier", args=[household.pk]))
    assert AccessLog.objects.filter(user=advisor, action="view", object_id=str(household.pk)).exists()
    changes = " ".join(str(entry.changes) for entry in LogEntry.objects.all())
    assert LogEntry.objects.exists()
    assert "Texte sensible" not in changes and "Autre texte sensible" not in changes
