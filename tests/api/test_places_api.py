"""Places in the API: filters by layer, commune, bounding box or around a point, detail, GeoJSON, bad input."""

import pytest

from tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db

# The centre of Troyes; La Chapelle-Saint-Luc is about 3 km away, Bar-sur-Aube about 47 km.
TROYES = {"lat": 48.2973, "lon": 4.0744}


def names(body):
    return [p["name"] for p in body["results"]]


def test_filter_by_layer_and_commune(client, territory):
    by_layer = client.get("/api/v1/places/", {"layer": "medecins-generalistes"}).json()
    by_commune = client.get("/api/v1/places/", {"commune": "10387"}).json()

    assert by_layer["count"] == 3
    assert {p["layer"] for p in by_layer["results"]} == {"medecins-generalistes"}
    assert sorted(names(by_commune)) == ["Cabinet du centre (fictif)", "École des Marots (fictif)"]


def test_bounding_box_keeps_only_places_inside(client, territory):
    body = client.get("/api/v1/places/", {"bbox": "4.6,48.1,4.8,48.3"}).json()

    assert names(body) == ["Docteur de Bar (fictif)"]


def test_around_a_point_sorted_by_distance_with_the_distance(client, territory):
    body = client.get("/api/v1/places/", {**TROYES, "radius_km": 5, "layer": "medecins-generalistes"}).json()

    assert names(body) == ["Cabinet du centre (fictif)", "Maison de santé (fictif)"]
    distances = [p["distance_km"] for p in body["results"]]
    assert distances[0] == 0.0
    assert 2.0 < distances[1] < 3.0


def test_a_wider_radius_reaches_bar_sur_aube(client, territory):
    body = client.get("/api/v1/places/", {**TROYES, "radius_km": 60, "layer": "medecins-generalistes"}).json()

    assert names(body)[-1] == "Docteur de Bar (fictif)"
    assert 45 < body["results"][-1]["distance_km"] < 50


def test_without_a_point_there_is_no_distance(client, territory):
    body = client.get("/api/v1/places/").json()

    assert {p["distance_km"] for p in body["results"]} == {None}


def test_inactive_places_are_not_published(client, territory):
    territory["doc_troyes"].is_active = False
    territory["doc_troyes"].save()

    assert "Cabinet du centre (fictif)" not in names(client.get("/api/v1/places/").json())
    assert client.get(f"/api/v1/places/{territory['doc_troyes'].pk}/").status_code == 404


def test_place_detail(client, territory):
    place = territory["school_troyes"]

    body = client.get(f"/api/v1/places/{place.pk}/").json()

    assert body["name"] == "École des Marots (fictif)"
    assert body["commune"] == "10387"
    assert body["commune_name"] == "Troyes"
    assert body["address"] == "1 rue X"


def test_list_attribution_names_the_sources_of_the_page(client, territory):
    body = client.get("/api/v1/places/", {"commune": "10387"}).json()

    assert {a["source"] for a in body["attribution"]} == {"bpe", "ecoles"}
    assert body["licence"] == "Licence Ouverte 2.0 (Etalab)"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({**TROYES, "radius_km": "-3"}, "radius_km"),
        ({**TROYES, "radius_km": "1000"}, "radius_km"),
        ({**TROYES, "radius_km": "beaucoup"}, "radius_km"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "4.1,48.2,4.0"}, "bbox"),
        ({"bbox": "4.2,48.2,4.1,48.3"}, "bbox"),
        ({"layer": "sorciers"}, "layer"),
        ({"commune": "99999"}, "commune"),
        ({"lat": "95", "lon": "4"}, "lat"),
        ({"lat": "48.3"}, "lon"),
        ({"lon": "4.07"}, "lat"),
        ({"radius_km": "5"}, "radius_km"),
        ({"page": "abc"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"q": "x\x00"}, "q"),
        ({"lon": ""}, "lon"),  # a number given empty is a mistake, not an absent filter
        ({**TROYES, "radius_km": " "}, "radius_km"),
    ],
)
def test_malformed_filters_answer_400_naming_the_parameter(client, territory, params, parameter):
    response = client.get("/api/v1/places/", params)

    assert response.status_code == 400
    body = response.json()
    assert parameter in body["errors"]
    assert parameter in body["detail"]


@pytest.mark.parametrize("raw_id", ["0", "abc", "999999999999999999999999", "-1", "1.5"])
def test_unknown_place_ids_are_404_in_french_json(client, territory, raw_id):
    response = client.get(f"/api/v1/places/{raw_id}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Non trouvé."}


def test_an_empty_page_still_states_the_licence(client, territory):
    body = client.get("/api/v1/places/", {"lat": 45, "lon": 1, "radius_km": 1}).json()

    assert body["count"] == 0
    assert body["licence"] == "Licence Ouverte 2.0 (Etalab)"


def test_a_page_past_the_end_is_404(client, territory):
    assert client.get("/api/v1/places/", {"page": 99}).status_code == 404


def test_page_size_is_honoured_and_capped(client, territory):
    for _ in range(3):
        PlaceFactory(layer=territory["doctors"], source=territory["bpe"], commune=territory["bar"])

    first = client.get("/api/v1/places/", {"page_size": 2}).json()
    huge = client.get("/api/v1/places/", {"page_size": 100000}).json()

    assert len(first["results"]) == 2
    assert first["next"]
    assert len(huge["results"]) == huge["count"] == 7


def test_geojson_feature_collection_with_the_same_filters(client, territory):
    PlaceFactory(
        layer=territory["doctors"], source=territory["bpe"], commune=territory["troyes"], latitude=None
    )

    response = client.get(
        "/api/v1/places/geojson/", {**TROYES, "radius_km": 5, "layer": "medecins-generalistes"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["count"] == 2
    first = body["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [4.0744, 48.2973]}
    assert first["properties"]["distance_km"] == 0.0
    assert body["licence"] == "Licence Ouverte 2.0 (Etalab)"


def test_geojson_errors_are_json(client, territory):
    response = client.get("/api/v1/places/geojson/", {"bbox": "nord"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "bbox" in response.json()["errors"]
