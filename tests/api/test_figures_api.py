"""The API and the downloads with the new figures and odd data: commune indicators (no row, a withheld
figure, an EPCI-level figure), contacts of places, approximate or unknown positions, the data's own date
and the fictional flag in the attribution."""

import csv
import io
import json

import pytest

from communes.models import Indicator, Source
from tests.factories import record_publication

pytestmark = pytest.mark.django_db


def by_indicator(detail):
    return {figure["indicator"]: figure for figure in detail["indicators"]}


def test_commune_detail_lists_every_indicator_null_when_no_data(client, figures):
    troyes = by_indicator(client.get("/api/v1/communes/10387/").json())
    assert troyes["fibre-fictive"]["value"] == 91.5 and troyes["fibre-fictive"]["count"] == 40210
    assert troyes["fibre-fictive"]["level"] == "commune" and troyes["fibre-fictive"]["vintage"] == "T1 2026"
    assert troyes["fibre-fictive"]["data_date"] == "2026-03-31"
    withheld = troyes["prix-maisons-fictif"]
    assert withheld["has_data"] is True and withheld["value"] is None and withheld["count"] == 3
    missing = troyes["places-creche-fictif"]
    assert missing["has_data"] is False and missing["value"] is None and missing["level"] is None
    assert troyes["fibre-fictive"]["is_fictional"] is False
    bar = by_indicator(client.get("/api/v1/communes/10033/").json())
    assert bar["fibre-fictive"]["value"] == 0.0 and bar["fibre-fictive"]["has_data"] is True
    assert bar["prix-maisons-fictif"]["value"] is None and bar["prix-maisons-fictif"]["has_data"] is False


def test_an_epci_figure_says_where_it_was_measured(client, figures, territory):
    chapelle = by_indicator(client.get("/api/v1/communes/10081/").json())["places-creche-fictif"]
    assert chapelle["level"] == "epci" and chapelle["territory_name"] == "Troyes Champagne Métropole"
    assert chapelle["territory_code"] == "200069250" and chapelle["vintage"] == "2024"
    assert chapelle["place"] == {"id": territory["school_troyes"].pk, "name": "École des Marots (fictif)",
                                 "commune": "10387"}  # fmt: skip


def test_indicator_list_and_values_with_filters(client, figures):
    listing = client.get("/api/v1/indicators/").json()
    fibre = next(i for i in listing["results"] if i["slug"] == "fibre-fictive")
    assert fibre["commune_count"] == 2 and fibre["source"]["data_vintage"] == "T1 2026"
    assert "arcep-fictif" in [a["source"] for a in listing["attribution"]]
    values = client.get("/api/v1/indicator-values/?indicator=fibre-fictive").json()
    assert [(v["commune"], v["value"]) for v in values["results"]] == [("10033", 0.0), ("10387", 91.5)]
    epci = client.get("/api/v1/indicator-values/?level=epci").json()["results"]
    assert [(v["commune"], v["level"], v["territory_name"]) for v in epci] == [
        ("10081", "epci", "Troyes Champagne Métropole")
    ]
    withheld = client.get("/api/v1/indicator-values/?indicator=prix-maisons-fictif&commune=10387").json()
    assert withheld["results"][0]["value"] is None
    assert client.get("/api/v1/indicator-values/?indicator=inconnu").status_code == 400
    empty = client.get("/api/v1/indicator-values/?level=")
    assert empty.status_code == 400 and "level" in empty.json()["errors"]
    assert client.get("/api/v1/indicators/inconnu/").status_code == 404


def test_places_carry_contacts_and_their_position_quality(client, figures):
    places = {
        p["name"]: p
        for p in client.get("/api/v1/places/?layer=medecins-generalistes&page_size=50").json()["results"]
    }
    centre = places["Centre de santé (fictif)"]
    assert centre["phone"] == "03 25 00 00 02" and centre["email"] == "centre@example.org"
    assert centre["website"] == "https://centre.example.org" and centre["position_quality"] == "exact"
    approximate = places["Médecin au hasard (fictif)"]
    assert approximate["position_quality"] == "approximate" and approximate["website"] == ""
    assert approximate["latitude"] is not None
    unknown = places["Médecin sans point (fictif)"]
    assert unknown["position_quality"] == "unknown"
    assert unknown["latitude"] is None and unknown["longitude"] is None


def test_geojson_flags_approximate_points_and_draws_no_unknown_one(client, figures):
    features = client.get("/api/v1/places/geojson/?layer=medecins-generalistes").json()["features"]
    by_name = {f["properties"]["name"]: f["properties"] for f in features}
    assert by_name["Médecin au hasard (fictif)"]["position_quality"] == "approximate"
    assert by_name["Centre de santé (fictif)"]["phone"] == "03 25 00 00 02"
    assert "Médecin sans point (fictif)" not in by_name
    around = client.get("/api/v1/places/geojson/?lat=48.233&lon=4.707&radius_km=2").json()["features"]
    assert "Médecin sans point (fictif)" not in {f["properties"]["name"] for f in around}


