"""A small fictional territory for the public-site tests: communes, layers, places and proximities."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communes.enums import Theme
from communes.models import Proximity
from portail import finder
from tests.factories import CommuneFactory, EPCIFactory, LayerFactory, PlaceFactory, SourceFactory
from tests.helpers import clear_worker_cache

clear_cache = clear_worker_cache


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts with an empty cache (rate limits, cached pages) and a finder index to rebuild."""
    clear_cache()
    finder.reset_index()
    yield
    clear_cache()
    finder.reset_index()


LAYERS = {
    "ecoles-maternelles": ("Écoles maternelles", "école maternelle", Theme.ECOLE, 10),
    "ecoles-elementaires": ("Écoles élémentaires et primaires", "école élémentaire", Theme.ECOLE, 20),
    "colleges": ("Collèges", "collège", Theme.ECOLE, 30),
    "creches": ("Crèches", "crèche", Theme.PETITE_ENFANCE, 50),
    "medecins-generalistes": ("Médecins généralistes", "médecin généraliste", Theme.SANTE, 100),
    "pharmacies": ("Pharmacies", "pharmacie", Theme.SANTE, 110),
    "sport-football": ("Football", "terrain de football", Theme.SPORT, 200),
}


def make_layer(slug):
    name, singular, theme, order = LAYERS[slug]
    layer = LayerFactory(slug=slug, name=name, singular=singular, theme=theme, order=order)
    # The catalogue's data migration may have created the row with other wording: make it ours.
    layer.name, layer.singular = name, singular
    layer.save()
    return layer


def proximity(commune, layer, *, in_commune=0, nearest=None, km=None, w5=0, w10=0, w20=0):
    return Proximity.objects.update_or_create(
        commune=commune,
        layer=layer,
        defaults={
            "in_commune": in_commune,
            "within_5km": w5,
            "within_10km": w10,
            "within_20km": w20,
            "nearest": nearest,
            "nearest_km": km,
        },
    )[0]


@pytest.fixture
def territory(db):
    return build_territory()


def build_territory():
    """Troyes (the prefecture), La Chapelle-Saint-Luc next to it, and a village 30 km away.

    Troyes has every service; La Chapelle-Saint-Luc a maternelle and an élémentaire but its doctor and
    collège are in Troyes; the village has nothing but a football pitch.
    """
    source = SourceFactory(slug="bpe")
    # The catalogue's data migration may already have created it: set what the tests read.
    source.name, source.publisher = "Base permanente des équipements", "INSEE"
    source.expected_every, source.last_success_at = timedelta(days=365), timezone.now() - timedelta(days=3)
    source.save()
    grand_troyes = EPCIFactory(code="200069250", name="Troyes Champagne Métropole")
    other_epci = EPCIFactory(code="241000447", name="CC du Pays d'Othe fictive")
    troyes = CommuneFactory(
        code_insee="10387", name="Troyes", slug="troyes", epci=grand_troyes, postcodes=["10000"],
        population=61652, surface_ha=1320.0, latitude=48.2973, longitude=4.0744,
    )  # fmt: skip
    chapelle = CommuneFactory(
        code_insee="10081", name="La Chapelle-Saint-Luc", slug="la-chapelle-saint-luc", epci=grand_troyes,
        postcodes=["10600"], population=12774, surface_ha=1087.0, latitude=48.3139, longitude=4.0447,
        contour={"type": "Polygon", "coordinates": [[[4.02, 48.30], [4.07, 48.30], [4.07, 48.33], [4.02, 48.33], [4.02, 48.30]]]},
    )  # fmt: skip
    village = CommuneFactory(
        code_insee="10003", name="Aix-Villemaur-Pâlis", slug="aix-villemaur-palis", epci=other_epci,
        postcodes=["10160"], population=3000, surface_ha=7000.0, latitude=48.2240, longitude=3.7330,
    )  # fmt: skip
    layers = {slug: make_layer(slug) for slug in LAYERS}

    places = {}
    for slug in LAYERS:
        places[slug] = PlaceFactory(
            layer=layers[slug], source=source, commune=troyes, name=f"{LAYERS[slug][1]} de Troyes (fictif)"
        )
    mat_chapelle = PlaceFactory(
        layer=layers["ecoles-maternelles"],
        source=source,
        commune=chapelle,
        name="École maternelle Jules Ferry (fictif)",
    )
    ele_chapelle = PlaceFactory(
        layer=layers["ecoles-elementaires"],
        source=source,
        commune=chapelle,
        name="École élémentaire des Marots (fictif)",
    )
    foot_village = PlaceFactory(
        layer=layers["sport-football"], source=source, commune=village, name="Stade municipal (fictif)"
    )

    for slug, layer in layers.items():
        proximity(troyes, layer, in_commune=1, nearest=places[slug], km=0.3, w5=1, w10=1, w20=2)
    proximity(
        chapelle, layers["ecoles-maternelles"], in_commune=1, nearest=mat_chapelle, km=0.2, w5=2, w10=2, w20=2
    )
    proximity(
        chapelle,
        layers["ecoles-elementaires"],
        in_commune=1,
        nearest=ele_chapelle,
        km=0.2,
        w5=2,
        w10=2,
        w20=2,
    )
    for slug in ("colleges", "creches", "medecins-generalistes", "pharmacies", "sport-football"):
        proximity(chapelle, layers[slug], in_commune=0, nearest=places[slug], km=2.6, w5=1, w10=1, w20=1)
    proximity(
        village, layers["sport-football"], in_commune=1, nearest=foot_village, km=0.5, w5=1, w10=1, w20=1
    )
    for slug in (
        "ecoles-maternelles",
        "ecoles-elementaires",
        "colleges",
        "creches",
        "medecins-generalistes",
        "pharmacies",
    ):
        proximity(village, layers[slug], in_commune=0, nearest=places[slug], km=27.0, w5=0, w10=0, w20=0)

    return {
        "troyes": troyes,
        "chapelle": chapelle,
        "village": village,
        "layers": layers,
        "source": source,
        "places": places,
    }


