"""Fixtures for the data pipeline: the sample raw cache, a refresh helper and a snapshot of what is published."""

import gzip
import json
import shutil
import zipfile
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
            "phone",
            "email",
            "website",
            "position_quality",
            "attributes",
            "is_active",
        )
    )
    communes = sorted(
        Commune.objects.values_list("code_insee", "name", "population", "latitude", "longitude", "is_active")
    )
    return places, communes


# --- the mini Aube: the real registry and fictional layers in today's formats, from the project generator ---

FIXTURES_RAW = Path(__file__).resolve().parents[2] / "fixtures" / "raw"
SOURCES = ("communes", "ecoles", "sport", "bpe")


@pytest.fixture(scope="session")
def mini_aube_dir(tmp_path_factory):
    """The 431 real communes of fixtures/, with fictional BPE 2025, Annuaire 2026 and Data ES split files
    over 25 of them (generated once per test worker by communes.fictional)."""
    from communes.fictional import write_layers

    out = tmp_path_factory.mktemp("mini-aube")
    shutil.copytree(FIXTURES_RAW / "communes", out / "communes")
    communes = json.loads(
        (FIXTURES_RAW / "communes" / "geo-api-communes-10.json").read_text(encoding="utf-8")
    )
    by_size = sorted(communes, key=lambda c: -(c.get("population") or 0))
    chosen = by_size[:5] + by_size[40::20]
    write_layers(chosen, out, seed=3, filler=5.0, day="2026-11-30")
    return out


@pytest.fixture
def mini(settings, mini_aube_dir):
    """The mini Aube copied into this test's raw cache."""
    settings.OSEZ_DEPARTEMENTS = ["10"]
    shutil.copytree(mini_aube_dir, settings.OSEZ_RAW_DIR, dirs_exist_ok=True)
    return Path(settings.OSEZ_RAW_DIR)


@pytest.fixture
def mini_loaded(mini, db):
    """Every source of the mini Aube imported once, successfully."""
    for slug in SOURCES:
        outcome = refresh(slug)
        assert outcome.ok, outcome.summary()
    return mini


def read_records(path):
    """A raw JSON file's records, whether it is stored plain or gzip-compressed."""
    from communes.sources.files import load_json_records

    return load_json_records(path)


def write_records(path, records):
    """Write records back where they were read (plain or .gz)."""
    from communes.sources.files import resolve

    target = resolve(path)
    data = json.dumps(records, ensure_ascii=False).encode("utf-8")
    if target.suffix == ".gz":
        target.write_bytes(gzip.compress(data))
    else:
        target.write_bytes(data)


def bpe_lines(raw):
    with zipfile.ZipFile(raw / "bpe" / "BPE25.zip") as archive:
        return archive.read("BPE25.csv").decode("utf-8").splitlines(keepends=True)


def write_bpe(raw, lines, encoding="utf-8"):
    """Replace the mini Aube's BPE25.csv (inside its zip) by these lines (str, or bytes already encoded)."""
    data = b"".join(line if isinstance(line, bytes) else line.encode(encoding) for line in lines)
    with zipfile.ZipFile(raw / "bpe" / "BPE25.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("BPE25.csv", data)


def bpe_rows(raw):
    """The BPE rows as dicts (header names), parsed with the csv module."""
    import csv

    return list(csv.DictReader(bpe_lines(raw), delimiter=";"))
