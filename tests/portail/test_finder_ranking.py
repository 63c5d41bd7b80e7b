"""The finder puts the communes that meet every criterion first, even when others are closer to work.

The three communes here are built so that fit and distance disagree: the one that fits is the furthest
from work, and the closest to work has no doctor within the distance asked. Ranking by distance alone
would put them the other way round.
"""

import numpy as np
import pytest

from portail import finder

# Workplace at the origin of this small map; 0.1° of latitude is about 11 km.
WORK = finder.Workplace(name="Usine fictive", code="10999", latitude=48.0, longitude=4.0, max_km=30)


def index(doctor_km):
    """Three communes north of the workplace, at about 2, 10 and 25 km, with the given doctor distances."""
    n = len(doctor_km)
    built = finder.FinderIndex(
        codes=[f"1090{i}" for i in range(n)],
        names=["Proche", "Milieu", "Loin"][:n],
        slugs=[f"commune-{i}" for i in range(n)],
        lat=np.array([48.02, 48.09, 48.225][:n]),
        lon=np.full(n, 4.0),
        population=np.full(n, 1500.0),
    )
    built.in_commune["medecins-generalistes"] = np.zeros(n, dtype=np.int32)
    built.nearest_km["medecins-generalistes"] = np.array(doctor_km, dtype=float)
    return built


def test_communes_that_fit_rank_before_closer_ones_that_do_not():
    # Doctor within 5 km wanted: only the furthest commune (25 km from work) has one that close.
    results, fitting = finder.search(index([7.0, 6.0, 1.0]), finder.Criteria(workplaces=[WORK], gp_km=5))

    assert fitting == 1
    assert [r.name for r in results] == ["Loin", "Proche", "Milieu"]
    assert [r.fits for r in results] == [True, False, False]
    assert results[0].rank == 1
    # All on the workplace's meridian, north of it: by commute alone the fitting commune comes last, and
    # its score without the shortfalls (commute and doctor distances) is the worst of the three too.
    by_commute = sorted(results, key=lambda r: r.latitude)
    assert by_commute[-1].name == "Loin"
    assert "25 km du travail" in results[0].explanation


def test_among_communes_that_do_not_fit_fewer_shortfalls_come_first():
    # No doctor within 5 km anywhere; the furthest commune is also beyond the 15 km accepted for work.
    work = finder.Workplace(name="Usine fictive", code="10999", latitude=48.0, longitude=4.0, max_km=15)
    results, fitting = finder.search(index([9.0, 9.0, 9.0]), finder.Criteria(workplaces=[work], gp_km=5))
    assert fitting == 0
    assert [r.name for r in results] == ["Proche", "Milieu", "Loin"]
    assert [len(r.shortfalls) for r in results] == [1, 1, 2]


# --- How the finder words its explanations, and which communes it ranks.


@pytest.mark.parametrize(
    ("items", "sentence"),
    [
        ([], ""),
        (["collège"], "collège"),
        (["collège", "lycée"], "collège et lycée"),
        (["crèche", "collège", "lycée"], "crèche, collège et lycée"),
        (["école maternelle et élémentaire", "collège"], "école maternelle et élémentaire, collège"),
    ],
)
def test_lists_read_as_a_sentence(items, sentence):
    assert finder._join(items) == sentence


@pytest.mark.parametrize(
    ("labels", "sentence"),
    [
        (["école maternelle"], "école maternelle"),
        (["école élémentaire", "collège"], "école élémentaire et collège"),
        (["collège", "école maternelle", "école élémentaire"], "collège, école maternelle et élémentaire"),
    ],
)
def test_maternelle_and_elementaire_merge_only_when_both_are_there(labels, sentence):
    assert finder._join_schools(labels) == sentence


@pytest.mark.django_db
def test_the_index_holds_the_configured_departements_communes_that_have_a_centre():
    from tests.factories import CommuneFactory, DepartementFactory

    CommuneFactory(code_insee="10901", name="Dans l'Aube")
    CommuneFactory(
        code_insee="52901",
        name="En Haute-Marne",
        departement=DepartementFactory(code="52", name="Haute-Marne"),
    )
    CommuneFactory(code_insee="10902", name="Sans latitude", latitude=None)
    CommuneFactory(code_insee="10903", name="Sans longitude", longitude=None)
    index = finder.build_index(["10"])
    assert index.codes == ["10901"]
    assert finder.build_index(["10", "52"]).codes == ["10901", "52901"]


def one_layer_index(slug, nearest_km):
    built = index([7.0, 6.0, 1.0])
    built.in_commune[slug] = np.zeros(3, dtype=np.int32)
    built.nearest_km[slug] = np.array(nearest_km, dtype=float)
    return built


