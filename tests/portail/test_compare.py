"""Comparison of two to four communes side by side."""

import re

import pytest

pytestmark = pytest.mark.django_db


def cells(html, label):
    row = re.search(
        rf"<th scope=\"row\">{re.escape(label)}(?:<span class=\"source.*?)?</th>(.*?)</tr>", html, re.S
    ).group(1)
    return [re.sub(r"<[^>]+>", " ", c).split() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_two_communes_side_by_side_in_the_asked_order(client, territory):
    response = client.get("/comparer/", {"communes": "10081,10387"})
    assert response.status_code == 200
    html = response.content.decode().replace("\xa0", " ")
    headers = re.findall(r'<th scope="col"><a href="[^"]+">([^<]+)</a></th>', html)
    assert headers == ["La Chapelle-Saint-Luc", "Troyes"]
    assert cells(html, "Population municipale") == [["12", "774"], ["61", "652"]]
    assert cells(html, "Collèges") == [
        ["le", "plus", "proche", "à", "2,6", "km", "1", "à", "moins", "de", "10", "km"],
        ["1", "dans", "la", "commune", "1", "à", "moins", "de", "10", "km"],
    ]
    assert cells(html, "Distance à la préfecture, à vol d'oiseau (km)".replace("'", "&#x27;"))[1] == ["0,0"]


def test_repeated_parameters_work_too(client, territory):
    response = client.get("/comparer/?communes=10081&communes=10387&communes=10003")
    assert len(response.context["communes"]) == 3


def test_more_than_four_keeps_four_and_says_so(client, territory):
    from tests.factories import CommuneFactory

    CommuneFactory(code_insee="10500")
    CommuneFactory(code_insee="10501")
    response = client.get("/comparer/", {"communes": "10081,10387,10003,10500,10501"})
    assert len(response.context["communes"]) == 4
    assert "seules les quatre premières" in response.content.decode()


@pytest.mark.parametrize("value", ["10387,99999", "nimportequoi"])
def test_fewer_than_two_known_communes_asks_for_more(client, territory, value):
    response = client.get("/comparer/", {"communes": value})
    assert response.status_code == 400
    assert "Choisissez au moins deux communes" in response.content.decode()


def test_unknown_codes_are_named(client, territory):
    html = client.get("/comparer/", {"communes": "10387,10081,99999"}).content.decode()
    assert "Commune introuvable : 99999." in html


def test_commune_page_links_to_comparison(client, territory):
    html = client.get("/communes/10387-troyes/").content.decode()
    assert 'href="/comparer/?communes=10387"' in html


def test_one_commune_from_its_page_asks_for_another_without_an_error(client, territory):
    response = client.get("/comparer/", {"communes": "10387"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ajoutez au moins une autre commune à comparer avec Troyes." in html
    assert 'class="error-summary"' not in html
    assert 'value="Troyes (10387)"' in html  # kept in the first field, ready for a second one


def test_names_typos_and_postcodes_are_understood(client, territory):
    response = client.get("/comparer/", {"communes": ["troyes", "chapelle st luc"]})
    assert [c.name for c in response.context["communes"]] == ["Troyes", "La Chapelle-Saint-Luc"]
    response = client.get("/comparer/", {"communes": "Troye, 10600"})
    assert [c.name for c in response.context["communes"]] == ["Troyes", "La Chapelle-Saint-Luc"]


def test_a_layer_without_data_reads_pas_de_donnees_never_0(client, territory):
    from communes.models import Proximity

    # Childminders: published nowhere here (no proximity row), unlike crèches.
    Proximity.objects.filter(layer=territory["layers"]["creches"]).delete()
    html = client.get("/comparer/", {"communes": "10387,10081"}).content.decode()
    assert cells(html, "Crèches") == [["pas", "de", "données"], ["pas", "de", "données"]]
    assert "0 à moins de 10 km" not in html


def test_every_figure_of_the_comparison_names_its_source_and_date(client, territory):
    html = client.get("/comparer/", {"communes": "10387,10081"}).content.decode()
    for th in re.findall(r'<th scope="row">(.*?)</th>', html, re.S):
        assert 'class="source row-source"' in th, th
    assert "Base permanente des équipements, mise à jour le" in html
