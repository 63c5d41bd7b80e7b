"""The commune page: key facts, per-layer figures with their source and date, places in text, map data."""

import json
import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from communes.models import Place, PlaceAnnotation
from portail.services import reference_data
from tests.factories import CommuneIndicatorFactory, IndicatorFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def page(client, commune):
    return client.get(reverse("portail:commune", kwargs={"code": commune.code_insee, "slug": commune.slug}))


def text(response):
    """The page's HTML with French non-breaking spaces as plain spaces, as a reader sees them."""
    return response.content.decode().replace("\xa0", " ").replace("\u202f", " ")


def test_code_url_redirects_to_the_slugged_address(client, territory):
    response = client.get("/communes/10081/")
    assert response.status_code == 301
    assert response["Location"] == "/communes/10081-la-chapelle-saint-luc/"


def test_a_wrong_slug_redirects_to_the_right_one(client, territory):
    response = client.get("/communes/10081-chapelle/")
    assert response.status_code == 301
    assert response["Location"] == "/communes/10081-la-chapelle-saint-luc/"


def test_key_facts(client, territory):
    html = text(page(client, territory["chapelle"]))
    assert "<h1>La Chapelle-Saint-Luc</h1>" in html
    assert "<dd>12 774 habitants</dd>" in html
    assert "<dd>10,8 km²</dd>" in html
    assert "<dd>1 175 hab./km²</dd>" in html
    assert "10600" in html
    assert "Troyes Champagne Métropole" in html
    # Straight-line distance to Troyes (the prefecture): about 2.9 km between the two centres.
    assert re.search(r"Distance à Troyes \(préfecture\), à vol d'oiseau</dt><dd>3 km", html)


def test_each_layer_shows_counts_nearest_and_its_source_with_date(client, territory):
    html = text(page(client, territory["chapelle"]))
    row = re.search(r"<tr>\s*<th scope=\"row\">Collèges</th>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert cells[0] == "0"  # none in the commune
    assert cells[1:4] == ["1", "1", "1"]  # within 5/10/20 km
    assert "collège de Troyes (fictif) (Troyes), à 2,6 km" in cells[4]  # as counted: one decimal
    date = timezone.localtime(territory["source"].last_success_at)  # shown in Paris time
    assert "Base permanente des équipements" in cells[5]
    assert f"mise à jour le {date.day}" in cells[5]


def test_places_are_listed_in_text_and_in_the_map_data(client, territory):
    html = page(client, territory["chapelle"]).content.decode()
    places = html.split('id="places-title"')[1]
    assert "École maternelle Jules Ferry (fictif)" in places
    assert "École élémentaire des Marots (fictif)" in places
    data = json.loads(
        re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    names = {
        f["properties"]["name"]: f["properties"]
        for f in data["features"]["features"]
        if f["properties"]["kind"] == "place"
    }
    assert names["École maternelle Jules Ferry (fictif)"]["layer"] == "ecoles-maternelles"
    # The nearest collège is in Troyes: it is on the map, marked as outside.
    assert names["collège de Troyes (fictif)"]["outside"] is True
    assert {"slug": "colleges", "name": "Collèges", "theme": "ecole", "symbol": "Co"} in data["layers"]


def test_no_inline_script(client, territory):
    html = page(client, territory["troyes"]).content.decode()
    for attrs in re.findall(r"<script([^>]*)>", html):
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
    assert "style=" not in html


def test_the_prefecture_says_so(client, territory):
    assert "est la préfecture</dd>" in page(client, territory["troyes"]).content.decode()


@pytest.mark.parametrize(("extra_places", "indicators"), [(0, 1), (40, 12)])
def test_fixed_number_of_queries_whatever_the_number_of_places(
    client, territory, django_assert_num_queries, extra_places, indicators
):
    chapelle = territory["chapelle"]
    for i in range(extra_places):
        layer = list(territory["layers"].values())[i % len(territory["layers"])]
        place = PlaceFactory(
            layer=layer, source=territory["source"], commune=chapelle, name=f"Lieu fictif {i}"
        )
        if i % 3 == 0:  # advisors' annotations come with the places, not in a query per place
            PlaceAnnotation.objects.create(place=place, text=f"Note fictive {i}")
    for i in range(indicators):
        indicator = IndicatorFactory(slug=f"fictif-{i}", name=f"Chiffre fictif {i}")
        if i % 2 == 0:
            CommuneIndicatorFactory(
                commune=chapelle, indicator=indicator, value=i, place=territory["places"]["colleges"]
            )
    reference_data()  # layers, sources, prefectures and indicators: cached for every page until the data change
    # the commune, its proximities (+ nearest places), its places (+ annotations), its indicators (+ place)
    with django_assert_num_queries(4):
        response = page(client, chapelle)
    assert response.status_code == 200
    html = response.content.decode()
    places_in_text = html.split('id="places-title"')[1].split('id="cta-title"')[0]
    assert places_in_text.count("Lieu fictif ") == extra_places
    assert places_in_text.count("Note fictive ") == len(range(0, extra_places, 3))
    assert html.count("<dt>Chiffre fictif ") == indicators


def test_unknown_code_gives_a_helpful_404(client, territory):
    response = client.get("/communes/10999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Nous ne trouvons pas cette commune" in html
    assert 'name="q"' in html


def test_a_mistyped_name_suggests_the_nearest_names(client, territory):
    response = client.get("/communes/chapele-saint-luc/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'href="/communes/10081-la-chapelle-saint-luc/"' in html
    assert "Vouliez-vous dire" in html


def test_unknown_code_with_a_slug_suggests_from_the_slug(client, territory):
    response = client.get("/communes/10998-troye/")
    assert response.status_code == 404
    assert 'href="/communes/10387-troyes/"' in response.content.decode()


def test_any_unknown_page_offers_the_search(client, territory):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Cette page n'existe pas</h1>" in html and 'action="/communes/"' in html


def test_a_refreshed_source_date_shows_at_once(client, territory):
    url = "/communes/10081-la-chapelle-saint-luc/"
    assert "mise à jour le" in client.get(url).content.decode()
    source = territory["source"]
    source.last_success_at = datetime(2031, 3, 14, 12, 0, tzinfo=UTC)
    source.save()  # a publication: pages and reference data cached before it are not read again
    assert "mise à jour le 14 mars 2031" in client.get(url).content.decode()


def test_a_dense_layer_is_listed_up_to_the_limit_with_a_link_to_the_complete_list(client, territory):
    from portail.services import PLACE_LIST_LIMIT

    layer = next(iter(territory["layers"].values()))
    already = Place.objects.filter(layer=layer, commune=territory["chapelle"], is_active=True).count()
    for i in range(PLACE_LIST_LIMIT + 7 - already):
        PlaceFactory(
            layer=layer, source=territory["source"], commune=territory["chapelle"], name=f"Dense {i:04d}"
        )
    html = page(client, territory["chapelle"]).content.decode()
    places_in_text = html.split('id="places-title"')[1].split('id="cta-title"')[0]
    layer_list = places_in_text.split(f'id="lieux-{layer.slug}"')[1].split("</ul>")[0]
    assert layer_list.count("<li>") == PLACE_LIST_LIMIT
    assert "7 autres figurent dans la liste complète" in places_in_text
    assert (
        f"/api/v1/places/?layer={layer.slug}&amp;commune={territory['chapelle'].code_insee}" in places_in_text
    )
