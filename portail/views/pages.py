"""The data page (sources, licences, freshness) and the legal pages."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from communes.models import Layer, Place, Source
from osez.cache import cached_public, data_generation


def _layer_sources():
    """Which sources feed which layer (one grouped query, cached until the data change)."""
    key = f"portail:layer-sources:{data_generation()}"
    mapping = cache.get(key)
    if mapping is None:
        mapping = {}
        for layer_id, source_id in Place.objects.values_list("layer_id", "source_id").distinct():
            mapping.setdefault(layer_id, []).append(source_id)
        cache.set(key, mapping, 3600)
    return mapping


@cached_public(prefix="donnees")
def data_sources(request):
    sources = list(Source.objects.all())
    mapping = _layer_sources()
    by_slug = {s.slug: s for s in sources}
    layers = list(Layer.objects.all())
    for layer in layers:
        layer.source_list = [by_slug[s] for s in sorted(mapping.get(layer.pk, [])) if s in by_slug]
    return render(request, "portail/donnees.html", {"sources": sources, "layers": layers})


@cached_public(prefix="static")
def privacy(request):
    return render(request, "portail/confidentialite.html", {"advisors_email": settings.OSEZ_ADVISORS_EMAIL})


@cached_public(prefix="static")
def accessibility(request):
    return render(request, "portail/accessibilite.html", {"advisors_email": settings.OSEZ_ADVISORS_EMAIL})