def test_a_pharmacy_nearby_is_a_criterion_of_its_own():
    results, fitting = finder.search(
        one_layer_index("pharmacies", [4.0, 6.0, 30.0]), finder.Criteria(pharmacy_km=5)
    )
    assert fitting == 1
    assert results[0].name == "Proche" and results[0].explanation == "Pharmacie à 4 km"
    assert results[1].shortfalls == ["pharmacie au-delà de 5 km (le plus proche à 6 km)"]


def test_a_sport_is_wanted_within_15_km_and_named_by_its_layer_or_its_code():
    built = one_layer_index("sport-tennis", [15.0, 15.5, np.inf])
    results, fitting = finder.search(built, finder.Criteria(sport="sport-tennis"))
    assert fitting == 1
    assert results[0].explanation == "Sport-tennis à 15 km", "no layer name known: the code stands in"
    built.layer_names = {"sport-tennis": "court de tennis"}
    results, _fitting = finder.search(built, finder.Criteria(sport="sport-tennis"))
    assert results[1].shortfalls == ["court de tennis au-delà de 15 km (le plus proche à 16 km)"]


@pytest.mark.parametrize(
    ("km", "words"), [(0.99, "moins de 1 km"), (1.0, "1 km"), (1.6, "2 km"), (12.4, "12 km")]
)
def test_distances_in_words(km, words):
    assert finder._km(km) == words


@pytest.mark.django_db
def test_the_index_is_built_once_and_again_when_the_data_change():
    from osez.cache import bump_data_generation
    from tests.factories import CommuneFactory, LayerFactory
    from tests.helpers import clear_worker_cache

    clear_worker_cache()
    finder.reset_index()
    commune = CommuneFactory(code_insee="10904")
    layer = LayerFactory()  # created first: a new layer is news too (it bumps the public data generation)
    first = finder.get_index()
    assert finder.get_index() is first, "kept while nothing changes"
    from communes.models import Proximity

    # Proximity is recomputed in bulk (no signal): its new rows alone say the data changed.
    Proximity.objects.bulk_create([Proximity(commune=commune, layer=layer, in_commune=1, nearest_km=0.0)])
    second = finder.get_index()
    assert second is not first, "new proximity figures: built again"
    assert finder.get_index() is second
    bump_data_generation(reason="test")  # anything else published
    third = finder.get_index()
    assert third is not second
    finder.reset_index()
    assert finder.get_index() is not third


def grid(doctor_km, pharmacy_km, population=None, lat=None):
    """Communes on the workplace's meridian with doctor and pharmacy distances (no place in the commune)."""
    n = len(doctor_km)
    built = finder.FinderIndex(
        codes=[f"1091{i}" for i in range(n)], names=[f"C{i}" for i in range(n)], slugs=[f"c{i}" for i in range(n)],
        lat=np.array(lat or [48.0 + 0.01 * i for i in range(n)]), lon=np.full(n, 4.0),
        population=np.array(population or [1500.0] * n, dtype=float),
    )  # fmt: skip
    for slug, km in (("medecins-generalistes", doctor_km), ("pharmacies", pharmacy_km)):
        built.in_commune[slug] = np.zeros(n, dtype=np.int32)
        built.nearest_km[slug] = np.array(km, dtype=float)
    return built


def test_every_need_counts_towards_fitting_and_towards_the_score():
    # C0 lacks the doctor but has the pharmacy: it does not fit. C1 and C2 fit; C1 is closer overall.
    results, fitting = finder.search(
        grid([9.0, 1.0, 3.0], [1.0, 2.0, 1.0]), finder.Criteria(gp_km=5, pharmacy_km=5)
    )
    assert fitting == 2
    assert [r.name for r in results] == ["C1", "C2", "C0"]


def test_a_place_far_beyond_the_limit_weighs_no_more_than_one_just_beyond_it():
    # Both miss the doctor; C0's is 100 km away, C1's 12 km, but C0 is nearer to work: C0 comes first.
    results, _fitting = finder.search(
        grid([100.0, 12.0], [1.0, 1.0], lat=[48.01, 48.1]), finder.Criteria(workplaces=[WORK], gp_km=5)
    )
    assert [r.name for r in results] == ["C0", "C1"]


@pytest.mark.parametrize(
    ("size", "members"),
    [("village", ["C0"]), ("bourg", ["C1", "C2"]), ("ville", ["C3", "C4"])],
)
def test_size_bands_include_their_lower_bound_and_leave_out_unknown_populations(size, members):
    built = grid([1.0] * 6, [1.0] * 6, population=[1999.0, 2000.0, 9999.0, 10000.0, 61000.0, np.nan])
    results, _fitting = finder.search(built, finder.Criteria(size=size, gp_km=5))
    assert sorted(r.name for r in results) == members


def test_a_territory_of_one_commune_is_searched_too():
    results, fitting = finder.search(grid([1.0], [1.0]), finder.Criteria(gp_km=5))
    assert (len(results), fitting) == (1, 1)
