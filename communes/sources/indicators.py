"""Commune indicators (figures per commune, not places): their catalogue and what their sources share.

Five sources publish ``CommuneIndicator`` rows: ``caf`` (childcare places, CNAF), ``arcep`` (broadband),
``dvf`` (housing prices), ``carte-scolaire`` (the public collège of the commune) and ``apl`` (access to
GPs, DREES). Each keeps the pattern of the place sources — a client that only downloads into the raw cache
(``download``), an importer that reads the whole batch (``files``, ``rows.IndicatorBatch``) then publishes
it in one transaction (``publish.publish_indicators``) — and so obeys the same rules: one encoding per
file decided line by line, the format drift report, every rejected row counted against
``OSEZ_MAX_REJECTED_PER_SOURCE``, a row present but invalid keeping its commune's published figure, only
what a complete valid file lacks deactivated, the shrink guard. This module adds the catalogue of
indicators and the few helpers only figures need.
"""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..enums import Theme
from .errors import SourceError
from .publish import publish_indicators


@dataclass(frozen=True)
class IndicatorSpec:
    slug: str
    source: str
    name: str
    unit: str
    theme: str
    order: int
    description: str


# fmt: off
INDICATORS = [
    IndicatorSpec("caf-places-creches", "caf", _("Places en crèche"), _("places"), Theme.PETITE_ENFANCE, 10,
                  _("Places en établissements d'accueil du jeune enfant (crèches collectives, familiales, "
                    "parentales, micro-crèches) au 31 décembre, selon la CNAF.")),
    IndicatorSpec("caf-places-assistantes-maternelles", "caf", _("Places chez les assistantes maternelles"),
                  _("places"), Theme.PETITE_ENFANCE, 20,
                  _("Places offertes aux enfants de moins de 3 ans par les assistantes maternelles "
                    "agréées en activité, selon la CNAF.")),
    IndicatorSpec("caf-places-total", "caf", _("Places d'accueil pour les moins de 3 ans (tous modes)"),
                  _("places"), Theme.PETITE_ENFANCE, 30,
                  _("Offre d'accueil formel des moins de 3 ans : crèches, assistantes maternelles, garde à "
                    "domicile et école avant 3 ans, selon la CNAF.")),
    IndicatorSpec("caf-taux-couverture", "caf", _("Taux de couverture de l'accueil du jeune enfant"),
                  _("places / 100 enfants de moins de 3 ans"), Theme.PETITE_ENFANCE, 40,
                  _("Places d'accueil formel pour 100 enfants de moins de 3 ans (peut dépasser 100 là où "
                    "l'offre accueille des enfants des communes voisines), selon la CNAF.")),
    IndicatorSpec("arcep-bon-haut-debit", "arcep", _("Locaux éligibles à 8 Mbit/s ou plus (filaire)"),
                  _("% des locaux"), Theme.VIE_LOCALE, 110,
                  _("Part des logements et locaux professionnels éligibles à une offre filaire (fibre, "
                    "câble, cuivre) d'au moins 8 Mbit/s, selon l'Arcep (Ma connexion internet).")),
    IndicatorSpec("arcep-thd-30", "arcep", _("Locaux éligibles à 30 Mbit/s ou plus (filaire)"),
                  _("% des locaux"), Theme.VIE_LOCALE, 120,
                  _("Part des logements et locaux professionnels éligibles à une offre filaire d'au moins "
                    "30 Mbit/s (très haut débit), selon l'Arcep.")),
    IndicatorSpec("arcep-thd-100", "arcep", _("Locaux éligibles à 100 Mbit/s ou plus (filaire)"),
                  _("% des locaux"), Theme.VIE_LOCALE, 130,
                  _("Part des logements et locaux professionnels éligibles à une offre filaire d'au moins "
                    "100 Mbit/s, selon l'Arcep.")),
    IndicatorSpec("arcep-thd-1g", "arcep", _("Locaux éligibles à 1 Gbit/s ou plus (filaire)"),
                  _("% des locaux"), Theme.VIE_LOCALE, 140,
                  _("Part des logements et locaux professionnels éligibles à une offre filaire d'au moins "
                    "1 Gbit/s (fibre ou câble), selon l'Arcep.")),
    IndicatorSpec("dvf-prix-m2-maisons", "dvf", _("Prix médian des maisons"), _("€/m²"), Theme.VIE_LOCALE, 210,
                  _("Prix médian au m² de surface bâtie des ventes d'une seule maison (dépendances comprises), "
                    "d'après les demandes de valeurs foncières (DVF) ; publié seulement à partir d'un nombre "
                    "minimal de ventes.")),
    IndicatorSpec("dvf-prix-m2-appartements", "dvf", _("Prix médian des appartements"), _("€/m²"),
                  Theme.VIE_LOCALE, 220,
                  _("Prix médian au m² de surface bâtie des ventes d'un seul appartement (dépendances "
                    "comprises), d'après DVF ; publié seulement à partir d'un nombre minimal de ventes.")),
    IndicatorSpec("college-secteur", "carte-scolaire", _("Collège public de secteur"), "", Theme.ECOLE, 310,
                  _("Le collège public où sont affectés les élèves de la commune, là où toute la commune "
                    "relève d'un seul collège (carte scolaire).")),
    IndicatorSpec("apl-generalistes", "apl", _("Accessibilité aux médecins généralistes (APL)"),
                  _("consultations par an et par habitant"), Theme.SANTE, 410,
                  _("Accessibilité potentielle localisée (DREES) : consultations de médecins généralistes "
                    "accessibles par an et par habitant standardisé, en tenant compte des médecins des "
                    "communes voisines, du temps de trajet et de l'âge des habitants.")),
    IndicatorSpec("apl-generalistes-65", "apl", _("Accessibilité aux médecins généralistes de 65 ans ou moins (APL)"),
                  _("consultations par an et par habitant"), Theme.SANTE, 420,
                  _("Le même indicateur sans les médecins de plus de 65 ans : la série que la DREES cite et "
                    "sur laquelle repose le seuil de 2,5 consultations des zones sous-denses.")),
]
# fmt: on

