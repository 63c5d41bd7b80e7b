"""The household finder: ranks the territory's communes against a household's needs, with numpy.

The commune centres and the precomputed ``communes.Proximity`` figures (places in the commune and
distance to the nearest one, per layer) are loaded once into arrays (``FinderIndex``) and kept in the
process until the data change; a search is then a handful of vectorised operations over every commune,
which keeps it well under 300 ms even for the 34,875 communes of France.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from communes.geo import haversine_km
from communes.models import Commune, Layer, Proximity, catalogue_text
from osez.cache import data_generation
from osez.process_cache import StampedValue

CHILDCARE_LAYERS = ("creches", "assistantes-maternelles", "maisons-assistantes-maternelles")
SPORT_LAYERS = ("sport-football", "sport-tennis", "sport-natation", "sport-gymnases", "sport-autres")


@dataclass(frozen=True)
class Need:
    """One thing the household needs near home: the layers that satisfy it and how far is acceptable."""

    key: str
    label: str  # singular, as it reads in "collège à 7 km"
    layers: tuple[str, ...]
    max_km: float


# Ages → school level (French system), and the distance beyond which a family would not find it "near".
SCHOOL_NEEDS = [
    (range(0, 3), Need("garde", gettext_lazy("crèche ou assistante maternelle"), CHILDCARE_LAYERS, 10)),
    (range(3, 6), Need("maternelle", gettext_lazy("école maternelle"), ("ecoles-maternelles",), 10)),
    (range(6, 11), Need("elementaire", gettext_lazy("école élémentaire"), ("ecoles-elementaires",), 10)),
    (range(11, 15), Need("college", gettext_lazy("collège"), ("colleges",), 20)),
    (range(15, 18), Need("lycee", gettext_lazy("lycée"), ("lycees",), 30)),
]


def _lazy(text, **params):
    """A label with its numbers, translated when shown rather than when this module is imported."""
    return lazy(lambda: _(text) % params, str)()


def _thousands(n):
    return f"{n:,}".replace(",", "\u00a0")


@dataclass(frozen=True)
class FigureCriterion:
    """A threshold on a commune indicator ("at least 80 % of premises with fibre", "houses at most 1,500 €/m²").

    A commune for which the source publishes nothing (or withholds the figure) does not meet it: it is
    never read as 0, and the result says "pas de données" rather than a figure.
    """

    key: str
    indicator: str  # slug of communes.Indicator (the sources' catalogue)
    at_least: bool  # True: the value must be ≥ threshold; False: ≤ threshold
    threshold: float
    choice: str  # what the form offers
    label: str  # how the explanation names it: "fibre (1 Gbit/s)"


# Form field → (legend, criteria). A field appears only when its indicators have data.
FIGURE_FIELDS = {
    "internet": (gettext_lazy("Internet fixe"), [
        FigureCriterion("thd30-90", "arcep-thd-30", True, 90, gettext_lazy(
            "au moins 90 % des locaux éligibles au très haut débit (30 Mbit/s)"), gettext_lazy("très haut débit")),
        FigureCriterion("fibre-50", "arcep-thd-1g", True, 50, gettext_lazy(
            "au moins 50 % des locaux éligibles à la fibre (1 Gbit/s)"), gettext_lazy("fibre (1 Gbit/s)")),
        FigureCriterion("fibre-80", "arcep-thd-1g", True, 80, gettext_lazy(
            "au moins 80 % des locaux éligibles à la fibre (1 Gbit/s)"), gettext_lazy("fibre (1 Gbit/s)")),
        FigureCriterion("fibre-95", "arcep-thd-1g", True, 95, gettext_lazy(
            "au moins 95 % des locaux éligibles à la fibre (1 Gbit/s)"), gettext_lazy("fibre (1 Gbit/s)")),
    ]),
    "housing": (gettext_lazy("Prix des logements"), [
        *(FigureCriterion(f"maison-{n}", "dvf-prix-m2-maisons", False, n, _lazy(gettext_noop(
            "maisons à %(n)s €/m² au plus (prix médian)"), n=_thousands(n)),
            gettext_lazy("prix médian des maisons")) for n in (1000, 1500, 2000, 2500)),
        *(FigureCriterion(f"appartement-{n}", "dvf-prix-m2-appartements", False, n, _lazy(gettext_noop(
            "appartements à %(n)s €/m² au plus (prix médian)"), n=_thousands(n)),
            gettext_lazy("prix médian des appartements")) for n in (1500, 2000, 3000)),
    ]),
    "childcare": (gettext_lazy("Accueil des enfants de moins de 3 ans"), [
        *(FigureCriterion(f"couverture-{n}", "caf-taux-couverture", True, n, _lazy(gettext_noop(
            "au moins %(n)s places pour 100 enfants de moins de 3 ans"), n=n),
            gettext_lazy("accueil du jeune enfant")) for n in (50, 60, 70)),
    ]),
    "gp_access": (gettext_lazy("Accès aux médecins généralistes"), [
        # The DREES's under-served threshold (2.5) is set on the series without GPs over 65: both criteria
        # read that series, so that "hors zone sous-dense" means what the DREES means.
        FigureCriterion("apl-2.5", "apl-generalistes-65", True, 2.5, gettext_lazy(
            "au moins 2,5 consultations par an et par habitant (hors zone sous-dense)"),
            gettext_lazy("accès aux généralistes")),
        FigureCriterion("apl-4", "apl-generalistes-65", True, 4, gettext_lazy(
            "au moins 4 consultations par an et par habitant"), gettext_lazy("accès aux généralistes")),
    ]),
}  # fmt: skip
FIGURE_CRITERIA = {c.key: c for _legend, criteria in FIGURE_FIELDS.values() for c in criteria}
FIGURE_INDICATORS = tuple(sorted({c.indicator for c in FIGURE_CRITERIA.values()}))
# Per commune and indicator in the index: no row, a row without figure, a figure.
NO_ROW, NO_VALUE, HAS_VALUE = 0, 1, 2
LEVEL_CODES = {"commune": 0, "epci": 1, "departement": 2}

SIZE_BANDS = {
    # key: (label, min population included, max population excluded)
    "village": (gettext_lazy("un village (moins de 2 000 habitants)"), 0, 2000),
    "bourg": (gettext_lazy("un bourg (2 000 à 10 000 habitants)"), 2000, 10000),
    "ville": (gettext_lazy("une ville (10 000 habitants ou plus)"), 10000, None),
}
MAX_RESULTS = 20


@dataclass
class FinderIndex:
    """Arrays aligned on the communes of the configured départements (one row per commune)."""

    codes: list[str]
    names: list[str]
    slugs: list[str]
    lat: np.ndarray
    lon: np.ndarray
    population: np.ndarray  # NaN when unknown
    in_commune: dict[str, np.ndarray] = field(default_factory=dict)  # layer slug → count in the commune
    nearest_km: dict[str, np.ndarray] = field(default_factory=dict)  # layer slug → km, inf when none
    layer_names: dict[str, str] = field(default_factory=dict)  # layer slug → singular name
    # Commune indicators the finder can use: value (NaN without figure), state, level, and each one's unit.
    figures: dict[str, np.ndarray] = field(default_factory=dict)
    figure_states: dict[str, np.ndarray] = field(default_factory=dict)
    figure_levels: dict[str, np.ndarray] = field(default_factory=dict)
    figure_units: dict[str, str] = field(default_factory=dict)
    name_order: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # rank by folded name

    def __len__(self):
        return len(self.codes)

    def layer_distance(self, slugs):
        """Per commune, the distance to the nearest place of any of ``slugs`` (0 when one is in the commune)."""
        best = np.full(len(self), np.inf)
        for slug in slugs:
            if slug in self.nearest_km:
                distance = np.where(self.in_commune[slug] > 0, 0.0, self.nearest_km[slug])
                best = np.minimum(best, distance)
        return best


def _name_order(names):
    """Each commune's rank in alphabetical order of its folded name (accents and hyphens ignored)."""
    from communes.text import fold

    order = np.empty(len(names), dtype=np.int64)
    order[sorted(range(len(names)), key=lambda i: fold(names[i]))] = np.arange(len(names))
    return order


