"""Fixtures for the data pipeline: the sample raw cache, a refresh helper and a snapshot of what is published."""

import shutil
from pathlib import Path

import pytest

from communes import services
from communes.models import Commune, Place

SAMPLES = Path(__file__).resolve().parent / "samples"


@pytest.fixture
def raw(settings):
    """The sample files copied into this test's raw cache (OSEZ_RAW_DIR is a per-test folder)."""
    settings.OSEZ_DEPARTEMENTS = ["10"]
    shutil.copytree(SAMPLES, settings.OSEZ_RAW_DIR, dirs_exist_ok=True)
    return Path(settings.OSEZ_RAW_DIR)


def refresh(slug, **kwargs):
    kwargs.setdefault("offline", True)
    kwargs.setdefault("departements", ["10"])
    return services.refresh_source(slug, **kwargs)


@pytest.fixture
def loaded(raw, db):
    """Every sample source imported once, successfully."""
    for slug in ("communes", "ecoles", "sport", "bpe"):
        outcome = refresh(slug)
        assert outcome.ok, outcome.summary()
    return raw


def snapshot():
    """Everything a reader of the published data could notice, in a comparable form."""
    places = sorted(
        Place.objects.values_list(
            "source_id",
            "layer_id",
            "source_ref",
            "name",
            "commune_id",
            "latitude",
            "longitude",
            "address",
            "attributes",
            "is_active",
        )
    )
    communes = sorted(
        Commune.objects.values_list("code_insee", "name", "population", "latitude", "longitude", "is_active")
    )
    return places, communes
