"""What the public pages show, assembled in a fixed number of queries; and the submission of a request."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from communes import contacts
from communes.departements import PREFECTURES
from communes.geo import distance_km
from communes.indicators import readings
from communes.models import Commune, CommuneIndicator, Indicator, Layer, Place, Proximity, Source
from communes.publication import is_fictional
from osez.cache import data_generation

from .signals import support_request_submitted

log = logging.getLogger(__name__)

RADII_KM = (5, 10, 20)
# What the page shows of a place; the nearest place of a layer needs no attributes.
NEAREST_FIELDS = ("id", "layer_id", "source_id", "name", "commune_id", "latitude", "longitude", "address",
                  "postcode", "phone", "email", "website", "position_quality")  # fmt: skip
PLACE_FIELDS = (*NEAREST_FIELDS, "attributes")
PROXIMITY_FIELDS = ("id", "layer_id", "commune_id", "in_commune", "within_5km", "within_10km", "within_20km",
                    "nearest_id", "nearest_km")  # fmt: skip
INDICATOR_FIELDS = ("id", "commune_id", "indicator_id", "level", "territory_code", "territory_name", "value", "text",
                    "count", "place_id", "attributes", "vintage", "data_date")  # fmt: skip


# A dense commune (Paris has thousands of nurses) would give a page of megabytes: the page lists and
# maps this many places per layer and links the complete list in the open-data API.
PLACE_LIST_LIMIT = 150


@dataclass
class LayerFacts:
    layer: Layer
    proximity: Proximity | None
    commune_code: str
    places: list[Place] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)

    @property
    def has_data(self):
        """The layer publishes something in the commune's territory (communes.proximity writes no row
        where it publishes nothing, so a row of zeros here is a real "none")."""
        return bool(self.places) or self.proximity is not None

    @property
    def in_commune(self):
        return self.proximity.in_commune if self.proximity else len(self.places)

    @property
    def shown_places(self):
        return self.places[:PLACE_LIST_LIMIT]

    @property
    def hidden_count(self):
        return max(0, len(self.places) - PLACE_LIST_LIMIT)

    @property
    def nearest(self):
        return self.proximity.nearest if self.proximity else None

    @property
    def nearest_km(self):
        return self.proximity.nearest_km if self.proximity else None

    @property
    def symbol(self):
        from .maps import layer_symbol

        return layer_symbol(self.layer.pk, str(self.layer.label))

    @property
    def nearest_in_commune(self):
        nearest = self.nearest
        return nearest is not None and nearest.commune_id == self.commune_code

    @property
    def nearest_is_outside(self):
        nearest = self.nearest
        return nearest is not None and nearest.commune_id != self.commune_code


def proximity_rule():
    from communes.proximity import RULE_TEXT

    return RULE_TEXT


def prefecture_distance(commune, prefecture):
    if prefecture is None or prefecture.pk == commune.pk:
        return 0.0 if prefecture is not None else None
    return distance_km(commune.latitude, commune.longitude, prefecture.latitude, prefecture.longitude)


@dataclass
class ReferenceData:
    """The few dozen rows every public page may need, read once per data generation."""

    layers: list[Layer]
    sources: dict[str, Source]
    prefectures: dict[str, Commune]
    indicators: list[Indicator]

    def __iter__(self):  # (layers, sources, prefectures), as callers unpacked it before indicators
        return iter((self.layers, self.sources, self.prefectures))

    @property
    def fictional_sources(self):
        return [s for s in self.sources.values() if is_fictional(s)]


def reference_data() -> ReferenceData:
    """Layers, sources, prefectures and indicators: cached until data change.

    Keyed on the shared data generation (osez.cache), which every publication bumps, so a refreshed
    source date, a new layer or a source that stops being fictional shows at once; saves four queries
    on every commune page.
    """
    key = f"portail:reference:{data_generation()}"
    data = cache.get(key)
    if data is None:
        prefectures = {
            p.departement_id: p
            for p in Commune.objects.filter(pk__in=PREFECTURES.values()).only(
                "code_insee", "name", "slug", "departement", "latitude", "longitude"
            )
        }
        data = ReferenceData(
            layers=list(Layer.objects.all()),
            sources={s.slug: s for s in Source.objects.all()},
            prefectures=prefectures,
            indicators=list(Indicator.objects.all()),
        )
        cache.set(key, data, 3600)
    return data


def _places_with_notes(commune):
    """The commune's active places, each with ``notes`` (advisors' annotations, newest first).

    One query: annotations are joined rather than prefetched (they are rare, so the join adds few
    rows), which keeps the page's query count fixed whatever the number of places and indicators.
    """
    rows = (
        Place.objects.active()
        .filter(commune=commune)
        .only(*PLACE_FIELDS)
        .annotate(note_text=F("annotations__text"), note_date=F("annotations__observed_on"))
        .order_by("layer_id", "name", "id", F("annotations__observed_on").desc(nulls_last=True))
    )
    places, by_pk = [], {}
    for row in rows:
        place = by_pk.get(row.pk)
        if place is None:
            place = by_pk[row.pk] = row
            place.notes = []
            places.append(place)
        if row.note_text is not None:
            place.notes.append(Note(row.note_text, row.note_date))
    return places


@dataclass(frozen=True)
class Note:
    text: str
    observed_on: object


def commune_page(commune: Commune) -> dict:
    """Everything the commune page shows, in three queries whatever the number of places and indicators.

    Queries: proximities (+ nearest place and its commune), the commune's places with their
    annotations, its indicator values (+ linked place); layers, sources, prefectures and indicators
    come from ``reference_data()``.
    """
    reference = reference_data()
    layers, sources, prefectures = reference.layers, reference.sources, reference.prefectures
    # Only the columns the page shows: the nearest place's commune would otherwise bring its whole
    # contour, and every place its attributes, for nothing.
    proximities = {
        p.layer_id: p
        for p in Proximity.objects.filter(commune=commune)
        .select_related("nearest", "nearest__commune")
        .only(*PROXIMITY_FIELDS, *(f"nearest__{f}" for f in NEAREST_FIELDS), "nearest__commune__name")
    }
    places = _places_with_notes(commune)
    indicator_rows = []
    if reference.indicators:
        indicator_rows = list(
            CommuneIndicator.objects.filter(commune=commune, is_active=True)
            .select_related("place", "place__commune")
            .only(*INDICATOR_FIELDS, *(f"place__{f}" for f in NEAREST_FIELDS), "place__commune__name")
        )
    prefecture = prefectures.get(commune.departement_id)

    by_layer: dict[str, list[Place]] = {}
    for place in places:
        by_layer.setdefault(place.layer_id, []).append(place)
    rows = []
    for layer in layers:
        proximity = proximities.get(layer.pk)
        layer_places = by_layer.get(layer.pk, [])
        source_slugs = {p.source_id for p in layer_places}
        if proximity and proximity.nearest_id:
            source_slugs.add(proximity.nearest.source_id)
        facts = LayerFacts(
            layer=layer,
            proximity=proximity,
            commune_code=commune.pk,
            places=layer_places,
            sources=[sources[s] for s in sorted(source_slugs) if s in sources],
        )
        rows.append(facts)

    indicators = readings(reference.indicators, indicator_rows, sources)
    return {
        "commune": commune,
        "layers": rows,
        "layers_with_data": [r for r in rows if r.has_data],
        "layers_without_data": [r for r in rows if not r.has_data],
        "nearest_outside": [r for r in rows if r.has_data and r.nearest_is_outside],
        "indicators": indicators,
        "prefecture": prefecture,
        "prefecture_km": prefecture_distance(commune, prefecture),
        "map_data": commune_map_data(commune, rows),
        "radii": RADII_KM,
        "distance_rule": proximity_rule(),
    }


def commune_map_data(commune, rows):
    """GeoJSON for the page's map: the contour, then one feature per place the source located exactly.

    Places whose point was drawn at random inside the commune (approximate) or is unknown are listed
    in the text with that note and never drawn as if exact.
    """
    features = []
    if commune.contour:
        features.append({"type": "Feature", "geometry": commune.contour, "properties": {"kind": "contour"}})
    seen = set()
    for row in rows:
        candidates = list(row.shown_places)
        if row.nearest is not None and row.nearest.commune_id != commune.pk:
            candidates.append(row.nearest)
        for place in candidates:
            if not contacts.is_drawable(place) or (row.layer.pk, place.pk) in seen:
                continue
            seen.add((row.layer.pk, place.pk))
            links = contacts.contact_links(place)
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [place.longitude, place.latitude]},
                    "properties": {
                        "kind": "place",
                        "layer": row.layer.pk,
                        "name": place.name,
                        "outside": place.commune_id != commune.pk,
                        "address": links["address"],
                        "phone": links["phone"],
                        "phone_href": links["phone_href"],
                        "website": links["website"],
                        "website_label": links["website_label"],
                        "email": links["email"],
                    },
                }
            )
    centre = [commune.latitude, commune.longitude] if commune.latitude is not None else None
    return {
        "centre": centre,
        "layers": [
            {"slug": r.layer.pk, "name": r.layer.label, "theme": r.layer.theme, "symbol": r.symbol}
            for r in rows
            if r.has_data
        ],
        "features": {"type": "FeatureCollection", "features": features},
    }


# --- Comparison

MAX_COMPARED = 4


def parse_codes(values):
    """``["10387,10362", "Troyes"]`` → ``["10387", "10362", "Troyes"]`` (order kept, duplicates dropped)."""
    codes = []
    for value in values:
        for part in re.split(r"[,;\n]+", str(value)):
            part = part.strip()
            if part and part not in codes:
                codes.append(part)
    return codes


def _layer_source_objects(sources):
    from communes.api.licensing import layer_sources

    return {
        layer: [sources[s] for s, _n, _seen in rows if s in sources]
        for layer, rows in layer_sources().items()
    }


def comparison(communes):
    """Communes side by side, every figure with its source and date; "pas de données" where a source
    publishes nothing (a cell of None), never 0. Returns (general rows, layer rows, indicator rows)."""
    if not communes:
        return [], [], []
    reference = reference_data()
    sources = reference.sources
    registry = sources.get("communes")
    prefecture_codes = {PREFECTURES.get(c.departement_id) for c in communes} - {None}
    prefectures = {
        p.departement_id: p
        for p in Commune.objects.filter(pk__in=prefecture_codes).only(
            "code_insee", "name", "departement", "latitude", "longitude"
        )
    }
    proximities = {}
    for p in Proximity.objects.filter(commune__in=communes).select_related("nearest"):
        proximities[(p.commune_id, p.layer_id)] = p
    rows = [
        {"label": _("Population municipale"), "kind": "int", "values": [c.population for c in communes]},
        {
            "label": _("Superficie (km²)"),
            "kind": "float",
            "values": [None if c.surface_ha is None else c.surface_ha / 100 for c in communes],
        },
        {"label": _("Densité (habitants par km²)"), "kind": "int", "values": [c.density for c in communes]},
        {"label": _("Codes postaux"), "kind": "text", "values": [", ".join(c.postcodes) for c in communes]},
        {
            "label": _("Intercommunalité (EPCI)"),
            "kind": "text",
            "values": [c.epci.name if c.epci else None for c in communes],
        },
        {
            "label": _("Distance à la préfecture, à vol d'oiseau (km)"),
            "kind": "float",
            "values": [prefecture_distance(c, prefectures.get(c.departement_id)) for c in communes],
        },
    ]
    for row in rows:
        row["sources"] = [registry] if registry else []
    by_layer = _layer_source_objects(sources)
    layer_rows = []
    for layer in reference.layers:
        cells = [proximities.get((c.pk, layer.pk)) for c in communes]
        layer_rows.append({"layer": layer, "cells": cells, "sources": by_layer.get(layer.pk, [])})
    indicator_rows = []
    if reference.indicators:
        values = {}
        for row in CommuneIndicator.objects.filter(commune__in=communes, is_active=True).select_related(
            "place"
        ):
            values.setdefault(row.commune_id, []).append(row)
        per_commune = [readings(reference.indicators, values.get(c.pk, []), sources) for c in communes]
        for i, indicator in enumerate(reference.indicators):
            cells = [r[i] for r in per_commune]
            if any(cell.has_data for cell in cells):
                source = sources.get(indicator.source_id)
                indicator_rows.append(
                    {"indicator": indicator, "cells": cells, "sources": [source] if source else []}
                )
    return rows, layer_rows, indicator_rows


# --- Request for support


def notify_support_request(support_request):
    """After commit: tell the back-office (signal, with the language of the page the family wrote from),
    the advisors and the family (e-mails).

    When the back-office listens to the signal it opens the dossier and e-mails the advisors itself
    (with the dossier's reference); the site then only mails them when nobody listens, so advisors
    never get two mails for one request. Advisor mails carry no personal data, only where to look.
    """
    sender = support_request.__class__
    backoffice_listens = support_request_submitted.has_listeners(sender)
    # The family wrote in the page's language (its confirmation is in it, the back-office stores it for
    # what is sent to the family later); the staff side stays French.
    family_language = support_request.language or settings.LANGUAGE_CODE
    with translation.override(settings.LANGUAGE_CODE):
        support_request_submitted.send(
            sender=sender, support_request=support_request, language=family_language
        )
    from .context_processors import service_contact

    context = {"request": support_request, "site_name": settings.OSEZ_SITE_NAME, **service_contact(None)}
    try:
        if not backoffice_listens and settings.OSEZ_ADVISORS_EMAIL:
            with translation.override(settings.LANGUAGE_CODE):
                send_mail(
                    _("Nouvelle demande d'accompagnement n° %(id)s") % {"id": support_request.pk},
                    render_to_string("portail/emails/advisors.txt", context),
                    settings.DEFAULT_FROM_EMAIL,
                    [settings.OSEZ_ADVISORS_EMAIL],
                )
        with translation.override(family_language):
            send_mail(
                _("Nous avons bien reçu votre demande (référence %(reference)s)")
                % {"reference": support_request.reference},
                render_to_string("portail/emails/confirmation.txt", context),
                settings.DEFAULT_FROM_EMAIL,
                [support_request.email],
            )
    except Exception:  # the request is saved and the dossier opened: a mail outage must not lose it
        log.exception("could not send the e-mails of support request %s", support_request.pk)


def submit_support_request(form, language=None):
    """Saves the request and, once committed, notifies. Returns the saved request.

    ``language``: the language of the page the form was sent from (``request.LANGUAGE_CODE``; the active
    language when not given), stored on the request and passed on with the signal so the family is then
    written to in it.
    """
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    form.instance.language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with transaction.atomic():
        support_request = form.save()
        transaction.on_commit(lambda: notify_support_request(support_request))
    return support_request