INDICATORS_BY_SOURCE = {}
for _spec in INDICATORS:
    INDICATORS_BY_SOURCE.setdefault(_spec.source, []).append(_spec.slug)


# The stored names are the catalogue's French source strings, whatever language is active: pages
# translate them when shown (communes.models.catalogue_text).
@translation.override(None)
def ensure_indicators(source_slug):
    """Create or refresh the catalogue entries of one source (idempotent; saved only when they differ)."""
    from communes.models import Indicator

    existing = {i.slug: i for i in Indicator.objects.filter(source_id=source_slug)}
    for spec in INDICATORS:
        if spec.source != source_slug:
            continue
        values = {
            "name": str(spec.name),
            "unit": str(spec.unit),
            "theme": spec.theme.value if hasattr(spec.theme, "value") else spec.theme,
            "order": spec.order,
            "description": str(spec.description),
            "source_id": spec.source,
        }
        indicator = existing.get(spec.slug)
        if indicator is None:
            Indicator.objects.update_or_create(slug=spec.slug, defaults=values)
        elif any(getattr(indicator, k) != v for k, v in values.items()):
            Indicator.objects.filter(pk=spec.slug).update(**values)


@dataclass
class CommuneRef:
    code: str
    name: str
    epci: str | None


def commune_refs(departements, batch=None):
    """Active communes of the départements: code → (name, EPCI); a source needs the registry first.

    Given a batch, its ``names`` are filled so that commune-level values name their territory.
    """
    from communes.models import Commune

    refs = {
        code: CommuneRef(code, name, epci)
        for code, name, epci in Commune.objects.filter(
            departement_id__in=departements, is_active=True
        ).values_list("code_insee", "name", "epci_id")
    }
    if not refs:
        raise SourceError(
            "aucune commune chargée pour le(s) département(s) "
            f"{', '.join(departements)} : importez d'abord la source « communes »"
        )
    if batch is not None:
        batch.names = {code: ref.name for code, ref in refs.items()}
    return refs


def newest(paths):
    """The most recently modified existing path among candidates, or None."""
    existing = [p for p in paths if p.exists()]
    return max(existing, key=lambda p: p.stat().st_mtime) if existing else None


def share_percent(part, total):
    """``part`` in percent of ``total`` to one decimal; never 100 while some are missing, never 0 above 0."""
    if not total:
        return None
    value = round(100 * part / total, 1)
    if value >= 100 and part < total:
        return 99.9
    if value <= 0 and part > 0:
        return 0.1
    return value


def publish(source, batch, *, force=False, progress=None):
    """Publish a source's figures with the shared rules (``publish.publish_indicators``)."""
    return publish_indicators(
        source, batch, indicators=INDICATORS_BY_SOURCE[source.slug], force=force, progress=progress
    )
