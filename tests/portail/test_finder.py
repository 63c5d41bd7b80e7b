"""The household finder: ranking with explanations in words, shareable GET URL, nonsense input handled."""

import numpy as np
import pytest

from communes.geo import distance_km
from portail import finder
from tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def search(**criteria):
    return finder.search(finder.get_index(), finder.Criteria(**criteria))


def troyes_workplace(max_km):
    return finder.Workplace(name="Troyes", code="10387", latitude=48.2973, longitude=4.0744, max_km=max_km)


def test_explains_each_commune_in_words(territory):
    results, fitting = search(workplaces=[troyes_workplace(30)], child_ages=[4, 9, 12], gp_km=10)
    assert fitting == 2  # Troyes and La Chapelle-Saint-Luc; the village has no doctor within 10 km
    by_name = {r.name: r for r in results}
    chapelle = by_name["La Chapelle-Saint-Luc"]
    assert chapelle.fits
    assert chapelle.explanation == (
        "École maternelle et élémentaire sur place, collège à 3 km, médecin à 3 km, 3 km du travail"
    )
    village = by_name["Aix-Villemaur-Pâlis"]
    assert not village.fits
    assert "médecin au-delà de 10 km (le plus proche à 27 km)" in village.shortfalls


def test_communes_that_fit_come_first_then_the_closest_to_work(territory):
    results, _ = search(workplaces=[troyes_workplace(40)], child_ages=[4])
    assert [r.name for r in results] == ["Troyes", "La Chapelle-Saint-Luc", "Aix-Villemaur-Pâlis"]


def test_workplace_too_far_is_a_shortfall(territory):
    results, fitting = search(workplaces=[troyes_workplace(10)])
    assert fitting == 2
    village = results[-1]
    assert village.name == "Aix-Villemaur-Pâlis"
    distance = distance_km(48.2973, 4.0744, village.latitude, village.longitude)
    assert distance > 10
    assert village.shortfalls == [f"{distance:.0f} km du travail, au-delà des 10 km acceptés"]


def test_toddlers_need_childcare_and_teenagers_a_lycee(territory):
    results, _ = search(child_ages=[1])
    assert "Crèche ou assistante maternelle sur place" in results[0].explanation
    # No lycée layer in this territory at all: said plainly, never counted as met.
    results, fitting = search(child_ages=[16])
    assert fitting == 0
    assert results[0].shortfalls == ["aucun lieu « lycée » connu à proximité"]


def test_size_preference_filters(territory):
    results, _ = search(size="bourg")
    assert [r.name for r in results] == ["Aix-Villemaur-Pâlis"]


def test_sport_uses_the_layer_name(territory):
    results, fitting = search(sport="sport-football")
    assert fitting == 3
    assert results[0].explanation == "Terrain de football sur place"


def test_two_workplaces(territory):
    other = finder.Workplace(name="Aix", code="10003", latitude=48.2240, longitude=3.7330, max_km=30)
    results, _ = search(workplaces=[troyes_workplace(30), other])
    by_name = {r.name: r.explanation for r in results}
    assert by_name["Troyes"] == "Travail à Troyes dans la commune, 27 km du travail à Aix"
    assert by_name["Aix-Villemaur-Pâlis"] == "27 km du travail à Troyes, travail à Aix dans la commune"


def test_vectorised_search_over_a_national_sized_index():
    """34,875 communes: the search is array work, so it answers fast (the bench measures it precisely)."""
    rng = np.random.default_rng(10)
    n = 34875
    index = finder.FinderIndex(
        codes=[f"{i:05d}" for i in range(n)], names=[f"Commune {i}" for i in range(n)],
        slugs=[f"commune-{i}" for i in range(n)], lat=rng.uniform(42, 51, n), lon=rng.uniform(-4, 8, n),
        population=rng.integers(50, 100000, n).astype(float),
    )  # fmt: skip
    for slug in ("ecoles-maternelles", "ecoles-elementaires", "colleges", "medecins-generalistes"):
        index.in_commune[slug] = rng.integers(0, 3, n)
        index.nearest_km[slug] = rng.uniform(0, 30, n)
    criteria = finder.Criteria(workplaces=[troyes_workplace(30)], child_ages=[4, 9, 12], gp_km=10)
    results, fitting = finder.search(index, criteria)
    assert len(results) == finder.MAX_RESULTS
    assert all(r.fits for r in results) and fitting >= len(results)
    assert all(abs(r.latitude - 48.3) < 0.5 for r in results)


# --- The page


