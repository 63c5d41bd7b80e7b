"""Places a family can act on: contacts in the list, the pop-up data and the API; one symbol per layer."""

import json
import re

import pytest

from tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def map_data(html):
    return json.loads(
        re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S)[1]
    )


def test_the_nearest_place_outside_is_listed_with_its_contacts(client, territory):
    college = territory["places"]["colleges"]
    college.address, college.phone, college.website = (
        "1 rue de l'Exemple",
        "03 53 01 12 34",
        "https://college.example",
    )
    college.save()
    html = client.get("/communes/10081-la-chapelle-saint-luc/").content.decode()
    section = html[html.index('id="lieux-proches"') :]
    assert "collège de Troyes (fictif)" in section and "à 2,6 km" in section
    assert 'href="tel:+33353011234"' in section and 'href="https://college.example"' in section
    popup = next(f["properties"] for f in map_data(html)["features"]["features"]
                 if f["properties"].get("name") == "collège de Troyes (fictif)")  # fmt: skip
    assert popup["phone"] == "03 53 01 12 34" and popup["website"] == "https://college.example"
    assert popup["address"].startswith("1 rue de l")
    api = client.get("/api/v1/communes/10081/").json()
    nearest = next(layer for layer in api["layers"] if layer["layer"] == "colleges")["nearest"]
    assert nearest["phone"] == "03 53 01 12 34" and nearest["website"] == "https://college.example"


def test_every_layer_has_its_own_symbol_in_the_legend_and_markers(client, territory):
    PlaceFactory(
        layer=territory["layers"]["pharmacies"], commune=territory["troyes"], name="Pharmacie (fictif)"
    )
    html = client.get("/communes/10387-troyes/").content.decode()
    layers = map_data(html)["layers"]
    symbols = [layer["symbol"] for layer in layers]
    assert len(symbols) == len(set(symbols)) == len(layers)
    health = [layer for layer in layers if layer["theme"] == "sante"]
    assert len({layer["symbol"] for layer in health}) == len(health) > 1  # one colour, two symbols
    for layer in layers:  # the legend shows the same symbol, as text, beside each layer's name
        assert f'aria-hidden="true">{layer["symbol"]}</span> {layer["name"]}</label>' in html


def test_the_english_page_draws_english_symbols_and_every_catalogue_layer_has_its_own(client, territory):
    from django.utils import translation

    from portail.maps import LAYER_SYMBOLS

    html = client.get("/en/communes/10387-troyes/").content.decode()
    layers = {layer["slug"]: layer for layer in map_data(html)["layers"]}
    assert layers["colleges"]["symbol"] == "LS"  # "Lower secondary schools", not the French "Co"
    assert layers["medecins-generalistes"]["symbol"] == "GP"
    assert 'aria-hidden="true">GP</span> General practitioners</label>' in html
    for language in ("fr", "en"):  # no two layers of the catalogue share a symbol, in either language
        with translation.override(language):
            symbols = [str(symbol) for symbol in LAYER_SYMBOLS.values()]
        assert len(set(symbols)) == len(symbols), language
