"""Proximity figures on a case small enough to check by hand."""

import math

import pytest

from communes import proximity
from communes.models import Proximity
from tests.factories import CommuneFactory, DepartementFactory, LayerFactory, PlaceFactory, SourceFactory

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


# --- What a re-user reads in the API ----------------------------------------------------------------------


def api_layer(client, code, slug):
    """The layer's figures for a commune as the API serves them: counts, nearest place's name and km."""
    body = client.get(f"/api/v1/communes/{code}/").json()
    layer = next(entry for entry in body["layers"] if entry["layer"] == slug)
    nearest = layer["nearest"]
    return (
        layer["in_commune"],
        layer["within_5km"],
        layer["within_10km"],
        layer["within_20km"],
        (nearest["name"], nearest["distance_km"]) if nearest else None,
    )


def test_a_counted_layer_shows_zero_where_nothing_is_near(client):
    """A partner's file of childminders: 12 in A; C, 33 km away, has none within 20 km, not 12 nor 1."""
    layer = LayerFactory(slug="assistantes-maternelles", name="Assistantes maternelles", columns=["nombre"])
    a = CommuneFactory(code_insee="10501", latitude=48.0, longitude=4.0)
    CommuneFactory(code_insee="10503", latitude=48.3, longitude=4.0)
    PlaceFactory(layer=layer, commune=a, name="Relais fictif", attributes={"nombre": 12})
    proximity.compute(layers=["assistantes-maternelles"])
    away = round(km_between(48.3, 4.0, 48.0, 4.0), 1)
    assert api_layer(client, "10503", layer.slug) == (0, 0, 0, 0, ("Relais fictif", away))
    assert api_layer(client, "10501", layer.slug) == (12, 12, 12, 12, ("Relais fictif", 0.0))


def test_the_number_column_counts_what_it_says_and_a_row_of_none_is_no_place(client):
    """A row without a number, or with one that is not a number, is one place; "0" or less is none: it
    is neither counted nor shown as the nearest, and a département where it is all there is has no data."""
    layer = LayerFactory(slug="assistantes-maternelles", name="Assistantes maternelles", columns=["nombre"])
    marne = DepartementFactory(code="51", name="Marne")
    a = CommuneFactory(code_insee="10501", latitude=48.0, longitude=4.0)
    b = CommuneFactory(code_insee="10502", latitude=48.0, longitude=4.1)
    elsewhere = CommuneFactory(code_insee="51501", latitude=49.0, longitude=4.0, departement=marne)
    PlaceFactory(layer=layer, commune=a, name="Sans nombre", attributes={})
    PlaceFactory(layer=layer, commune=a, attributes={"nombre": "douze"})
    PlaceFactory(layer=layer, commune=a, attributes={"nombre": None})
    PlaceFactory(layer=layer, commune=a, attributes={"nombre": 0})
    PlaceFactory(layer=layer, commune=b, name="Fermé", attributes={"nombre": 0})
    PlaceFactory(layer=layer, commune=b, attributes={"nombre": "-2"})
    PlaceFactory(layer=layer, commune=elsewhere, attributes={"nombre": 0})
    proximity.compute(layers=["assistantes-maternelles"])
    assert api_layer(client, "10501", layer.slug)[:4] == (3, 3, 3, 3)
    # B's rows count nothing: B has none in the commune, and the nearest is one of A's, 7.4 km away.
    in_b, *_rings, nearest = api_layer(client, "10502", layer.slug)
    assert in_b == 0 and nearest[1] == round(km_between(48.0, 4.1, 48.0, 4.0), 1)
    assert nearest[0] != "Fermé"
    # In the Marne the layer publishes nothing that counts: "pas de données", not zeros.
    assert api_layer(client, "51501", layer.slug) == (None, None, None, None, None)


def test_recomputing_one_layer_leaves_the_other_layers_figures_alone(client):
    pharmacies = LayerFactory(slug="pharmacies", name="Pharmacies")
    dentists = LayerFactory(slug="dentistes", name="Dentistes")
    a = CommuneFactory(code_insee="10501", latitude=48.0, longitude=4.0)
    PlaceFactory(layer=pharmacies, commune=a)
    dentist = PlaceFactory(layer=dentists, commune=a)
    proximity.compute(layers=["pharmacies", "dentistes"])
    dentist.is_active = False  # the dentists' source has not been refreshed since: their figures stand
    dentist.save()
    PlaceFactory(layer=pharmacies, commune=a)
    assert proximity.compute(layers=["pharmacies"]) == 1
    assert api_layer(client, "10501", "pharmacies")[0] == 2
    assert api_layer(client, "10501", "dentistes")[0] == 1


