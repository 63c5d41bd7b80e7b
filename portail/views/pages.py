"""The data page (sources, licences, freshness) and the legal pages."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone

from communes.models import Indicator, Layer, Place, Source
from communes.publication import edition_status, is_fictional
from osez.cache import cached_public, data_generation


def _layer_sources():
    """Which sources feed which layer with published places (one grouped query, cached until the data change)."""
    key = f"portail:layer-sources:{data_generation()}"
    mapping = cache.get(key)
    if mapping is None:
        mapping = {}
        rows = Place.objects.active().values_list("layer_id", "source_id").distinct().order_by()
        for layer_id, source_id in rows:
            mapping.setdefault(layer_id, []).append(source_id)
        cache.set(key, mapping, 3600)
    return mapping


@cached_public(prefix="donnees", query=())
def data_sources(request):
    """Per source: the data's own date, the import date, whether it is up to date, whether it is fictional."""
    now = timezone.now()
    sources = list(Source.objects.all())
    for source in sources:
        source.edition = edition_status(source, now)
        source.fictional = is_fictional(source)
    mapping = _layer_sources()
    by_slug = {s.slug: s for s in sources}
    layers = list(Layer.objects.all())
    for layer in layers:
        layer.source_list = [by_slug[s] for s in sorted(mapping.get(layer.pk, [])) if s in by_slug]
        layer.fictional = any(s.fictional for s in layer.source_list)
    indicators = list(Indicator.objects.all())
    for indicator in indicators:
        indicator.source_obj = by_slug.get(indicator.source_id)
        indicator.fictional = bool(indicator.source_obj and indicator.source_obj.fictional)
    context = {
        "sources": sources,
        "layers": layers,
        "indicators": indicators,
        "fictional_layers": [layer for layer in layers if layer.fictional],
        "fictional_indicators": [i for i in indicators if i.fictional],
    }
    return render(request, "portail/donnees.html", context)


@cached_public(prefix="static", query=())
def privacy(request):
    return render(request, "portail/confidentialite.html", {"advisors_email": settings.OSEZ_ADVISORS_EMAIL})


@cached_public(prefix="static", query=())
def accessibility(request):
    return render(request, "portail/accessibilite.html", {"advisors_email": settings.OSEZ_ADVISORS_EMAIL})


@cached_public(prefix="static", query=())
def contact(request):
    """The welcome service's phone, postal address, hours and e-mail (settings, via the context processor)."""
    return render(request, "portail/contact.html")
