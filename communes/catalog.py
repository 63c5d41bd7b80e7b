"""The catalogue of layers and sources, created idempotently by a data migration and before each import."""

import csv
from datetime import timedelta
from functools import cache
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .enums import Theme

DATA_DIR = Path(__file__).resolve().parent / "data"

# Columns a partner's file may carry for a territory layer (see communes.territory).
TERRITORY_COLUMNS = ["code_commune", "commune", "code_postal", "nom", "adresse", "latitude", "longitude"]
TERRITORY_COUNT_COLUMNS = [*TERRITORY_COLUMNS, "nombre"]

# (slug, name, singular, theme, order, is_territory, columns)
LAYERS = [
    ("ecoles-maternelles", _("Écoles maternelles"), _("école maternelle"), Theme.ECOLE, 10, False, []),
    ("ecoles-elementaires", _("Écoles élémentaires et primaires"), _("école élémentaire ou primaire"),
     Theme.ECOLE, 20, False, []),
    ("colleges", _("Collèges"), _("collège"), Theme.ECOLE, 30, False, []),
    ("lycees", _("Lycées"), _("lycée"), Theme.ECOLE, 40, False, []),
    ("creches", _("Crèches"), _("crèche"), Theme.PETITE_ENFANCE, 50, False, []),
    ("assistantes-maternelles", _("Assistantes maternelles"), _("assistante maternelle"),
     Theme.PETITE_ENFANCE, 60, True, TERRITORY_COUNT_COLUMNS),
    ("maisons-assistantes-maternelles", _("Maisons d'assistantes maternelles (MAM)"),
     _("maison d'assistantes maternelles"), Theme.PETITE_ENFANCE, 70, True, TERRITORY_COUNT_COLUMNS),
    ("relais-petite-enfance", _("Relais petite enfance"), _("relais petite enfance"), Theme.PETITE_ENFANCE, 80,
     True, TERRITORY_COLUMNS),
    ("medecins-generalistes", _("Médecins généralistes"), _("médecin généraliste"), Theme.SANTE, 90, False, []),
    ("medecins-nouveaux-patients", _("Médecins acceptant de nouveaux patients"),
     _("médecin acceptant de nouveaux patients"), Theme.SANTE, 95, True, TERRITORY_COLUMNS),
    ("pharmacies", _("Pharmacies"), _("pharmacie"), Theme.SANTE, 100, False, []),
    ("dentistes", _("Dentistes"), _("dentiste"), Theme.SANTE, 110, False, []),
    ("infirmiers", _("Infirmiers"), _("infirmier"), Theme.SANTE, 120, False, []),
    ("veterinaires", _("Vétérinaires"), _("vétérinaire"), Theme.ANIMAUX, 130, False, []),
    ("sport-football", _("Terrains de football"), _("terrain de football"), Theme.SPORT, 140, False, []),
    ("sport-tennis", _("Courts de tennis"), _("court de tennis"), Theme.SPORT, 150, False, []),
    ("sport-natation", _("Piscines et bassins de natation"), _("bassin de natation"), Theme.SPORT, 160, False, []),
    ("sport-gymnases", _("Gymnases et salles multisports"), _("gymnase"), Theme.SPORT, 170, False, []),
    ("sport-autres", _("Autres équipements sportifs"), _("équipement sportif"), Theme.SPORT, 180, False, []),
    ("hebergements-touristiques", _("Hébergements touristiques"), _("hébergement touristique"),
     Theme.TOURISME, 190, False, []),
    ("associations", _("Associations"), _("association"), Theme.VIE_LOCALE, 200, True, TERRITORY_COLUMNS),
]  # fmt: skip