def add_figures_and_odd_places(data):
    """Indicators of every kind (a figure, one withheld, one on the EPCI, a linked collège, a source never
    imported), places with contacts or an approximate or unknown position, and a fictional publication:
    what the pages must show honestly (used by the browser tests)."""
    from datetime import date

    from communes.enums import IndicatorLevel, PositionQuality
    from tests.factories import CommuneIndicatorFactory, IndicatorFactory, record_publication

    record_publication(data["source"], fictional=True)
    arcep = SourceFactory(slug="arcep", name="Ma connexion internet (fictif)", publisher="Arcep",
                          data_vintage="T1 2026", last_success_at=timezone.now())  # fmt: skip
    dvf = SourceFactory(slug="dvf", name="DVF (fictif)", publisher="DGFiP", data_date=date(2025, 12, 31),
                        last_success_at=timezone.now())  # fmt: skip
    never = SourceFactory(slug="apl", name="APL (fictif)", publisher="DREES")
    fibre = IndicatorFactory(
        slug="arcep-thd-1g", name="Locaux éligibles à 1 Gbit/s", unit="% des locaux", source=arcep
    )
    houses = IndicatorFactory(
        slug="dvf-prix-m2-maisons", name="Prix médian des maisons", unit="€/m²", source=dvf
    )
    flats = IndicatorFactory(slug="dvf-prix-m2-appartements", name="Prix médian des appartements", unit="€/m²",
                             source=dvf)  # fmt: skip
    college = IndicatorFactory(slug="college-secteur", name="Collège public de secteur", unit="", source=dvf)
    IndicatorFactory(
        slug="apl-generalistes", name="Accès aux généralistes", unit="consultations", source=never
    )
    chapelle = data["chapelle"]
    CommuneIndicatorFactory(
        commune=chapelle, indicator=fibre, value=87.25, count=6120, level=IndicatorLevel.COMMUNE
    )
    CommuneIndicatorFactory(commune=chapelle, indicator=houses, value=1480.0, count=57, level=IndicatorLevel.EPCI,
                            territory_name="Troyes Champagne Métropole")  # fmt: skip
    CommuneIndicatorFactory(commune=chapelle, indicator=flats, value=None, count=3)
    CommuneIndicatorFactory(commune=chapelle, indicator=college, value=None, place=data["places"]["colleges"])
    creches = data["layers"]["creches"]
    PlaceFactory(
        layer=creches, source=data["source"], commune=chapelle, name="Crèche Les Lutins (fictif)",
        address="3 rue des Écoles", postcode="10600", phone="03 25 74 00 00", email="lutins@example.org",
        website="https://www.creche-les-lutins-fictive.example.org/accueil", latitude=48.315, longitude=4.046,
    )  # fmt: skip
    PlaceFactory(layer=creches, source=data["source"], commune=chapelle, name="Micro-crèche au hasard (fictif)",
                 position_quality=PositionQuality.APPROXIMATE)  # fmt: skip
    PlaceFactory(layer=creches, source=data["source"], commune=chapelle, name="Crèche sans point (fictif)",
                 position_quality=PositionQuality.UNKNOWN, latitude=None, longitude=None)  # fmt: skip
    return data
