"""Fixtures of the API tests: a clean cache per test (throttle history, cached aggregates) and a small territory."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from communes.enums import IndicatorLevel, PositionQuality, SourceState
from communes.models import Proximity, Source
from tests.factories import (
    CommuneFactory,
    CommuneIndicatorFactory,
    EPCIFactory,
    IndicatorFactory,
    LayerFactory,
    PlaceFactory,
    SourceFactory,
)
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


@pytest.fixture
def figures(territory):
    """Indicators over the API territory and places with contacts and positions of every quality."""
    arcep = SourceFactory(slug="arcep-fictif", name="Internet fixe (fictif)", publisher="ARCEP")
    Source.objects.filter(pk="arcep-fictif").update(data_vintage="T1 2026", data_date=date(2026, 3, 31))
    dvf = SourceFactory(slug="dvf-fictif", name="Prix immobiliers (fictif)", publisher="DGFiP")
    caf = SourceFactory(slug="caf-fictif", name="Jeune enfant (fictif)", publisher="CNAF")
    fibre = IndicatorFactory(slug="fibre-fictive", name="Locaux éligibles à la fibre", unit="%", source=arcep)
    houses = IndicatorFactory(slug="prix-maisons-fictif", name="Prix des maisons", unit="€/m²", source=dvf)
    places = IndicatorFactory(slug="places-creche-fictif", name="Places en crèche", unit="places", source=caf)
    troyes, chapelle, bar = territory["troyes"], territory["chapelle"], territory["bar"]
    CommuneIndicatorFactory(commune=troyes, indicator=fibre, value=91.5, count=40210)
    CommuneIndicatorFactory(commune=bar, indicator=fibre, value=0.0, count=2800)  # a real zero stays 0
    CommuneIndicatorFactory(commune=troyes, indicator=houses, value=None, count=3)  # withheld: too few sales
    CommuneIndicatorFactory(
        commune=chapelle, indicator=places, value=812.0, level=IndicatorLevel.EPCI, territory_code="200069250",
        territory_name="Troyes Champagne Métropole", vintage="2024", place=territory["school_troyes"],
    )  # fmt: skip
    doctors, bpe = territory["doctors"], territory["bpe"]
    contact = PlaceFactory(
        layer=doctors, source=bpe, commune=chapelle, name="Centre de santé (fictif)", address="2 rue Y",
        postcode="10600", phone="03 25 00 00 02", email="centre@example.org", website="https://centre.example.org",
    )  # fmt: skip
    approximate = PlaceFactory(
        layer=doctors, source=bpe, commune=bar, name="Médecin au hasard (fictif)",
        position_quality=PositionQuality.APPROXIMATE, website="javascript:alert(1)",
    )  # fmt: skip
    unknown = PlaceFactory(
        layer=doctors, source=bpe, commune=bar, name="Médecin sans point (fictif)",
        position_quality=PositionQuality.UNKNOWN,  # odd: coordinates kept, but the source says unknown
    )  # fmt: skip
    return {"fibre": fibre, "houses": houses, "places": places, "contact": contact, "approximate": approximate,
            "unknown": unknown, "arcep": arcep}  # fmt: skip