# (slug, name, publisher, homepage, expected rhythm)
SOURCES = [
    ("communes", _("Communes (API Découpage administratif)"), "DINUM, INSEE, IGN",
     "https://geo.api.gouv.fr/decoupage-administratif", timedelta(days=1)),
    ("ecoles", _("Annuaire de l'éducation"), "Ministère de l'Éducation nationale",
     "https://data.education.gouv.fr/explore/dataset/fr-en-annuaire-education/", timedelta(days=1)),
    ("bpe", _("Base permanente des équipements (BPE)"), "INSEE",
     "https://www.insee.fr/fr/metadonnees/source/serie/s1161", timedelta(days=7)),
    ("sport", _("Recensement des équipements sportifs (Data ES)"), "Ministère des Sports",
     "https://equipements.sports.gouv.fr/", timedelta(days=1)),
    # Commune indicators (catalogue in communes/sources/indicators.py), refreshed nightly (an unchanged
    # file is a 304).
    ("caf", _("Accueil du jeune enfant (CNAF)"), "Caisse nationale des allocations familiales",
     "https://www.data.gouv.fr/datasets/nombre-de-places-offertes-pour-les-enfants-de-moins-de-3-ans-epci",
     timedelta(days=1)),
    ("arcep", _("Ma connexion internet (Arcep)"), "Arcep",
     "https://www.data.gouv.fr/datasets/ma-connexion-internet", timedelta(days=1)),
    ("dvf", _("Demandes de valeurs foncières géolocalisées (DVF)"), "DGFiP, Etalab",
     "https://www.data.gouv.fr/fr/datasets/demandes-de-valeurs-foncieres-geolocalisees/", timedelta(days=1)),
    ("carte-scolaire", _("Carte scolaire des collèges publics"), "Ministère de l'Éducation nationale",
     "https://data.education.gouv.fr/explore/dataset/fr-en-carte-scolaire-colleges-publics/",
     timedelta(days=1)),
    ("apl", _("Accessibilité potentielle localisée aux médecins généralistes (APL)"), "DREES",
     "https://www.data.gouv.fr/fr/datasets/accessibilite-potentielle-localisee-apl-aux-professionnels-de-sante/",
     timedelta(days=1)),
]  # fmt: skip

# How often each publisher releases a new edition: "à jour" in the admin means nothing newer than the
# imported edition can exist yet. (Our own import rhythm is the ``expected_every`` above.)
PUBLISHED_EVERY = {
    "communes": timedelta(days=365),  # the official geography changes on 1 January
    "ecoles": timedelta(days=1),  # the Annuaire is updated daily
    "bpe": timedelta(days=365),  # one BPE vintage a year
    "sport": timedelta(days=1),  # Data ES is updated daily
    "caf": timedelta(days=365),  # yearly, each January (places of December N-1 or N-2)
    "arcep": timedelta(days=91),  # quarterly (T1…T4)
    "dvf": timedelta(days=183),  # twice a year (April and October)
    "carte-scolaire": timedelta(days=365),  # once a school year
    "apl": timedelta(days=365),  # yearly, each summer
}

# Where an operator reads a source's current format (named by the format drift report).
DOCUMENTATION = {
    "communes": "https://geo.api.gouv.fr/decoupage-administratif/communes",
    "ecoles": "https://data.education.gouv.fr/explore/dataset/fr-en-annuaire-education/information/",
    "bpe": "https://www.insee.fr/fr/statistiques/8217525",
    "sport": "https://equipements.sports.gouv.fr/explore/",
    "caf": "https://www.data.gouv.fr/datasets/nombre-de-places-offertes-pour-les-enfants-de-moins-de-3-ans-epci",
    "arcep": "https://www.data.gouv.fr/datasets/ma-connexion-internet",
    "dvf": "https://www.data.gouv.fr/fr/datasets/demandes-de-valeurs-foncieres-geolocalisees/",
    "carte-scolaire": "https://data.education.gouv.fr/explore/dataset/fr-en-carte-scolaire-colleges-publics/",
    "apl": "https://www.data.gouv.fr/fr/datasets/accessibilite-potentielle-localisee-apl-aux-professionnels-de-sante/",
}

# When two sources feed one layer, the specialised source wins in every département where it has
# published: there the BPE rows of that layer are skipped (and BPE places already published there are
# superseded), so a school or a gym is never counted twice. Elsewhere the BPE fills the gap.
PREFERRED_SOURCE = {
    "ecoles-maternelles": "ecoles",
    "ecoles-elementaires": "ecoles",
    "colleges": "ecoles",
    "lycees": "ecoles",
    "sport-football": "sport",
    "sport-tennis": "sport",
    "sport-natation": "sport",
    "sport-gymnases": "sport",
    "sport-autres": "sport",
}


