"""An expected child is accepted with its childcare need; babies bring childminders and the CNAF capacity into
"Lieux utiles"; communes are chosen through the public site's suggestions (chips) rather than a 431-option list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompagnement.enums import Need, Stage
from communes.enums import Theme
from tests.factories import (
    CommuneFactory,
    CommuneIndicatorFactory,
    IndicatorFactory,
    LayerFactory,
    PlaceFactory,
)
from tests.helpers import page_text as text

from .factories import AdultFactory, ChildFactory, HouseholdFactory
from .test_bad_input import edit_data

pytestmark = pytest.mark.django_db


def test_an_expected_baby_is_accepted_with_its_childcare_need(client, advisor):
    household = HouseholdFactory(advisor=advisor, stage=Stage.PROJECT)
    AdultFactory(household=household, first_name="Léa")
    client.force_login(advisor)
    expected = timezone.localdate() + datetime.timedelta(days=120)
    data = edit_data(household)
    data.update({"children-TOTAL_FORMS": 1, "children-INITIAL_FORMS": 0,
                 "children-0-first_name": "Bébé", "children-0-expected_on": expected.isoformat()})  # fmt: skip
    response = client.post(reverse("accompagnement:dossier-edit", args=[household.pk]), data)
    assert response.status_code == 302, text(response)[:3000]
    child = household.children.get()
    assert child.expected_on == expected and child.is_expected
    assert household.needs.filter(kind=Need.CHILDCARE).exists()
    assert "À naître le" in text(client.get(household.get_absolute_url()))


def test_a_future_birth_year_points_to_the_expected_date(client, advisor):
    household = HouseholdFactory(advisor=advisor)
    client.force_login(advisor)
    data = edit_data(household)
    data.update({"children-TOTAL_FORMS": 1, "children-INITIAL_FORMS": 0, "children-0-first_name": "Bébé",
                 "children-0-birth_year": str(timezone.localdate().year + 1)})  # fmt: skip
    page = text(client.post(reverse("accompagnement:dossier-edit", args=[household.pk]), data))
    assert "indiquez la date de naissance prévue" in page
    assert not household.children.exists()


def test_an_expected_date_two_years_ahead_is_refused(client, advisor):
    household = HouseholdFactory(advisor=advisor)
    client.force_login(advisor)
    data = edit_data(household)
    far = (timezone.localdate() + datetime.timedelta(days=700)).isoformat()
    data.update({"children-TOTAL_FORMS": 1, "children-INITIAL_FORMS": 0, "children-0-first_name": "Bébé",
                 "children-0-expected_on": far})  # fmt: skip
    page = text(client.post(reverse("accompagnement:dossier-edit", args=[household.pk]), data))
    assert "dix mois à l'avance" in page


def test_a_baby_brings_childminders_and_cnaf_capacity_into_places(client, advisor):
    commune = CommuneFactory(name="Commune fictive du test", latitude=48.3, longitude=4.08)
    household = HouseholdFactory(advisor=advisor)
    household.communes_considered.add(commune)
    ChildFactory(household=household, birth_year=timezone.localdate().year - 1)
    layer = LayerFactory(
        slug="assistantes-maternelles", name="Assistantes maternelles", theme=Theme.PETITE_ENFANCE
    )
    PlaceFactory(layer=layer, commune=commune, name="Relais fictif des Lilas")
    places = IndicatorFactory(slug="caf-places-total", name="Places d'accueil pour 100 enfants", unit="")
    CommuneIndicatorFactory(commune=commune, indicator=places, value=61.5)
    client.force_login(advisor)
    page = text(client.get(household.get_absolute_url()))
    section = page[page.index('id="lieux"') :]
    assert "Relais fictif des Lilas" in section
    assert (
        "Accueil du jeune enfant (CNAF)" in section and "Places d'accueil pour 100 enfants : 61,5" in section
    )


def test_no_cnaf_capacity_without_a_baby(client, advisor):
    commune = CommuneFactory(latitude=48.3, longitude=4.08)
    household = HouseholdFactory(advisor=advisor)
    household.communes_considered.add(commune)
    ChildFactory(household=household, birth_year=timezone.localdate().year - 9)
    client.force_login(advisor)
    assert "Accueil du jeune enfant (CNAF)" not in text(client.get(household.get_absolute_url()))


def test_communes_field_uses_the_public_suggestions(client, advisor):
    household = HouseholdFactory(advisor=advisor)
    client.force_login(advisor)
    page = text(client.get(reverse("accompagnement:dossier-edit", args=[household.pk])))
    assert f'data-suggest-url="{reverse("portail:suggestions")}"' in page
    assert "data-commune-picker" in page and "commune_picker.js" in page
