"""Downloads: the commune summary table and each layer, as CSV (licence notes, BOM) and GeoJSON, streamed."""

import csv
import io
import json

import pytest
from django.http import StreamingHttpResponse

from communes.models import Layer
from tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def content(response):
    assert isinstance(response, StreamingHttpResponse), "downloads are streamed, never built in memory"
    return b"".join(response.streaming_content).decode("utf-8")


def split(text):
    """(note lines, rows as dicts) the way pandas reads it with comment='#' and sep=';'."""
    assert text.startswith("\ufeff"), "a BOM, so that Excel reads the accents as UTF-8"
    lines = text[1:].splitlines()
    notes = [line for line in lines if line.startswith("#")]
    rows = list(
        csv.DictReader(
            io.StringIO("\n".join(line for line in lines if not line.startswith("#"))), delimiter=";"
        )
    )
    return notes, rows


def test_communes_table_has_one_row_per_commune_with_layer_figures(client, territory):
    response = client.get("/api/v1/downloads/communes.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="osez-communes.csv"' in response["Content-Disposition"]
    _notes, rows = split(content(response))
    by_code = {row["code_insee"]: row for row in rows}
    assert set(by_code) == {"10387", "10081", "10033"}
    troyes = by_code["10387"]
    assert troyes["nom"] == "Troyes"
    assert troyes["population"] == "61000"
    assert troyes["epci_nom"] == "Troyes Champagne Métropole"
    assert troyes["medecins-generalistes_commune"] == "1"
    assert troyes["medecins-generalistes_20km"] == "2"
    assert by_code["10033"]["medecins-generalistes_plus_proche_km"] == "0.4"
    # Not computed is empty, not zero.
    assert troyes["ecoles-maternelles_commune"] == ""
    assert len(rows[0]) == 10 + 5 * Layer.objects.count()


def test_notes_carry_licence_sources_and_date(client, territory):
    notes, _rows = split(content(client.get("/api/v1/downloads/medecins-generalistes.csv")))

    text = "\n".join(notes)
    assert "Médecins généralistes" in text
    assert "Licence : Licence Ouverte 2.0 (Etalab)" in text
    assert "Base permanente des équipements" in text and "INSEE" in text
    assert "Extrait le " in text
    assert all(";" not in note for note in notes), "a note must stay in one spreadsheet cell"


def test_layer_csv_lists_every_active_place_with_its_commune(client, territory):
    PlaceFactory(layer=territory["doctors"], source=territory["bpe"], commune=territory["bar"], latitude=None)
    territory["doc_chapelle"].is_active = False
    territory["doc_chapelle"].save()

    _notes, rows = split(content(client.get("/api/v1/downloads/medecins-generalistes.csv")))

    assert len(rows) == 3
    assert {row["commune"] for row in rows} == {"Troyes", "Bar-sur-Aube"}
    assert "" in {row["latitude"] for row in rows}, "unlocated places are in the CSV"


def test_text_that_a_spreadsheet_would_run_is_neutralised(client, territory):
    PlaceFactory(
        layer=territory["doctors"], source=territory["bpe"], commune=territory["bar"], name="=HYPERLINK(1)"
    )

    _notes, rows = split(content(client.get("/api/v1/downloads/medecins-generalistes.csv")))

    assert "'=HYPERLINK(1)" in {row["nom"] for row in rows}


def test_layer_geojson_is_a_feature_collection_with_licence(client, territory):
    PlaceFactory(layer=territory["doctors"], source=territory["bpe"], commune=territory["bar"], latitude=None)

    response = client.get("/api/v1/downloads/medecins-generalistes.geojson")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(content(response))
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 3, "only located places"
    assert collection["licence"] == "Licence Ouverte 2.0 (Etalab)"
    assert collection["attribution"][0]["source"] == "bpe"
    lon, lat = collection["features"][0]["geometry"]["coordinates"]
    assert 4 < lon < 5 and 48 < lat < 49


def test_empty_layer_geojson_is_still_valid(client, territory):
    collection = json.loads(content(client.get("/api/v1/downloads/pharmacies.geojson")))

    assert collection["features"] == []


def test_unknown_layer_download_is_a_json_404(client, territory):
    response = client.get("/api/v1/downloads/sorciers.csv")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "sorciers" in response.json()["detail"]


def test_api_root_links_every_download(client, territory):
    body = client.get("/api/v1/").json()

    assert body["downloads"]["communes.csv"].endswith("/api/v1/downloads/communes.csv")
    assert body["downloads"]["pharmacies.geojson"].endswith("/api/v1/downloads/pharmacies.geojson")
    assert body["licence"]
