"""One rule for distances (communes.proximity), checked on every commune and layer of the embedded Aube.

The embedded Aube of fixtures/ (431 real communes, fictional layers with places whose position is
unknown or approximate) is imported as ``make run`` does offline; then every (commune, layer) figure is
checked against the invariants a family relies on, recomputed independently from the places with the
project's haversine, and read back through the API and the CSV.
"""

import csv
import io
import shutil
from pathlib import Path

import numpy as np
import pytest

from communes import proximity
from communes.geo import haversine_km
from communes.models import Commune, Layer, Place, Proximity
from communes.services import refresh_source

FIXTURES_RAW = Path(__file__).resolve().parents[2] / "fixtures" / "raw"
PLACE_SOURCES = ("communes", "ecoles", "sport", "bpe")
RADII = (5, 10, 20)


@pytest.fixture
def aube(settings, db):
    settings.OSEZ_DEPARTEMENTS = ["10"]
    for slug in PLACE_SOURCES:
        shutil.copytree(FIXTURES_RAW / slug, Path(settings.OSEZ_RAW_DIR) / slug, dirs_exist_ok=True)
        outcome = refresh_source(slug, offline=True, departements=["10"])
        assert outcome.ok, outcome.summary()
    proximity.compute()
    return settings.OSEZ_RAW_DIR


def expected_figures():
    """{(commune, layer): (in commune, ≤5, ≤10, ≤20, nearest km)} straight from the places, by brute force."""
    communes = list(Commune.objects.filter(is_active=True).values_list("code_insee", "latitude", "longitude"))
    expected = {}
    for layer in Layer.objects.values_list("slug", flat=True):
        places = list(
            Place.objects.filter(layer_id=layer, is_active=True, commune__isnull=False).values_list(
                "commune_id", "latitude", "longitude"
            )
        )
        if not places:
            continue
        for code, lat, lon in communes:
            mine = [p for p in places if p[0] == code]
            others = [p for p in places if p[0] != code and p[1] is not None]
            d = (
                haversine_km(lat, lon, [p[1] for p in others], [p[2] for p in others])
                if others
                else np.array([])
            )
            shown = np.round(d, 1)
            counts = tuple(len(mine) + int(np.count_nonzero(shown <= r)) for r in RADII)
            located = [p for p in places if p[1] is not None]
            all_d = np.round(haversine_km(lat, lon, [p[1] for p in located], [p[2] for p in located]), 1)
            nearest = 0.0 if mine else (float(all_d.min()) if len(all_d) else None)
            expected[(code, layer)] = (len(mine), *counts, nearest)
    return expected


def check_invariants(in_commune, w5, w10, w20, nearest_km, where):
    assert in_commune <= w5 <= w10 <= w20, where
    if nearest_km is not None:
        for r, within in zip(RADII, (w5, w10, w20), strict=True):
            if nearest_km <= r:
                assert within >= 1, f"{where}: nearest at {nearest_km} km but none within {r} km"
            if within >= 1:
                assert nearest_km <= r, f"{where}: {within} within {r} km but the nearest at {nearest_km} km"
    if in_commune:
        assert nearest_km == 0, f"{where}: a place in the commune, the nearest must be it"


def test_every_commune_and_layer_keeps_the_rule(aube):
    rows = {(p.commune_id, p.layer_id): p for p in Proximity.objects.select_related("nearest").all()}
    # The fixture data have places without coordinates: the case the rule is about.
    assert Place.objects.filter(is_active=True, latitude__isnull=True).exists()
    assert Commune.objects.filter(is_active=True).count() == 431
    expected = expected_figures()
    assert set(rows) == set(expected), "a row where a layer publishes nothing, or none where it does"
    for key, p in rows.items():
        where = f"{key[0]} {key[1]}"
        check_invariants(p.in_commune, p.within_5km, p.within_10km, p.within_20km, p.nearest_km, where)
        assert (p.in_commune, p.within_5km, p.within_10km, p.within_20km) == expected[key][:4], where
        assert p.nearest_km == pytest.approx(expected[key][4], abs=0.051), where
        if p.in_commune:
            assert p.nearest.commune_id == key[0], where


def test_a_place_without_coordinates_counts_in_its_commune_and_every_radius(aube):
    unlocated = Place.objects.filter(is_active=True, latitude__isnull=True, commune__isnull=False).first()
    p = Proximity.objects.get(commune=unlocated.commune, layer=unlocated.layer)
    assert p.in_commune >= 1
    assert min(p.within_5km, p.within_10km, p.within_20km) >= p.in_commune
    assert p.nearest_km == 0


def test_the_api_and_the_csv_keep_the_rule(aube, client):
    layers_without_places = set(Layer.objects.values_list("slug", flat=True)) - set(
        Place.objects.filter(is_active=True).values_list("layer_id", flat=True)
    )
    assert layers_without_places, "the Aube fixtures have layers with nothing published (territory layers)"
    for code in Commune.objects.filter(is_active=True).values_list("code_insee", flat=True):
        body = client.get(f"/api/v1/communes/{code}/").json()
        for layer in body["layers"]:
            where = f"API {code} {layer['layer']}"
            if layer["layer"] in layers_without_places:
                assert layer["in_commune"] is None and layer["within_10km"] is None, where
                continue
            nearest = layer["nearest"]["distance_km"] if layer["nearest"] else None
            check_invariants(layer["in_commune"], layer["within_5km"], layer["within_10km"],
                             layer["within_20km"], nearest, where)  # fmt: skip
    response = client.get("/api/v1/downloads/communes.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    table = list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";"))
    assert len(table) == 431
    for row in table:
        for slug in Layer.objects.values_list("slug", flat=True):
            cells = [row[f"{slug}_commune"], row[f"{slug}_5km"], row[f"{slug}_10km"], row[f"{slug}_20km"]]
            where = f"CSV {row['code_insee']} {slug}"
            if slug in layers_without_places:
                assert cells == ["", "", "", ""], where  # "pas de données", never 0
                continue
            nearest = row[f"{slug}_plus_proche_km"]
            check_invariants(*(int(c) for c in cells), float(nearest) if nearest else None, where)
