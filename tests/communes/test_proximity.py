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
    c = CommuneFactory(code_insee="10503", latitude=48.3, longitude=4.0)  # ≈ 33 km north of A
    at_a = PlaceFactory(layer=layer, source=source, commune=a, latitude=48.0, longitude=4.0)
    east_of_b = PlaceFactory(layer=layer, source=source, commune=b, latitude=48.0, longitude=4.2)
    PlaceFactory(layer=layer, source=source, commune=b, latitude=None, longitude=None)  # counted in B only
    PlaceFactory(layer=layer, source=source, commune=a, is_active=False)  # inactive: ignored

    rows = proximity.compute(layers=["pharmacies", "dentistes"])

    assert rows == 6
    fig = {p.commune_id: p for p in Proximity.objects.filter(layer=layer)}
    ab = km_between(48.0, 4.0, 48.0, 4.1)
    assert 5 < ab < 10  # A and B are about 7.4 km apart
    assert (fig["10501"].in_commune, fig["10501"].within_5km, fig["10501"].within_10km) == (1, 1, 1)
    assert fig["10501"].within_20km == 2  # the place east of B is ~14.9 km from A
    assert fig["10501"].nearest_id == at_a.pk and fig["10501"].nearest_km == pytest.approx(0, abs=1e-3)
    assert fig["10502"].in_commune == 2
    assert (fig["10502"].within_5km, fig["10502"].within_10km) == (0, 2)
    assert fig["10502"].nearest_km == pytest.approx(km_between(48.0, 4.1, 48.0, 4.2), abs=1e-3)
    assert fig["10502"].nearest_id in (at_a.pk, east_of_b.pk)
    assert fig["10503"].within_20km == 0
    assert fig["10503"].nearest_id == at_a.pk
    assert fig["10503"].nearest_km == pytest.approx(km_between(48.3, 4.0, 48.0, 4.0), abs=1e-3)
    empty = Proximity.objects.get(commune=c, layer=other_layer)
    assert (empty.in_commune, empty.within_20km, empty.nearest_id, empty.nearest_km) == (0, 0, None, None)


def test_recomputing_replaces_the_figures():
    layer = LayerFactory(slug="pharmacies", name="Pharmacies")
    commune = CommuneFactory(code_insee="10501", latitude=48.0, longitude=4.0)
    place = PlaceFactory(layer=layer, commune=commune)
    proximity.compute(layers=["pharmacies"])
    place.is_active = False
    place.save()
    proximity.compute(layers=["pharmacies"])
    figure = Proximity.objects.get(commune=commune, layer=layer)
    assert (figure.in_commune, figure.nearest_id) == (0, None)
    assert Proximity.objects.count() == 1


def test_counted_rows_of_a_territory_layer_add_their_number():
    layer = LayerFactory(slug="assistantes-maternelles", name="Assistantes maternelles", columns=["nombre"])
    a = CommuneFactory(code_insee="10501", latitude=48.0, longitude=4.0)
    b = CommuneFactory(code_insee="10502", latitude=48.0, longitude=4.1)
    PlaceFactory(layer=layer, commune=a, attributes={"nombre": 12})
    PlaceFactory(layer=layer, commune=b, attributes={"nombre": 3})
    PlaceFactory(layer=layer, commune=b, latitude=None, longitude=None, attributes={"nombre": 2})
    proximity.compute(layers=["assistantes-maternelles"])
    fig = {p.commune_id: p for p in Proximity.objects.filter(layer=layer)}
    assert (fig["10501"].in_commune, fig["10501"].within_5km, fig["10501"].within_10km) == (12, 12, 15)
    assert (fig["10502"].in_commune, fig["10502"].within_10km) == (5, 15)
