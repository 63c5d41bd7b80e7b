"""Licence and attribution carried with the data: which sources to credit, under which licences."""

from django.core.cache import cache
from django.db.models import Count, Max

from communes.enums import SourceState
from communes.models import Place, Source
from communes.publication import is_fictional

from .freshness import data_version

COMMUNES_SOURCE = "communes"
# What the agency publishes under when no source says otherwise (an empty page names no source).
API_LICENCE = "Licence Ouverte 2.0 (Etalab)"
API_LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


def credit(source):
    """What a re-user must cite for one source: who, under which licence, the data's own date and our import's,
    and whether what is published is fictional demonstration data."""
    return {
        "source": source.slug,
        "name": source.name,
        "publisher": source.publisher,
        "licence": source.licence,
        "licence_url": source.licence_url,
        "homepage": source.homepage,
        "last_update": source.last_success_at,
        "data_vintage": source.data_vintage,
        "data_date": source.data_date,
        "is_fictional": is_fictional(source),
    }


def credits(source_ids):
    sources = Source.objects.filter(slug__in=set(source_ids)).order_by("slug")
    return [credit(s) for s in sources]


def licence_text(attribution):
    """The licence names of the credited sources, in one line."""
    names = sorted({a["licence"] for a in attribution})
    return " ; ".join(names) or API_LICENCE


def layer_sources():
    """{layer slug: [(source slug, active places, last seen)]} — cached per data version.

    On a national base this groups millions of places, so it is computed once per refresh
    rather than on every request; the data version in the key retires it after a refresh.
    """
    version = data_version()
    key = f"osez:api:layer-sources:{version.isoformat()}" if version else None
    found = cache.get(key) if key else None
    if found is not None:
        return found
    found = {}
    rows = (
        Place.objects.filter(is_active=True)
        .values("layer_id", "source_id")
        .annotate(n=Count("id"), seen=Max("last_seen"))
        .order_by("layer_id", "source_id")
    )
    for row in rows:
        found.setdefault(row["layer_id"], []).append((row["source_id"], row["n"], row["seen"]))
    # Without a data version nothing tells us when the result goes stale: do not keep it.
    if key:
        cache.set(key, found, timeout=24 * 3600)
    return found


def layer_state(sources):
    """One state for a layer fed by several sources: the worst of theirs."""
    states = {s.state for s in sources}
    for state in (SourceState.FAILED, SourceState.RUNNING, SourceState.OK):
        if state in states:
            return state
    return SourceState.NEVER