def build_index(departements=None) -> FinderIndex:
    """Reads communes and proximities once (two queries) into arrays."""
    departements = departements or settings.OSEZ_DEPARTEMENTS
    rows = list(
        Commune.objects.active()
        .filter(departement_id__in=departements, latitude__isnull=False, longitude__isnull=False)
        .order_by("code_insee")
        .values_list("code_insee", "name", "slug", "latitude", "longitude", "population")
    )
    codes = [r[0] for r in rows]
    position = {code: i for i, code in enumerate(codes)}
    index = FinderIndex(
        codes=codes,
        names=[r[1] for r in rows],
        slugs=[r[2] for r in rows],
        lat=np.array([r[3] for r in rows], dtype=float),
        lon=np.array([r[4] for r in rows], dtype=float),
        population=np.array([np.nan if r[5] is None else r[5] for r in rows], dtype=float),
    )
    index.name_order = _name_order(index.names)
    index.layer_names = {
        slug: singular or name
        for slug, name, singular in Layer.objects.values_list("slug", "name", "singular")
    }
    proximities = Proximity.objects.filter(commune__departement_id__in=departements).values_list(
        "commune_id", "layer_id", "in_commune", "nearest_km"
    )
    for commune_id, layer_id, in_commune, nearest_km in proximities.iterator(chunk_size=20000):
        i = position.get(commune_id)
        if i is None:
            continue
        if layer_id not in index.nearest_km:
            index.in_commune[layer_id] = np.zeros(len(codes), dtype=np.int32)
            index.nearest_km[layer_id] = np.full(len(codes), np.inf)
        index.in_commune[layer_id][i] = in_commune
        index.nearest_km[layer_id][i] = np.inf if nearest_km is None else nearest_km
    _load_figures(index, position, departements)
    return index