def test_results_page_is_a_shareable_get(client, territory):
    response = client.get("/trouver/", {"work_1": "Troyes", "km_1": 30, "ages": "4, 9", "gp_km": "10"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 communes répondent à tous vos critères." in html
    assert "École maternelle et élémentaire sur place" in html
    assert 'action="/comparer/"' in html and 'name="communes" value="10081"' in html
    assert 'id="finder-points" type="application/json"' in html
    # The form shows what was asked, so the page can be adjusted and shared again.
    assert 'value="4, 9"' in html


def test_workplace_by_postcode_or_insee_code(client, territory):
    for value in ("10600", "10081", "La Chapelle-Saint-Luc (10081)", "chapelle st luc"):
        response = client.get("/trouver/", {"work_1": value})
        assert response.status_code == 200, value


def test_a_campaign_link_shows_the_blank_finder_not_an_error(client, territory):
    # Parameters the finder does not read are dropped before it runs (osez.cache): a newsletter's
    # link to /trouver/?utm_source=… opens the form, like /trouver/.
    response = client.get("/trouver/", {"utm_source": "lettre", "foo": "bar"})
    assert response.status_code == 200
    assert 'class="error-summary"' not in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"ages": "quatre"}, "« quatre » n&#x27;est pas un âge"),
        ({"km_1": "-5", "work_1": "Troyes"}, "supérieure ou égale à 1"),
        ({"work_1": "Paris-sur-Seine"}, "Aucune commune ne correspond à « Paris-sur-Seine »"),
        ({"gp_km": "999"}, "Sélectionnez un choix valide"),
        ({"sport": "curling"}, "Sélectionnez un choix valide"),
        ({"work_1": "", "ages": ""}, "Indiquez au moins un critère"),
    ],
)
def test_nonsense_parameters_give_the_form_with_messages(client, territory, params, message):
    response = client.get("/trouver/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'class="error-summary"' in html


def test_ambiguous_workplace_lists_the_candidates(client, territory):
    CommuneFactory(code_insee="10340", name="Saint-Germain", postcodes=["10120"])
    CommuneFactory(code_insee="10341", name="Saint-Germain", postcodes=["10190"])
    response = client.get("/trouver/", {"work_1": "st germain"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Plusieurs communes correspondent" in html
    # Each candidate is a link that re-runs the search with it, told apart by its postcode.
    assert "Choisir Saint-Germain (10120)" in html and "Choisir Saint-Germain (10190)" in html
    assert "work_1=Saint-Germain+%2810341%29" in html
    # Picking one by its code then works.
    assert client.get("/trouver/", {"work_1": "Saint-Germain (10341)"}).status_code == 200


def test_empty_finder_shows_the_form(client, territory):
    response = client.get("/trouver/")
    assert response.status_code == 200
    assert "à vol d&#x27;oiseau" in response.content.decode()


# --- criteria on commune indicators -------------------------------------------------------------


def test_every_figure_criterion_reads_an_indicator_the_sources_publish():
    """A criterion on a slug no importer writes would offer a choice that never matches a commune."""
    from communes.sources.indicators import INDICATORS

    published = {spec.slug: spec for spec in INDICATORS}
    assert set(finder.FIGURE_INDICATORS) <= set(published)
    for criterion in finder.FIGURE_CRITERIA.values():
        unit = str(published[criterion.indicator].unit)
        if criterion.indicator.startswith("arcep-"):
            assert unit == "% des locaux" and 0 < criterion.threshold <= 100
    # The under-served threshold of 2.5 consultations is the DREES's, on the series without GPs over 65.
    assert finder.FIGURE_CRITERIA["apl-2.5"].indicator == "apl-generalistes-65"


@pytest.fixture
def figures(territory):
    """Fibre and house prices where the finder reads them; the village has no DVF row, La Chapelle a
    withheld median, and the childcare rate is measured on the EPCI."""
    from communes.enums import IndicatorLevel
    from tests.factories import CommuneIndicatorFactory, IndicatorFactory, SourceFactory

    arcep = SourceFactory(slug="arcep", name="Arcep (fictif)")
    dvf = SourceFactory(slug="dvf", name="DVF (fictif)")
    caf = SourceFactory(slug="caf", name="CNAF (fictif)")
    fibre = IndicatorFactory(slug="arcep-thd-1g", name="Fibre", unit="% des locaux", source=arcep)
    houses = IndicatorFactory(slug="dvf-prix-m2-maisons", name="Maisons", unit="€/m²", source=dvf)
    rate = IndicatorFactory(
        slug="caf-taux-couverture", name="Couverture", unit="places pour 100 enfants", source=caf
    )
    troyes, chapelle, village = territory["troyes"], territory["chapelle"], territory["village"]
    CommuneIndicatorFactory(commune=troyes, indicator=fibre, value=96.4)
    CommuneIndicatorFactory(commune=chapelle, indicator=fibre, value=71.0)
    CommuneIndicatorFactory(commune=village, indicator=fibre, value=0.0)  # a real zero
    CommuneIndicatorFactory(commune=troyes, indicator=houses, value=1650.0, count=120)
    CommuneIndicatorFactory(commune=chapelle, indicator=houses, value=None, count=4)  # withheld
    for commune in (chapelle, troyes):
        CommuneIndicatorFactory(
            commune=commune, indicator=rate, value=64.0, level=IndicatorLevel.EPCI,
            territory_code="200069250", territory_name="Troyes Champagne Métropole",
        )  # fmt: skip
    return territory


def plain(results):
    """Results by name, their words with French non-breaking spaces as plain ones, as a reader sees them."""
    for r in results:
        r.explanation = r.explanation.replace("\u00a0", " ")
        r.shortfalls = [s.replace("\u00a0", " ") for s in r.shortfalls]
    return {r.name: r for r in results}


def test_a_minimum_share_of_fibre_is_explained_in_words(figures):
    results, fitting = search(figures=[finder.FIGURE_CRITERIA["fibre-80"]])
    assert fitting == 1
    by_name = plain(results)
    assert by_name["Troyes"].fits and "Fibre (1 Gbit/s) : 96,4 % des locaux" in by_name["Troyes"].explanation
    assert "fibre (1 Gbit/s) : 71 % des locaux, moins que les 80 % des locaux demandés" in (
        by_name["La Chapelle-Saint-Luc"].shortfalls
    )
    assert "fibre (1 Gbit/s) : 0 % des locaux, moins que les 80 % des locaux demandés" in (
        by_name["Aix-Villemaur-Pâlis"].shortfalls
    )


def test_no_price_is_never_a_price_of_zero(figures):
    results, fitting = search(figures=[finder.FIGURE_CRITERIA["maison-2000"]])
    by_name = plain(results)
    assert fitting == 1 and by_name["Troyes"].fits
    assert "Prix médian des maisons : 1 650 €/m²" in by_name["Troyes"].explanation
    chapelle, village = by_name["La Chapelle-Saint-Luc"], by_name["Aix-Villemaur-Pâlis"]
    assert not chapelle.fits and not village.fits
    assert chapelle.shortfalls == [
        "prix médian des maisons : chiffre non publié par la source pour cette commune"
    ]
    assert village.shortfalls == ["prix médian des maisons : pas de données pour cette commune"]


def test_a_figure_measured_on_the_epci_says_so(figures):
    results, _fitting = search(figures=[finder.FIGURE_CRITERIA["couverture-60"]])
    chapelle = next(r for r in results if r.name == "La Chapelle-Saint-Luc")
    assert chapelle.fits
    assert "mesuré sur l'intercommunalité" in chapelle.explanation


def test_the_form_offers_only_criteria_with_data_and_keeps_the_url_shareable(client, figures):
    html = client.get("/trouver/").content.decode()
    assert 'name="internet"' in html and 'name="housing"' in html and 'name="childcare"' in html
    assert 'name="gp_access"' not in html  # no APL figure in this territory: nothing to offer
    response = client.get("/trouver/?housing=maison-2000&internet=fibre-50")
    page = response.content.decode().replace("\u00a0", " ")
    assert response.status_code == 200
    assert "1 commune répond à tous vos critères." in page
    assert "prix médian des maisons : pas de données pour cette commune" in page
    assert client.get("/trouver/?housing=maison-1").status_code == 400


def test_without_any_indicator_the_finder_still_works(client, territory):
    html = client.get("/trouver/").content.decode()
    assert 'name="internet"' not in html
    assert client.get("/trouver/?ages=4").status_code == 200


def test_results_say_where_the_figures_of_the_criteria_come_from(client, figures):
    from communes.models import Source

    Source.objects.filter(pk="arcep").update(data_vintage="Arcep T1 2026", is_fictional=True)
    html = client.get("/trouver/?internet=fibre-80").content.decode()
    line = html.split("Chiffres :")[1].split("</p>")[0]
    assert "Fibre — Arcep (fictif), données Arcep T1 2026 (données fictives)" in line