def territory_source_slug(layer_slug):
    return f"territoire-{layer_slug}"[:60]


# The stored names are the catalogue's French source strings, whatever language is active: pages
# translate them when shown (communes.models.catalogue_text).
@translation.override(None)
def ensure_catalog(layer_model=None, source_model=None):
    """Create or refresh the layers and sources (idempotent; models may be historical ones)."""
    if layer_model is None or source_model is None:
        from .models import Layer, Source

        layer_model, source_model = Layer, Source
    existing = {layer.slug: layer for layer in layer_model.objects.all()}
    for slug, name, singular, theme, order, is_territory, columns in LAYERS:
        values = {
            "name": str(name),
            "singular": str(singular),
            "theme": theme.value,
            "order": order,
            "is_territory": is_territory,
            "columns": list(columns),
        }
        layer = existing.get(slug)
        if layer is None:
            layer_model.objects.create(slug=slug, **values)
        elif any(getattr(layer, k) != v for k, v in values.items()):
            # Saved only when it differs: each save invalidates the public cache.
            layer_model.objects.filter(pk=slug).update(**values)
    # Historical models of early migrations have no publication rhythm yet.
    has_rhythm = any(f.name == "published_every" for f in source_model._meta.get_fields())
    for slug, name, publisher, homepage, every in SOURCES:
        defaults = {"name": str(name), "publisher": publisher, "homepage": homepage, "expected_every": every}
        if has_rhythm:
            defaults["published_every"] = PUBLISHED_EVERY.get(slug)
        source, _created = source_model.objects.get_or_create(slug=slug, defaults=defaults)
        if has_rhythm and PUBLISHED_EVERY.get(slug) and source.published_every != PUBLISHED_EVERY[slug]:
            source_model.objects.filter(pk=slug).update(published_every=PUBLISHED_EVERY[slug])


def documentation_url(slug):
    """The page describing a source's format, for the format drift report ('' if none is known)."""
    if slug in DOCUMENTATION:
        return DOCUMENTATION[slug]
    homepage = {s[0]: s[3] for s in SOURCES}.get(slug)
    if homepage:
        return homepage
    from .models import Source

    return Source.objects.filter(pk=slug).values_list("homepage", flat=True).first() or ""


def bpe_vintages():
    """The BPE vintages that have a TYPEQU table in ``data/`` (newest last)."""
    return sorted(p.stem.rsplit("_", 1)[-1] for p in DATA_DIR.glob("bpe_typequ_*.csv"))


@cache
def bpe_mapping(vintage):
    """TYPEQU → (layer slugs, label) for one BPE vintage, read from ``data/bpe_typequ_<vintage>.csv``.

    Returns None when no table exists for that vintage (the importer refuses the file then: the
    typology changes between vintages — F120 and F121, new codes in 2024 — and a wrong table would
    silently file fitness rooms as gymnasiums, or pharmacies as schools). See ``data/README.md``.
    """
    path = DATA_DIR / f"bpe_typequ_{vintage}.csv"
    if not path.exists():
        return None
    mapping, labels = {}, {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code = row["typequ"].strip()
            mapping.setdefault(code, []).append(row["layer"].strip())
            labels[code] = row["label"].strip()
    return {code: (tuple(layers), labels[code]) for code, layers in mapping.items()}


@cache
def sport_families():
    """Data ES rules: (field, lower-case fragment, layer), first match wins, else ``sport-autres``.

    Fields are the importer's own names, the same for the old joined dataset and today's split ones:
    ``type`` (equipment type), ``famille`` (type family), ``activites`` (sports practised).
    """
    with (DATA_DIR / "sport_families.csv").open(encoding="utf-8", newline="") as fh:
        return [(r["field"], r["contains"].lower(), r["layer"]) for r in csv.DictReader(fh)]
