"""Proximity figures on a case small enough to check by hand."""

import math

import pytest

from communes import proximity
from communes.models import Proximity
from tests.factories import CommuneFactory, LayerFactory, PlaceFactory, SourceFactory

pytestmark = pytest.mark.django_db


def km_between(lat1, lon1, lat2, lon2):
    """Spherical law of cosines: an independent check of the k-d tree's chord arithmetic."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    return 6371.0088 * math.acos(math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl))


def test_counts_rings_and_nearest_place():
    layer = LayerFactory(slug="pharmacies", name="Pharmacies")
    other_layer = LayerFactory(slug="dentistes", name="Dentistes")
    source = SourceFactory()
    a = CommuneFactory(code_insee="10501", latitude=48.0, longitude=4.0)
    b = CommuneFactory(code_insee="10502", latitude=48.0, longitude=4.1)
    CommuneFactory(code_insee="10503", latitude=48.3, longitude=4.0)  # ≈ 33 km north of A
    at_a = PlaceFactory(layer=layer, source=source, commune=a, latitude=48.0, longitude=4.0)
    east_of_b = PlaceFactory(layer=layer, source=source, commune=b, latitude=48.0, longitude=4.2)
    PlaceFactory(layer=layer, source=source, commune=b, latitude=None, longitude=None)  # counted in B only
    PlaceFactory(layer=layer, source=source, commune=a, is_active=False)  # inactive: ignored

    rows = proximity.compute(layers=["pharmacies", "dentistes"])

    # Dentistes publish nothing here: no row at all ("pas de données"), never a row of zeros.
    assert rows == 3
    assert not Proximity.objects.filter(layer=other_layer).exists()
    fig = {p.commune_id: p for p in Proximity.objects.filter(layer=layer)}
    ab = km_between(48.0, 4.0, 48.0, 4.1)
    assert 5 < ab < 10  # A and B are about 7.4 km apart
    assert (fig["10501"].in_commune, fig["10501"].within_5km, fig["10501"].within_10km) == (1, 1, 1)
    assert fig["10501"].within_20km == 2  # the place east of B is ~14.9 km from A
    assert fig["10501"].nearest_id == at_a.pk and fig["10501"].nearest_km == 0
    # B's two places (one without coordinates) count in B and in every radius; A's is 7.4 km away.
    assert fig["10502"].in_commune == 2
    assert (fig["10502"].within_5km, fig["10502"].within_10km, fig["10502"].within_20km) == (2, 3, 3)
    assert fig["10502"].nearest_id == east_of_b.pk and fig["10502"].nearest_km == 0  # "dans la commune"
    assert fig["10503"].within_20km == 0
    assert fig["10503"].nearest_id == at_a.pk
    # Stored as shown: rounded to 100 m.
    assert fig["10503"].nearest_km == round(km_between(48.3, 4.0, 48.0, 4.0), 1)


def test_a_radius_is_judged_on_the_distance_as_shown():
    """10.04 km reads "10,0 km": it counts within 10 km; 10.06 km reads "10,1 km": it does not."""
    layer = LayerFactory(slug="lycees", name="Lycées")
    centre = CommuneFactory(code_insee="10501", latitude=48.0, longitude=4.0)
    other = CommuneFactory(code_insee="10502", latitude=49.0, longitude=4.0)
    per_km = km_between(48.0, 4.0, 49.0, 4.0)  # km per degree of latitude here
    PlaceFactory(layer=layer, commune=other, latitude=48.0 + 10.04 / per_km, longitude=4.0)
    proximity.compute(layers=["lycees"])
    fig = Proximity.objects.get(commune=centre, layer=layer)
    assert (fig.nearest_km, fig.within_10km) == (10.0, 1)
    Place = type(fig.nearest)
    Place.objects.update(latitude=48.0 + 10.06 / per_km)
    proximity.compute(layers=["lycees"])
    fig = Proximity.objects.get(commune=centre, layer=layer)
    assert (fig.nearest_km, fig.within_10km, fig.within_20km) == (10.1, 0, 1)


def test_recomputing_replaces_the_figures():
    layer = LayerFactory(slug="pharmacies", name="Pharmacies")
    commune = CommuneFactory(code_insee="10501", latitude=48.0, longitude=4.0)
    place = PlaceFactory(layer=layer, commune=commune)
    proximity.compute(layers=["pharmacies"])
    place.is_active = False
    place.save()
    proximity.compute(layers=["pharmacies"])
    # Nothing published any more: "pas de données" (no row), not a row of zeros.
    assert not Proximity.objects.filter(layer=layer).exists()


def test_counted_rows_of_a_territory_layer_add_their_number():
    layer = LayerFactory(slug="assistantes-maternelles", name="Assistantes maternelles", columns=["nombre"])
    a = CommuneFactory(code_insee="10501", latitude=48.0, longitude=4.0)
    b = CommuneFactory(code_insee="10502", latitude=48.0, longitude=4.1)
    PlaceFactory(layer=layer, commune=a, attributes={"nombre": 12})
    PlaceFactory(layer=layer, commune=b, attributes={"nombre": 3})
    PlaceFactory(layer=layer, commune=b, latitude=None, longitude=None, attributes={"nombre": 2})
    proximity.compute(layers=["assistantes-maternelles"])
    fig = {p.commune_id: p for p in Proximity.objects.filter(layer=layer)}
    assert (fig["10501"].in_commune, fig["10501"].within_5km, fig["10501"].within_10km) == (
        12,
        12,
        15,
    )  # B's 2 without position count in B only
    assert (fig["10502"].in_commune, fig["10502"].within_5km, fig["10502"].within_10km) == (5, 5, 17)