def _load_figures(index, position, departements):
    """The indicators the finder's criteria use, for every commune (two small queries)."""
    from communes.models import CommuneIndicator, Indicator

    index.figure_units = dict(
        Indicator.objects.filter(slug__in=FIGURE_INDICATORS).values_list("slug", "unit")
    )
    if not index.figure_units:
        return
    n = len(index.codes)
    rows = CommuneIndicator.objects.filter(
        indicator_id__in=list(index.figure_units), is_active=True, commune__departement_id__in=departements
    ).values_list("commune_id", "indicator_id", "value", "level")
    for commune_id, slug, value, level in rows.iterator(chunk_size=20000):
        i = position.get(commune_id)
        if i is None:
            continue
        if slug not in index.figures:
            index.figures[slug] = np.full(n, np.nan)
            index.figure_states[slug] = np.zeros(n, dtype=np.int8)
            index.figure_levels[slug] = np.zeros(n, dtype=np.int8)
        if value is not None and np.isfinite(value):
            index.figures[slug][i] = value
            index.figure_states[slug][i] = HAS_VALUE
        else:
            index.figure_states[slug][i] = NO_VALUE
        index.figure_levels[slug][i] = LEVEL_CODES.get(level, 0)


def available_figure_fields(index):
    """{form field: [criteria]} for the criteria whose indicator has at least one figure in the territory."""
    available = {}
    for name, (_legend, criteria) in FIGURE_FIELDS.items():
        usable = [c for c in criteria if c.indicator in index.figures]
        if usable:
            available[name] = usable
    return available


def _data_stamp():
    """Changes whenever communes or proximities are republished; two index lookups, no table scan.

    Every publication bumps the shared data generation (osez.cache), and recomputing proximities
    replaces their rows, so their highest id moves too (which also covers a cache that was flushed).
    """
    last_proximity = Proximity.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (tuple(settings.OSEZ_DEPARTEMENTS), data_generation(), last_proximity)


_index = StampedValue(build_index, _data_stamp)


def get_index() -> FinderIndex:
    return _index.get()


def reset_index():
    _index.reset()


@dataclass
class Workplace:
    name: str
    code: str
    latitude: float
    longitude: float
    max_km: float