def test_attribution_gives_the_data_vintage_and_the_fictional_flag(client, figures, territory):
    record_publication(territory["bpe"], fictional=True)
    Source.objects.filter(pk="bpe").update(data_vintage="BPE 2024")
    attribution = client.get("/api/v1/places/?layer=medecins-generalistes").json()["attribution"]
    bpe = next(a for a in attribution if a["source"] == "bpe")
    assert bpe["data_vintage"] == "BPE 2024" and bpe["is_fictional"] is True and bpe["last_update"]
    layer = client.get("/api/v1/layers/medecins-generalistes/").json()
    assert layer["sources"][0]["is_fictional"] is True and layer["sources"][0]["data_vintage"] == "BPE 2024"


def streamed(response):
    return b"".join(response.streaming_content).decode("utf-8")


def rows_of(text):
    lines = text.lstrip("\ufeff").splitlines()
    notes = [line for line in lines if line.startswith("#")]
    rows = list(
        csv.DictReader(io.StringIO("\n".join(x for x in lines if not x.startswith("#"))), delimiter=";")
    )
    return notes, rows


def test_layer_csv_has_contacts_position_quality_and_vintage_notes(client, figures, territory):
    Source.objects.filter(pk="bpe").update(data_vintage="BPE 2024")
    record_publication(territory["bpe"], fictional=True)
    notes, rows = rows_of(streamed(client.get("/api/v1/downloads/medecins-generalistes.csv")))
    by_name = {row["nom"]: row for row in rows}
    centre = by_name["Centre de santé (fictif)"]
    assert (centre["telephone"], centre["courriel"], centre["site_web"]) == (
        "03 25 00 00 02", "centre@example.org", "https://centre.example.org")  # fmt: skip
    assert centre["qualite_position"] == "exact"
    assert by_name["Médecin au hasard (fictif)"]["qualite_position"] == "approximate"
    assert by_name["Médecin au hasard (fictif)"]["site_web"] == ""
    unknown = by_name["Médecin sans point (fictif)"]
    assert (unknown["qualite_position"], unknown["latitude"], unknown["longitude"]) == ("unknown", "", "")
    text = "\n".join(notes)
    assert "données : BPE 2024" in text
    assert "ATTENTION : les données de « Base permanente des équipements (BPE) » sont fictives" in text


def test_layer_geojson_download_flags_positions(client, figures):
    collection = json.loads(streamed(client.get("/api/v1/downloads/medecins-generalistes.geojson")))
    by_name = {f["properties"]["name"]: f["properties"] for f in collection["features"]}
    assert by_name["Médecin au hasard (fictif)"]["position_quality"] == "approximate"
    assert "Médecin sans point (fictif)" not in by_name
    assert collection["attribution"][0]["data_vintage"] is not None
    assert "approximate" in collection["note"]


def test_indicators_csv_never_turns_missing_figures_into_zero(client, figures):
    response = client.get("/api/v1/downloads/indicators.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    notes, rows = rows_of(streamed(response))
    cells = {(r["code_insee"], r["indicateur"]): r for r in rows}
    assert cells[("10387", "fibre-fictive")]["valeur"] == "91.5"
    assert cells[("10033", "fibre-fictive")]["valeur"] == "0.0"
    assert cells[("10387", "prix-maisons-fictif")]["valeur"] == ""  # withheld, not zero
    assert cells[("10387", "prix-maisons-fictif")]["effectif"] == "3"
    assert ("10033", "prix-maisons-fictif") not in cells  # no data: no row
    epci = cells[("10081", "places-creche-fictif")]
    assert (epci["echelle"], epci["territoire_nom"], epci["millesime"]) == (
        "epci",
        "Troyes Champagne Métropole",
        "2024",
    )
    assert epci["lieu_nom"] == "École des Marots (fictif)"
    assert cells[("10387", "fibre-fictive")]["millesime"] == "T1 2026"
    assert cells[("10387", "fibre-fictive")]["date_donnees"] == "2026-03-31"
    text = "\n".join(notes)
    assert (
        "pas de ligne = pas de données" in text
        and "Internet fixe (fictif)" in text
        and "données : T1 2026" in text
    )


def test_a_figure_of_a_fictional_source_says_so_in_the_commune_detail_and_the_values(client, figures):
    fibre = Indicator.objects.get(slug="fibre-fictive")
    record_publication(fibre.source, fictional=True)
    assert by_indicator(client.get("/api/v1/communes/10387/").json())["fibre-fictive"]["is_fictional"] is True
    values = client.get("/api/v1/indicator-values/?indicator=fibre-fictive&commune=10387").json()["results"]
    assert values and all(v["is_fictional"] is True for v in values)
