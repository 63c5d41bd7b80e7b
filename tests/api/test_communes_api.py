"""Communes in the API: search by name or postcode, filters, the detail with every layer's summary, the contour."""

import pytest

from communes.models import Layer
from tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def codes(response):
    return [c["code"] for c in response.json()["results"]]


def test_search_by_name_ignores_accents_hyphens_and_saint_abbreviation(client, territory):
    response = client.get("/api/v1/communes/", {"q": "chapelle st luc"})

    assert response.status_code == 200
    assert codes(response) == ["10081"]


def test_search_by_postcode(client, territory):
    assert codes(client.get("/api/v1/communes/", {"q": "10200"})) == ["10033"]


def test_filter_by_epci_and_departement(client, territory):
    CommuneFactory(
        code_insee="51108", name="Châlons-en-Champagne", departement__code="51", departement__name="Marne"
    )

    by_epci = client.get("/api/v1/communes/", {"epci": "200069250"})
    by_departement = client.get("/api/v1/communes/", {"departement": "51"})

    assert sorted(codes(by_epci)) == ["10081", "10387"]
    assert codes(by_departement) == ["51108"]


def test_unknown_departement_is_a_400_naming_it(client, territory):
    response = client.get("/api/v1/communes/", {"departement": "99"})

    assert response.status_code == 400
    assert "departement" in response.json()["errors"]


def test_list_carries_licence_and_attribution(client, territory):
    body = client.get("/api/v1/communes/").json()

    assert body["count"] == 3
    assert body["licence"] == "Licence Ouverte 2.0 (Etalab)"
    assert [a["source"] for a in body["attribution"]] == ["communes"]
    assert body["attribution"][0]["publisher"]


def test_detail_summarises_every_layer_from_the_proximity_table(client, territory):
    body = client.get("/api/v1/communes/10387/").json()

    assert body["name"] == "Troyes"
    assert body["epci"] == {"code": "200069250", "name": "Troyes Champagne Métropole"}
    layers = {summary["layer"]: summary for summary in body["layers"]}
    assert set(layers) == set(Layer.objects.values_list("slug", flat=True))
    doctors = layers["medecins-generalistes"]
    assert (doctors["in_commune"], doctors["within_5km"], doctors["within_10km"], doctors["within_20km"]) == (
        1,
        2,
        2,
        2,
    )
    assert doctors["nearest"]["name"] == "Cabinet du centre (fictif)"
    assert doctors["nearest"]["distance_km"] == 0.0
    # A layer whose figures were never computed says so rather than claiming zero.
    assert layers["ecoles-maternelles"]["in_commune"] is None
    assert layers["ecoles-maternelles"]["nearest"] is None


def test_each_commune_links_to_its_public_page(client, territory):
    body = client.get("/api/v1/communes/", {"q": "troyes"}).json()

    assert body["results"][0]["page_url"] == "http://testserver/communes/10387-troyes/"


def test_detail_says_whether_a_contour_exists(client, territory):
    assert client.get("/api/v1/communes/10387/").json()["has_contour"] is True
    assert client.get("/api/v1/communes/10081/").json()["has_contour"] is False


def test_unknown_commune_is_a_404(client, territory):
    response = client.get("/api/v1/communes/99999/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_contour_is_a_geojson_feature(client, territory):
    response = client.get("/api/v1/communes/10387/contour/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    feature = response.json()
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "Polygon"
    assert feature["properties"]["code"] == "10387"
    assert feature["properties"]["licence"]


def test_commune_without_contour_answers_404_in_json(client, territory):
    response = client.get("/api/v1/communes/10081/contour/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
