"""What a territory kit says about the area around a job's workplace, read from the open data.

Communes within the commute (great-circle distance between commune centres, ``communes.geo``), the
schools, childcare, health and sports places published in them (counted per layer), and per commune the
broadband and housing-price figures where a source publishes them; "pas de données" where none does.
Nothing here is personal: the kit is shared with a candidate by its address.
"""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from communes.enums import Theme
from communes.geo import bounding_box, haversine_km
from communes.models import Commune, CommuneIndicator, Place, Source

THEMES = [
    (Theme.ECOLE, _("Écoles, collèges et lycées")),
    (Theme.PETITE_ENFANCE, _("Accueil des jeunes enfants")),
    (Theme.SANTE, _("Santé")),
    (Theme.SPORT, _("Sport")),
]
# Per-commune figures, in the order of the table's columns.
FIGURES = [
    ("houses", "dvf-prix-m2-maisons", _("Maisons (€/m², médiane)")),
    ("flats", "dvf-prix-m2-appartements", _("Appartements (€/m², médiane)")),
    ("broadband", "arcep-thd-100", _("Internet ≥ 100 Mbit/s (% des locaux)")),
    ("childcare", "caf-taux-couverture", _("Accueil des moins de 3 ans (places / 100 enfants)")),
]


@dataclass
class AreaCommune:
    code: str
    name: str
    distance_km: float
    population: int | None
    figures: dict = field(default_factory=dict)


@dataclass
class Kit:
    communes: list
    themes: list  # (label, [(layer name, count)]) — an empty list means "pas de données"
    figure_labels: list
    figure_ranges: list  # (label, min, max, vintage) or (label, None, None, "") when no data
    is_fictional: bool


def communes_within(workplace, radius_km):
    """Active communes whose centre is within ``radius_km`` of the workplace's, nearest first."""
    if workplace.latitude is None or workplace.longitude is None:
        return [AreaCommune(workplace.code_insee, workplace.name, 0.0, workplace.population)]
    south, west, north, east = bounding_box(workplace.latitude, workplace.longitude, radius_km)
    candidates = list(
        Commune.objects.filter(
            is_active=True,
            latitude__gte=south,
            latitude__lte=north,
            longitude__gte=west,
            longitude__lte=east,
        ).values_list("code_insee", "name", "population", "latitude", "longitude")
    )
    if not candidates:
        return [AreaCommune(workplace.code_insee, workplace.name, 0.0, workplace.population)]
    distances = haversine_km(
        workplace.latitude,
        workplace.longitude,
        [c[3] for c in candidates],
        [c[4] for c in candidates],
    )
    found = [
        AreaCommune(code, name, round(float(km), 1), population)
        for (code, name, population, _lat, _lon), km in zip(candidates, distances, strict=True)
        if km <= radius_km or code == workplace.code_insee
    ]
    return sorted(found, key=lambda c: (c.distance_km, c.name))


def describe(kit):
    area = communes_within(kit.workplace, kit.commute_km)
    codes = [c.code for c in area]
    places = (
        Place.objects.filter(is_active=True, commune_id__in=codes, layer__theme__in=[t for t, _l in THEMES])
        .values("layer__theme", "layer__name", "layer__order")
        .annotate(n=Count("id"))
        .order_by("layer__order", "layer__name")
    )
    by_theme = {theme: [] for theme, _label in THEMES}
    for row in places:
        by_theme[row["layer__theme"]].append((row["layer__name"], row["n"]))
    themes = [(label, by_theme[theme]) for theme, label in THEMES]

    slugs = {slug: key for key, slug, _label in FIGURES}
    values = CommuneIndicator.objects.filter(
        commune_id__in=codes, indicator_id__in=slugs, is_active=True, value__isnull=False
    ).values_list("commune_id", "indicator_id", "value", "vintage")
    by_code = {c.code: c for c in area}
    vintages = {}
    for code, slug, value, vintage in values:
        by_code[code].figures[slugs[slug]] = value
        vintages.setdefault(slugs[slug], vintage)
    ranges = []
    for key, _slug, label in FIGURES:
        found = [c.figures[key] for c in area if key in c.figures]
        if found:
            ranges.append((label, min(found), max(found), vintages.get(key, "")))
        else:
            ranges.append((label, None, None, ""))
    for commune in area:
        commune.figures = [commune.figures.get(key) for key, _slug, _label in FIGURES]
    return Kit(
        communes=area,
        themes=themes,
        figure_labels=[label for _key, _slug, label in FIGURES],
        figure_ranges=ranges,
        is_fictional=Source.objects.filter(is_fictional=True).exists(),
    )