# Needs a household can tick beside the children's ages: (key, label, layers, acceptable km).
EXTRA_NEEDS = {
    "creche": Need("creche", gettext_lazy("crèche"), ("creches",), 10),
    "college": Need("college", gettext_lazy("collège"), ("colleges",), 20),
    "lycee": Need("lycee", gettext_lazy("lycée"), ("lycees",), 30),
}
SPORT_KM = 15


@dataclass
class Criteria:
    workplaces: list[Workplace] = field(default_factory=list)
    child_ages: list[int] = field(default_factory=list)
    gp_km: float | None = None
    pharmacy_km: float | None = None
    dentist_km: float | None = None
    vet_km: float | None = None
    sport: str | None = None  # one sport (older links); ``sports`` holds several
    sports: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # keys of EXTRA_NEEDS: crèche, collège, lycée
    size: str | None = None
    figures: list[FigureCriterion] = field(default_factory=list)

    def needs(self, layer_names=None) -> list[Need]:
        needs = []
        for ages, need in SCHOOL_NEEDS:
            if any(age in ages for age in self.child_ages):
                needs.append(need)
        keys = {n.key for n in needs}
        for key in self.extra:
            # "collège" asked and a child of 12: one need, not two.
            if key in EXTRA_NEEDS and key not in keys:
                needs.append(EXTRA_NEEDS[key])
                keys.add(key)
        if self.gp_km:
            needs.append(Need("medecin", gettext_lazy("médecin"), ("medecins-generalistes",), self.gp_km))
        if self.pharmacy_km:
            needs.append(Need("pharmacie", gettext_lazy("pharmacie"), ("pharmacies",), self.pharmacy_km))
        if self.dentist_km:
            needs.append(Need("dentiste", gettext_lazy("dentiste"), ("dentistes",), self.dentist_km))
        if self.vet_km:
            needs.append(Need("veterinaire", gettext_lazy("vétérinaire"), ("veterinaires",), self.vet_km))
        for sport in dict.fromkeys([*([self.sport] if self.sport else []), *self.sports]):
            # The stored singular is the catalogue's French text: shown through gettext (communes.models).
            label = catalogue_text((layer_names or {}).get(sport, sport))
            needs.append(Need(f"sport:{sport}", label, (sport,), SPORT_KM))
        return needs


@dataclass
class Result:
    code: str
    name: str
    slug: str
    latitude: float
    longitude: float
    population: int | None
    fits: bool
    explanation: str
    shortfalls: list[str]
    rank: int = 0


def _km(value):
    if value < 1:
        return _("moins de 1 km")
    return _("%(km)s km") % {"km": f"{value:.0f}"}


