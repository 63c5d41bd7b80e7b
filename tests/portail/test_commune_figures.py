"""What a family reads on a commune page beside the places: commune indicators (with odd data), the data's
own date next to the import date, contacts of places, and positions that are not exact."""

import json
import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.utils import timezone

from communes.enums import IndicatorLevel, PositionQuality
from tests.factories import CommuneIndicatorFactory, IndicatorFactory, PlaceFactory, SourceFactory

from .test_commune_page import page, text

pytestmark = pytest.mark.django_db


def indicator_card(html, slug):
    match = re.search(rf'<div class="indicator[^"]*" id="indicateur-{slug}">(.*?)</div>', html, re.S)
    assert match, f"no card for {slug}"
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", match.group(1)))).strip()


def map_places(html):
    data = json.loads(
        re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    return {
        f["properties"]["name"]: f for f in data["features"]["features"] if f["properties"]["kind"] == "place"
    }


def places_text(html):
    return html.split('id="places-title"')[1].split('id="cta-title"')[0]


@pytest.fixture
def figures(territory):
    """Indicators of three fictional sources, one never imported, over La Chapelle-Saint-Luc."""
    now = timezone.now()
    broadband = SourceFactory(
        slug="arcep", name="Ma connexion internet (fictif)", publisher="ARCEP", data_vintage="T1 2026",
        last_success_at=now - timedelta(days=2),
    )  # fmt: skip
    prices = SourceFactory(
        slug="dvf", name="Demandes de valeurs foncières (fictif)", publisher="DGFiP", data_vintage="DVF 2023–2025",
        last_success_at=now - timedelta(days=5),
    )  # fmt: skip
    childcare = SourceFactory(
        slug="caf", name="Accueil du jeune enfant (fictif)", publisher="CNAF", data_date=date(2025, 12, 31),
        last_success_at=now - timedelta(days=9),
    )  # fmt: skip
    never = SourceFactory(slug="apl", name="Accessibilité aux médecins (fictif)", publisher="DREES")
    indicators = {
        "fibre": IndicatorFactory(slug="fibre", name="Locaux éligibles à la fibre", unit="%", source=broadband),
        "prix": IndicatorFactory(slug="prix", name="Prix médian des maisons", unit="€/m²", source=prices),
        "prix-appart": IndicatorFactory(slug="prix-appart", name="Prix médian des appartements", unit="€/m²",
                                        source=prices),
        "places": IndicatorFactory(slug="places", name="Places d'accueil du jeune enfant", unit="places",
                                   source=childcare),
        "apl": IndicatorFactory(slug="apl", name="Accès aux médecins généralistes", unit="consultations",
                                source=never),
    }  # fmt: skip
    chapelle = territory["chapelle"]
    CommuneIndicatorFactory(commune=chapelle, indicator=indicators["fibre"], value=87.25, count=6120)
    CommuneIndicatorFactory(commune=chapelle, indicator=indicators["prix"], value=1850.0, count=42)
    # The source has the commune but hides the median: too few sales.
    CommuneIndicatorFactory(commune=chapelle, indicator=indicators["prix-appart"], value=None, count=3)
    CommuneIndicatorFactory(
        commune=chapelle, indicator=indicators["places"], value=1234.0, level=IndicatorLevel.EPCI,
        territory_code="200069250", territory_name="Troyes Champagne Métropole", vintage="2024",
    )  # fmt: skip
    return {"sources": {"arcep": broadband, "dvf": prices, "caf": childcare, "apl": never}, **indicators}


def test_indicators_read_with_unit_base_and_source_vintage(client, territory, figures):
    html = text(page(client, territory["chapelle"]))
    fibre = indicator_card(html, "fibre")
    assert "87,3 %" in fibre and "6 120 locaux" in fibre
    assert "Ma connexion internet (fictif) — données T1 2026, mise à jour le" in fibre
    assert "1 850 €/m²" in indicator_card(html, "prix") and "42 ventes" in indicator_card(html, "prix")


def test_an_english_page_counts_in_english(client, territory, figures):
    chapelle = territory["chapelle"]
    CommuneIndicatorFactory(commune=chapelle, indicator=figures["apl"], value=2.9, count=1)
    html = text(client.get(f"/en/communes/{chapelle.code_insee}-{chapelle.slug}/"))
    assert "6,120 premises" in indicator_card(html, "fibre")
    assert "42 sales" in indicator_card(html, "prix") and "3 sales" in indicator_card(html, "prix-appart")
    assert "(1 inhabitant)" in indicator_card(html, "apl")


def test_a_figure_measured_on_the_epci_says_so(client, territory, figures):
    card = indicator_card(text(page(client, territory["chapelle"])), "places")
    assert "1 234 places" in card
    assert "mesuré sur l'intercommunalité : Troyes Champagne Métropole" in card
    assert "données 2024" in card  # the row's own vintage before the source's date


def test_no_data_and_withheld_figures_are_never_zero(client, territory, figures):
    html = text(page(client, territory["chapelle"]))
    withheld = indicator_card(html, "prix-appart")
    assert "chiffre non publié par la source" in withheld and "3 ventes" in withheld
    assert " 0 " not in f" {withheld} "
    never = indicator_card(html, "apl")
    assert never.startswith("Accès aux médecins généralistes pas de données")
    assert "jamais importée" in never
    # A commune with no row at all reads "pas de données" for every indicator.
    village = text(page(client, territory["village"]))
    for slug in ("fibre", "prix", "prix-appart", "places", "apl"):
        assert "pas de données" in indicator_card(village, slug)
        assert "0 %" not in indicator_card(village, slug)


def test_source_date_is_shown_when_there_is_no_vintage_name(client, territory, figures):
    figures["places"].values.all().delete()
    card = indicator_card(text(page(client, territory["chapelle"])), "places")
    assert "pas de données" in card
    assert "données du 31 décembre 2025" in card


def test_a_linked_place_is_named_with_its_commune_and_contacts(client, territory, figures):
    college = territory["places"]["colleges"]
    college.phone, college.website = "03 25 70 00 00", "https://college-fictif.example.org/accueil"
    college.save()
    source = SourceFactory(slug="carte-scolaire", name="Carte scolaire (fictif)")
    sector = IndicatorFactory(
        slug="college-secteur", name="Collège public de secteur", unit="", source=source
    )
    CommuneIndicatorFactory(commune=territory["chapelle"], indicator=sector, value=None, place=college)
    html = text(page(client, territory["chapelle"]))
    card = indicator_card(html, "college-secteur")
    assert card.startswith(
        "Collège public de secteur collège de Troyes (fictif) Troyes · Tél. 03 25 70 00 00"
    )
    assert 'href="tel:+33325700000"' in html and "college-fictif.example.org" in card


def test_layer_sources_show_the_data_vintage_beside_the_import_date(client, territory):
    source = territory["source"]
    source.data_vintage = "BPE 2024"
    source.save()
    html = text(page(client, territory["chapelle"]))
    assert "Base permanente des équipements — données BPE 2024, mise à jour le" in html


def test_places_show_address_phone_website_and_email(client, territory):
    chapelle, layer = territory["chapelle"], territory["layers"]["creches"]
    PlaceFactory(
        layer=layer, source=territory["source"], commune=chapelle, name="Crèche Les Lutins (fictif)",
        address="3 rue des Écoles", postcode="10600", phone="03 25 74 00 00", email="lutins@example.org",
        website="https://lutins.example.org/",
    )  # fmt: skip
    html = page(client, chapelle).content.decode()
    listed = places_text(html)
    item = re.search(
        r"<li><span class=\"place-name\">Crèche Les Lutins \(fictif\)</span>.*?</li>", listed, re.S
    )[0]
    assert "3 rue des Écoles, 10600" in item
    assert '<a href="tel:+33325740000">03 25 74 00 00</a>' in item
    assert '<a href="https://lutins.example.org/" rel="nofollow noopener">lutins.example.org' in item
    assert '<a href="mailto:lutins@example.org">lutins@example.org</a>' in item
    popup = map_places(html)["Crèche Les Lutins (fictif)"]["properties"]
    assert popup["phone_href"] == "tel:+33325740000" and popup["website"] == "https://lutins.example.org/"
    assert popup["email"] == "lutins@example.org" and popup["address"] == "3 rue des Écoles, 10600"


def test_a_place_without_contact_and_a_dangerous_website_are_shown_safely(client, territory):
    chapelle, layer = territory["chapelle"], territory["layers"]["creches"]
    PlaceFactory(
        layer=layer, source=territory["source"], commune=chapelle, name="Crèche sans contact (fictif)"
    )
    PlaceFactory(
        layer=layer, source=territory["source"], commune=chapelle, name="Crèche piégée (fictif)",
        website="javascript:alert(1)", phone="voir en mairie", email="pas-un-courriel",
    )  # fmt: skip
    html = page(client, chapelle).content.decode()
    assert "javascript:" not in html
    item = re.search(r"Crèche piégée \(fictif\)</span>(.*?)</li>", places_text(html), re.S)[1]
    assert "Tél. voir en mairie" in item and "tel:" not in item  # shown as text, no link
    assert "pas-un-courriel" not in item
    bare = re.search(r"Crèche sans contact \(fictif\)</span>(.*?)</li>", places_text(html), re.S)[1]
    assert "Tél." not in bare and "<a " not in bare


def test_approximate_and_unknown_positions_are_listed_never_drawn(client, territory):
    chapelle, layer = territory["chapelle"], territory["layers"]["pharmacies"]
    PlaceFactory(
        layer=layer, source=territory["source"], commune=chapelle, name="Pharmacie tirée au hasard (fictif)",
        position_quality=PositionQuality.APPROXIMATE,
    )  # fmt: skip
    PlaceFactory(
        layer=layer, source=territory["source"], commune=chapelle, name="Pharmacie sans point (fictif)",
        latitude=None, longitude=None, position_quality=PositionQuality.UNKNOWN,
    )  # fmt: skip
    # Odd data: a point the source flags as unknown is not drawn either.
    PlaceFactory(
        layer=layer, source=territory["source"], commune=chapelle, name="Pharmacie douteuse (fictif)",
        position_quality=PositionQuality.UNKNOWN,
    )  # fmt: skip
    html = text(page(client, chapelle))
    listed = places_text(html)
    assert re.search(r"Pharmacie tirée au hasard \(fictif\)</span>\s*<span class=\"position-note\">"
                     r"\(position approximative\)", listed)  # fmt: skip
    assert re.search(r"Pharmacie sans point \(fictif\)</span>\s*<span class=\"position-note\">\(position inconnue\)",
                     listed)  # fmt: skip
    assert "Pharmacie douteuse (fictif)" in listed
    drawn = map_places(html)
    assert "Pharmacie tirée au hasard (fictif)" not in drawn
    assert "Pharmacie sans point (fictif)" not in drawn
    assert "Pharmacie douteuse (fictif)" not in drawn


def test_an_approximate_nearest_place_says_so_and_is_not_drawn(client, territory):
    nearest = territory["places"]["colleges"]
    nearest.position_quality = PositionQuality.APPROXIMATE
    nearest.save()
    html = text(page(client, territory["chapelle"]))
    row = re.search(r"<th scope=\"row\">Collèges</th>(.*?)</tr>", html, re.S)[1]
    assert (
        'collège de Troyes (fictif) (Troyes), à 2,6 km <span class="position-note">(position approximative)'
        in row
    )
    assert "collège de Troyes (fictif)" not in map_places(html)


def test_a_value_that_is_not_a_number_reads_as_no_figure(client, territory, figures):
    figures["fibre"].values.update(value=float("inf"))
    html = text(page(client, territory["chapelle"]))
    card = indicator_card(html, "fibre")
    assert "chiffre non publié par la source" in card and "inf" not in card.lower()
    detail = client.get("/api/v1/communes/10081/").json()
    assert next(i for i in detail["indicators"] if i["indicator"] == "fibre")["value"] is None


def test_a_count_per_commune_reads_as_a_count_not_as_a_place_without_position(client, territory):
    from tests.factories import LayerFactory

    layer = LayerFactory(slug="assistantes-maternelles", name="Assistantes maternelles")
    PlaceFactory(
        layer=layer, source=territory["source"], commune=territory["chapelle"],
        name="Assistantes maternelles — La Chapelle-Saint-Luc", latitude=None, longitude=None,
        position_quality=PositionQuality.UNKNOWN, attributes={"nombre": 14},
    )  # fmt: skip
    item = re.search(
        r"Assistantes maternelles — La Chapelle-Saint-Luc</span>(.*?)</li>", places_text(text(page(client, territory["chapelle"]))), re.S
    )[1]  # fmt: skip
    assert "(nombre : 14)" in item and "position" not in item


def test_a_median_withheld_for_too_few_sales_says_so_and_no_sale_is_not_0(client, territory, figures):
    """DVF's own rule (``OSEZ_DVF_MIN_SALES``) withholds a median; the page says why, and "aucune vente"."""
    attributes = {"periode": "2023–2025", "ventes_minimum": 5}
    row = figures["prix-appart"].values.get()
    row.attributes = {**attributes, "ventes": 3}
    row.save()
    CommuneIndicatorFactory(
        commune=territory["village"], indicator=figures["prix"], value=None, count=0,
        attributes={**attributes, "ventes": 0},
    )  # fmt: skip
    withheld = indicator_card(text(page(client, territory["chapelle"])), "prix-appart")
    assert "pas de prix médian, moins de 5 ventes" in withheld and "(3 ventes)" in withheld
    none = indicator_card(text(page(client, territory["village"])), "prix")
    assert "pas de prix médian" in none and "(aucune vente)" in none
    assert "0 vente" not in none and " 0 " not in f" {none} "
