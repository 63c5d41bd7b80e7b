"""The printable welcome pack (commune, pinned places, contacts, sheets) and the cost of the dossier page."""

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from accompagnement.enums import Need
from tests.factories import CommuneFactory, LayerFactory, PlaceFactory, UserFactory

from .factories import ChildFactory, HouseholdFactory, NeedFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier():
    advisor = UserFactory(roles=["installation advisor"], first_name="Inès", last_name="Martin")
    commune = CommuneFactory(name="Villefictive", latitude=48.3, longitude=4.08)
    partner = OrganisationFactory(name="Hôpital fictif")
    partner.contacts.create(name="Sophie RH", role="DRH", email="rh@example.org")
    household = HouseholdFactory(advisor=advisor, commune_chosen=commune, referrer=partner)
    household.communes_considered.add(commune)
    ChildFactory(household=household, birth_year=timezone.localdate().year - 8)
    NeedFactory(household=household, kind=Need.DOCTOR)
    doctors = LayerFactory(slug="medecins-generalistes", name="Médecins généralistes")
    for i in range(30):
        PlaceFactory(
            layer=doctors, commune=commune, name=f"Médecin {i}", latitude=48.3 + i / 1000, longitude=4.08
        )
    schools = LayerFactory(slug="ecoles-elementaires", name="Écoles élémentaires")
    school = PlaceFactory(
        layer=schools, commune=commune, name="École des Tilleuls", address="1 rue des Écoles"
    )
    household.pinned_places.create(place=school, distance_km=0.4, pinned_by=advisor)
    return advisor, household


def test_welcome_pack_lists_commune_pins_contacts(client, dossier):
    advisor, household = dossier
    client.force_login(advisor)
    html = client.get(reverse("accompagnement:welcome-pack", args=[household.pk])).content.decode()
    assert "Bienvenue à Villefictive" in html
    assert "École des Tilleuls" in html and "1 rue des Écoles" in html and "0,4 km" in html
    assert "Inès Martin" in html and "Sophie RH" in html
    assert "Médecin 0" not in html  # only the places the advisor kept


def test_welcome_pack_links_the_published_sheets_of_the_needs(client, dossier):
    try:
        Sheet = apps.get_model("portail", "Sheet")
    except LookupError:
        pytest.skip("the public site has no thematic sheets")
    Sheet.objects.all().delete()
    Sheet.objects.create(title="Trouver un médecin", slug="medecin-test", theme="sante", summary="s", body="b",
                         is_published=True)  # fmt: skip
    Sheet.objects.create(title="Brouillon santé", slug="brouillon-test", theme="sante", summary="s", body="b",
                         is_published=False)  # fmt: skip
    advisor, household = dossier
    client.force_login(advisor)
    html = client.get(reverse("accompagnement:welcome-pack", args=[household.pk])).content.decode()
    assert "Trouver un médecin" in html and "/fiches/medecin-test/" in html
    assert "Brouillon santé" not in html


def test_dossier_page_query_count_does_not_grow_with_places(client, dossier):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    advisor, household = dossier
    client.force_login(advisor)
    client.get(household.get_absolute_url())  # warm the session and caches
    with CaptureQueriesContext(connection) as before:
        assert client.get(household.get_absolute_url()).status_code == 200
    doctors = LayerFactory(slug="medecins-generalistes")
    for i in range(60):
        PlaceFactory(
            layer=doctors, commune=household.commune_chosen, latitude=48.2 - i / 1000, longitude=4.08
        )
    with CaptureQueriesContext(connection) as after:
        response = client.get(household.get_absolute_url())
    assert len(after) == len(before) <= 43  # see DOSSIER_QUERIES in test_dossier_query_count.py
    assert response.content.decode().count("Médecin ") >= 3


def test_useful_places_and_welcome_pack_give_each_place_s_contacts(client, dossier):
    from communes.enums import PositionQuality

    advisor, household = dossier
    commune = household.commune_chosen
    pharmacies = LayerFactory(slug="pharmacies", name="Pharmacies")
    pharmacy = PlaceFactory(
        layer=pharmacies, commune=commune, name="Pharmacie du Pont (fictif)", address="4 place du Pont",
        postcode="10000", phone="03 25 11 22 33", website="https://pharmacie-du-pont.example.org",
        email="contact@pharmacie-du-pont.example.org", latitude=48.301, longitude=4.081,
    )  # fmt: skip
    PlaceFactory(
        layer=pharmacies, commune=commune, name="Pharmacie tirée au hasard (fictif)", latitude=48.302,
        longitude=4.082, position_quality=PositionQuality.APPROXIMATE,
    )  # fmt: skip
    PlaceFactory(
        layer=pharmacies, commune=commune, name="Pharmacie sans point (fictif)", latitude=48.3, longitude=4.08,
        position_quality=PositionQuality.UNKNOWN,
    )  # fmt: skip
    client.force_login(advisor)
    html = client.get(household.get_absolute_url()).content.decode()
    useful = html.split('id="places-title"')[1].split("</section>")[0]
    item = useful.split("Pharmacie du Pont (fictif)", 1)[1].split("</li>")[0]
    assert "4 place du Pont, 10000" in item and 'href="tel:+33325112233"' in item
    assert "pharmacie-du-pont.example.org" in item and "mailto:contact@pharmacie-du-pont.example.org" in item
    approximate = useful.split("Pharmacie tirée au hasard (fictif)", 1)[1].split("</li>")[0]
    assert "position approximative" in approximate
    assert "Pharmacie sans point (fictif)" not in useful  # no point: no distance to rank it by

    household.pinned_places.create(place=pharmacy, distance_km=0.1, pinned_by=advisor)
    pack = client.get(reverse("accompagnement:welcome-pack", args=[household.pk])).content.decode()
    entry = pack.split("Pharmacie du Pont (fictif)", 1)[1].split("</li>")[0]
    assert "4 place du Pont, 10000" in entry and "03 25 11 22 33" in entry
    assert "pharmacie-du-pont.example.org" in entry and "contact@pharmacie-du-pont.example.org" in entry