def _join(items):
    """ "a, b et c"; only commas when an item already has its own "et" (it would read "x et y et z")."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    if any(" et " in item for item in items):
        return ", ".join(items)
    return _("%(first)s et %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


@dataclass
class Ranking:
    """Every eligible commune in order (``order``: positions in the index), and what explains each."""

    index: FinderIndex
    criteria: Criteria
    order: np.ndarray
    fitting: int
    unmet: np.ndarray
    needs: list
    distances: list
    work_distances: list

    def __len__(self):
        return int(self.order.size)

    def __getitem__(self, key):
        """Positions as a paginator slices them: ``ranking[20:40]`` → Results ranked 21 to 40."""
        if isinstance(key, slice):
            start = key.start or 0
            return [self.result(int(i), start + n + 1) for n, i in enumerate(self.order[key])]
        return self.result(int(self.order[key]), key + 1)

    def result(self, i, rank):
        index = self.index
        explanation, shortfalls = _explain(index, i, self.needs, self.distances, self.criteria.workplaces,
                                           self.work_distances)  # fmt: skip
        explanation, shortfalls = _explain_figures(index, i, self.criteria.figures, explanation, shortfalls)
        pop = index.population[i]
        return Result(
            code=index.codes[i],
            name=index.names[i],
            slug=index.slugs[i],
            latitude=float(index.lat[i]),
            longitude=float(index.lon[i]),
            population=None if np.isnan(pop) else int(pop),
            fits=bool(self.unmet[i] == 0),
            explanation=explanation,
            shortfalls=shortfalls,
            rank=rank,
        )


def rank(index: FinderIndex, criteria: Criteria) -> Ranking:
    """Every eligible commune, best first: those meeting every criterion, then by a score where the commute
    weighs twice as much as each need, then (at equal score, as when only a size is asked) by name."""
    n = len(index)
    if n == 0:
        return Ranking(index, criteria, np.zeros(0, dtype=int), 0, np.zeros(0), [], [], [])
    eligible = np.ones(n, dtype=bool)
    if criteria.size in SIZE_BANDS:
        _label, low, high = SIZE_BANDS[criteria.size]
        pop = np.nan_to_num(index.population, nan=-1)
        eligible &= pop >= low
        if high is not None:
            eligible &= pop < high

    needs = criteria.needs(index.layer_names)
    distances = [index.layer_distance(need.layers) for need in needs]
    work_distances = [
        haversine_km(index.lat, index.lon, w.latitude, w.longitude) for w in criteria.workplaces
    ]

    unmet = np.zeros(n, dtype=np.int32)
    score = np.zeros(n)
    for need, distance in zip(needs, distances, strict=True):
        unmet += distance > need.max_km
        # Closer is better, but beyond twice the limit a place no longer counts as nearer or further.
        score += np.minimum(np.nan_to_num(distance, posinf=2 * need.max_km), 2 * need.max_km) / need.max_km
    for workplace, distance in zip(criteria.workplaces, work_distances, strict=True):
        unmet += distance > workplace.max_km
        score += 2 * distance / workplace.max_km  # the commute weighs most on daily life
    for criterion in criteria.figures:
        met = _figure_met(index, criterion)
        unmet += ~met  # no figure is not a figure that fits: never read as 0
        score += np.where(met, 0.0, 1.0)
    total = unmet * 1000.0 + score
    total[~eligible] = np.inf
    fitting = int(np.count_nonzero(eligible & (unmet == 0)))
    candidates = np.flatnonzero(np.isfinite(total))
    # Rounded so that float noise does not beat the stated tie-break (the name).
    if index.name_order.size != n:  # an index built by hand (tests, the bench)
        index.name_order = _name_order(index.names)
    order = candidates[np.lexsort((index.name_order[candidates], np.round(total[candidates], 6)))]
    return Ranking(index, criteria, order, fitting, unmet, needs, distances, work_distances)


def search(index: FinderIndex, criteria: Criteria, limit: int = MAX_RESULTS):
    """Returns (the first ``limit`` results, count of communes that meet every criterion), best first."""
    ranking = rank(index, criteria)
    return ranking[:limit], ranking.fitting


def order_text(criteria: Criteria) -> str:
    """The order of the results, in words, as the page states it."""
    parts = [
        _("d'abord les communes qui répondent à tous vos critères, puis celles à qui il en manque le moins")
    ]
    if criteria.workplaces:
        parts.append(_("ensuite les plus proches du travail (la distance au travail compte double), puis des "
                       "lieux demandés"))  # fmt: skip
    elif criteria.needs():
        parts.append(_("ensuite celles où les lieux demandés sont les plus proches"))
    parts.append(_("à égalité, par ordre alphabétique"))
    return _("Classement : %(order)s.") % {"order": " ; ".join(str(p) for p in parts)}


def _explain(index, i, needs, distances, workplaces, work_distances):
    """ "école maternelle et élémentaire sur place, médecin à 4 km, collège à 7 km, 23 km du travail"."""
    on_site, near, shortfalls = [], [], []
    for need, distance in zip(needs, distances, strict=True):
        d = distance[i]
        if d == 0:
            on_site.append(need.label)
        elif d <= need.max_km:
            near.append(_("%(what)s à %(distance)s") % {"what": need.label, "distance": _km(d)})
        elif np.isinf(d):
            shortfalls.append(_("aucun lieu « %(what)s » connu à proximité") % {"what": need.label})
        else:
            shortfalls.append(
                _("%(what)s au-delà de %(limit)s (le plus proche à %(distance)s)")
                % {"what": need.label, "limit": _km(need.max_km), "distance": _km(d)}
            )
    parts = []
    if on_site:
        parts.append(_("%(what)s sur place") % {"what": _join_schools(on_site)})
    parts.extend(near)
    for workplace, distance in zip(workplaces, work_distances, strict=True):
        d = float(distance[i])
        if d < 1:
            label = (
                _("travail dans la commune")
                if len(workplaces) == 1
                else _("travail à %(place)s dans la commune") % {"place": workplace.name}
            )
        elif len(workplaces) == 1:
            label = _("%(distance)s du travail") % {"distance": _km(d)}
        else:
            label = _("%(distance)s du travail à %(place)s") % {"distance": _km(d), "place": workplace.name}
        if d <= workplace.max_km:
            parts.append(label)
        else:
            shortfalls.append(
                _("%(what)s, au-delà des %(limit)s acceptés")
                % {"what": label, "limit": _km(workplace.max_km)}
            )
    sentence = ", ".join(str(p) for p in parts)
    return (sentence[:1].upper() + sentence[1:]) if sentence else "", shortfalls


def _join_schools(labels):
    """Merges "école maternelle" and "école élémentaire" into "école maternelle et élémentaire"."""
    labels = [str(label) for label in labels]
    maternelle, elementaire = str(SCHOOL_NEEDS[1][1].label), str(SCHOOL_NEEDS[2][1].label)
    if maternelle in labels and elementaire in labels:
        merged = _("école maternelle et élémentaire")
        labels = [merged if lab == maternelle else lab for lab in labels if lab != elementaire]
    return _join(labels)


def _figure_met(index, criterion):
    values = index.figures.get(criterion.indicator)
    if values is None:
        return np.zeros(len(index), dtype=bool)
    known = ~np.isnan(values)
    compared = np.where(known, values, 0.0)
    fits = compared >= criterion.threshold if criterion.at_least else compared <= criterion.threshold
    return known & fits


def _figure_text(index, criterion, i):
    from communes.indicators import format_number

    value = format_number(
        float(index.figures[criterion.indicator][i]), index.figure_units.get(criterion.indicator)
    )
    level = int(index.figure_levels[criterion.indicator][i])
    if level == LEVEL_CODES["epci"]:
        value = _("%(value)s, mesuré sur l'intercommunalité") % {"value": value}
    elif level == LEVEL_CODES["departement"]:
        value = _("%(value)s, mesuré sur le département") % {"value": value}
    return value


def _explain_figures(index, i, figures, explanation, shortfalls):
    """Adds "fibre (1 Gbit/s) : 87 % des locaux" or what is missing, in words, for each figure criterion."""
    from communes.indicators import format_number

    parts = []
    for criterion in figures:
        states = index.figure_states.get(criterion.indicator)
        state = NO_ROW if states is None else int(states[i])
        if state == NO_ROW:
            shortfalls.append(_("%(what)s : pas de données pour cette commune") % {"what": criterion.label})
            continue
        if state == NO_VALUE:
            shortfalls.append(
                _("%(what)s : chiffre non publié par la source pour cette commune")
                % {"what": criterion.label}
            )
            continue
        text = _figure_text(index, criterion, i)
        value = float(index.figures[criterion.indicator][i])
        fits = value >= criterion.threshold if criterion.at_least else value <= criterion.threshold
        if fits:
            parts.append(_("%(what)s : %(value)s") % {"what": criterion.label, "value": text})
        else:
            limit = format_number(criterion.threshold, index.figure_units.get(criterion.indicator))
            template = (
                _("%(what)s : %(value)s, moins que les %(limit)s demandés")
                if criterion.at_least
                else _("%(what)s : %(value)s, plus que les %(limit)s acceptés")
            )
            shortfalls.append(template % {"what": criterion.label, "value": text, "limit": limit})
    if parts:
        joined = ", ".join(str(p) for p in parts)
        explanation = f"{explanation}, {joined}" if explanation else joined[:1].upper() + joined[1:]
    return explanation, shortfalls