def test_figures_written_in_several_batches_are_all_written(monkeypatch):
    """The national run writes its rows in batches: none is lost or counted twice at a batch's edge."""
    monkeypatch.setattr(proximity, "WRITE_BATCH", 2)
    layer = LayerFactory(slug="pharmacies", name="Pharmacies")
    communes = [
        CommuneFactory(code_insee=f"1050{n}", latitude=48.0, longitude=4.0 + n / 10) for n in range(5)
    ]
    PlaceFactory(layer=layer, commune=communes[0])
    assert proximity.compute(layers=["pharmacies"]) == 5
    assert sorted(Proximity.objects.values_list("commune_id", flat=True)) == [c.code_insee for c in communes]


def test_the_nearest_place_in_the_commune_is_the_one_closest_to_its_centre(client):
    """Several places in the commune: the page names the closest to the centre, one without position last."""
    layer = LayerFactory(slug="pharmacies", name="Pharmacies")
    a = CommuneFactory(code_insee="10501", latitude=48.0, longitude=4.0)
    PlaceFactory(layer=layer, commune=a, name="Sans adresse", latitude=None, longitude=None)
    PlaceFactory(layer=layer, commune=a, name="En lisière", latitude=48.02, longitude=4.03)
    PlaceFactory(layer=layer, commune=a, name="Place de la mairie", latitude=48.001, longitude=4.0)
    PlaceFactory(layer=layer, commune=a, name="Au bout du village", latitude=48.01, longitude=4.01)
    proximity.compute(layers=["pharmacies"])
    assert api_layer(client, "10501", "pharmacies") == (4, 4, 4, 4, ("Place de la mairie", 0.0))


def test_places_of_a_commune_without_centre_count_around_and_do_not_stop_the_others(client):
    """A commune whose centre is unknown gets no figures; its located places count around the others (they
    are not in those communes), its unlocated ones nowhere, and neither stops the next places counting."""
    layer = LayerFactory(slug="pharmacies", name="Pharmacies")
    # Its code sorts first: the places are read in commune order, and this one must not end the reading.
    unknown = CommuneFactory(code_insee="10500", latitude=None, longitude=None)
    a = CommuneFactory(code_insee="10501", latitude=48.0, longitude=4.0)
    b = CommuneFactory(code_insee="10502", latitude=48.0, longitude=4.1)
    PlaceFactory(layer=layer, commune=unknown, latitude=None, longitude=None)
    PlaceFactory(layer=layer, commune=unknown, latitude=48.0, longitude=4.02)  # 1.5 km from A, 5.9 from B
    PlaceFactory(layer=layer, commune=a, name="Pharmacie fictive")
    PlaceFactory(layer=layer, commune=b, name="Pharmacie de B")
    proximity.compute(layers=["pharmacies"])
    assert api_layer(client, "10501", "pharmacies") == (1, 2, 3, 3, ("Pharmacie fictive", 0.0))
    assert api_layer(client, "10502", "pharmacies") == (1, 1, 3, 3, ("Pharmacie de B", 0.0))
    assert api_layer(client, "10500", "pharmacies") == (None, None, None, None, None)


def test_a_counted_layer_whose_rows_all_say_two_counts_two_each(client):
    layer = LayerFactory(slug="assistantes-maternelles", name="Assistantes maternelles", columns=["nombre"])
    a = CommuneFactory(code_insee="10501", latitude=48.0, longitude=4.0)
    b = CommuneFactory(code_insee="10502", latitude=48.0, longitude=4.1)
    PlaceFactory(layer=layer, commune=a, attributes={"nombre": 2})
    PlaceFactory(layer=layer, commune=b, attributes={"nombre": 2})
    proximity.compute(layers=["assistantes-maternelles"])
    assert api_layer(client, "10501", layer.slug)[:4] == (2, 2, 4, 4)


def test_a_commune_no_longer_active_gets_no_figures(client):
    """A commune merged into another keeps its code but is no longer listed: no figures are computed for it
    (the run's count says so) and its places still count around the living ones."""
    layer = LayerFactory(slug="pharmacies", name="Pharmacies")
    a = CommuneFactory(code_insee="10501", latitude=48.0, longitude=4.0)
    merged = CommuneFactory(code_insee="10502", latitude=48.0, longitude=4.1, is_active=False)
    PlaceFactory(layer=layer, commune=a)
    PlaceFactory(layer=layer, commune=merged)
    assert proximity.compute(layers=["pharmacies"]) == 1
    assert not Proximity.objects.filter(commune=merged).exists()
    assert api_layer(client, "10501", "pharmacies")[:4] == (1, 1, 2, 2)


def test_a_place_without_a_commune_counts_nowhere(client):
    """A place the import could not put in a commune is not on any commune page, even right next to one."""
    layer = LayerFactory(slug="pharmacies", name="Pharmacies")
    a = CommuneFactory(code_insee="10501", latitude=48.0, longitude=4.0)
    PlaceFactory(layer=layer, commune=a, name="Pharmacie fictive")
    PlaceFactory(layer=layer, commune=None, latitude=48.001, longitude=4.001)
    proximity.compute(layers=["pharmacies"])
    assert api_layer(client, "10501", "pharmacies") == (1, 1, 1, 1, ("Pharmacie fictive", 0.0))
