"""Helpers of the commune-indicator tests: a raw cache laid out like the contract's, the real registry of
the départements a sample needs, and a snapshot of what a reader of the indicators could notice."""

import json
import shutil

from communes import services
from communes.models import CommuneIndicator, ImportRecord, Source
from tests.conftest import SHARED_DATA

REAL = SHARED_DATA / "real-samples" / "extras"
NATIONAL = SHARED_DATA / "national" / "communes"
AUBE_REGISTRY = SHARED_DATA / "raw" / "communes" / "geo-api-communes-10.json"


def load_registry(raw, departements):
    """Import the real communes of these départements (national registry, no contours) into the database."""
    folder = raw / "communes"
    folder.mkdir(parents=True, exist_ok=True)
    for dep in departements:
        source = AUBE_REGISTRY if dep == "10" else NATIONAL / f"geo-api-communes-{dep}.json"
        shutil.copy(source, folder / f"geo-api-communes-{dep}.json")
    outcome = services.refresh_source("communes", offline=True, departements=list(departements))
    assert outcome.ok, outcome.summary()
    return json.loads(json.dumps([r for dep in departements for r in registry_records(dep)]))


def registry_records(dep):
    source = AUBE_REGISTRY if dep == "10" else NATIONAL / f"geo-api-communes-{dep}.json"
    return json.loads(source.read_text(encoding="utf-8"))


def refresh(slug, departements, **kwargs):
    kwargs.setdefault("offline", True)
    return services.refresh_source(slug, departements=list(departements), **kwargs)


def indicator_snapshot(source=None):
    """Every published indicator value as a reader sees it (value, count, text, territory, vintage, activity)."""
    qs = CommuneIndicator.objects.all()
    if source:
        qs = qs.filter(indicator__source_id=source)
    return sorted(
        qs.values_list(
            "commune_id", "indicator_id", "level", "territory_code", "territory_name", "value", "text", "count",
            "place_id", "vintage", "is_active",
        )
    )  # fmt: skip


def values(source=None, **filters):
    qs = CommuneIndicator.objects.filter(is_active=True, **filters)
    if source:
        qs = qs.filter(indicator__source_id=source)
    return {(c, i): (v, n) for c, i, v, n in qs.values_list("commune_id", "indicator_id", "value", "count")}


def last_record(slug):
    return ImportRecord.objects.filter(source_id=slug).latest()


def source_row(slug):
    return Source.objects.get(slug=slug)
