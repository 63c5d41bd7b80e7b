"""Fixtures of the API tests: a clean cache per test (throttle history, cached aggregates) and a small territory."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communes.enums import SourceState
from communes.models import Proximity
from tests.factories import CommuneFactory, EPCIFactory, LayerFactory, PlaceFactory, SourceFactory
from tests.helpers import clear_worker_cache


@pytest.fixture(autouse=True)
def _clean_cache():
    clear_worker_cache()
    yield
    clear_worker_cache()


def source(slug, **fields):
    """A source in the given state, whether the catalogue migration already created it or not."""
    created = SourceFactory(slug=slug)
    for name, value in fields.items():
        setattr(created, name, value)
    created.save()
    return created


@pytest.fixture
def territory(db):
    """Three communes of the Aube, two layers from two sources, places at known spots, proximities."""
    now = timezone.now()
    bpe = source(
        "bpe",
        expected_every=timedelta(days=7),
        state=SourceState.OK,
        last_success_at=now - timedelta(days=1),
        last_attempt_at=now - timedelta(days=1),
    )
    communes_source = source(
        "communes",
        expected_every=timedelta(days=1),
        state=SourceState.OK,
        last_success_at=now - timedelta(hours=2),
        last_attempt_at=now - timedelta(hours=2),
    )
    ecoles = source(
        "ecoles",
        expected_every=timedelta(days=1),
        state=SourceState.FAILED,
        last_success_at=now - timedelta(days=30),
        last_attempt_at=now - timedelta(hours=3),
    )
    troyes_agglo = EPCIFactory(code="200069250", name="Troyes Champagne Métropole")
    troyes = CommuneFactory(
        code_insee="10387",
        name="Troyes",
        postcodes=["10000"],
        population=61000,
        epci=troyes_agglo,
        latitude=48.2973,
        longitude=4.0744,
        contour={"type": "Polygon", "coordinates": [[[4.0, 48.2], [4.1, 48.2], [4.1, 48.3], [4.0, 48.2]]]},
    )
    chapelle = CommuneFactory(
        code_insee="10081",
        name="La Chapelle-Saint-Luc",
        postcodes=["10600"],
        population=12500,
        epci=troyes_agglo,
        latitude=48.3128,
        longitude=4.0453,
    )
    bar = CommuneFactory(
        code_insee="10033",
        name="Bar-sur-Aube",
        postcodes=["10200"],
        population=4900,
        epci=EPCIFactory(code="241000405", name="CC de la Région de Bar-sur-Aube"),
        latitude=48.2330,
        longitude=4.7070,
    )
    doctors = LayerFactory(slug="medecins-generalistes", name="Médecins généralistes")
    schools = LayerFactory(slug="ecoles-maternelles", name="Écoles maternelles", theme="ecole")
    doc_troyes = PlaceFactory(layer=doctors, source=bpe, commune=troyes, name="Cabinet du centre (fictif)")
    doc_chapelle = PlaceFactory(layer=doctors, source=bpe, commune=chapelle, name="Maison de santé (fictif)")
    doc_bar = PlaceFactory(layer=doctors, source=bpe, commune=bar, name="Docteur de Bar (fictif)")
    school_troyes = PlaceFactory(
        layer=schools, source=ecoles, commune=troyes, name="École des Marots (fictif)", address="1 rue X"
    )
    Proximity.objects.create(
        commune=troyes,
        layer=doctors,
        in_commune=1,
        within_5km=2,
        within_10km=2,
        within_20km=2,
        nearest=doc_troyes,
        nearest_km=0.0,
    )
    Proximity.objects.create(
        commune=bar,
        layer=doctors,
        in_commune=1,
        within_5km=1,
        within_10km=1,
        within_20km=1,
        nearest=doc_bar,
        nearest_km=0.4,
    )
    return {
        "bpe": bpe,
        "ecoles": ecoles,
        "communes_source": communes_source,
        "troyes": troyes,
        "chapelle": chapelle,
        "bar": bar,
        "doctors": doctors,
        "schools": schools,
        "doc_troyes": doc_troyes,
        "doc_chapelle": doc_chapelle,
        "doc_bar": doc_bar,
        "school_troyes": school_troyes,
    }
