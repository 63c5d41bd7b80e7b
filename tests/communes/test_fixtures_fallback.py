"""The embedded Aube of fixtures/: what a machine with no network and no raw cache serves, and says."""

import io
import json
import shutil
import types
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import respx
from django.core.management import call_command

from communes import services, sources
from communes.catalog import LAYERS
from communes.models import Commune, CommuneIndicator, ImportRecord, Indicator, Layer, Place, Source
from communes.sources.download import raw_dir
from communes.sources.errors import MissingRawFile
from communes.sources.publish import PublishResult
from communes.sources.rows import Batch

from .conftest import FIXTURES_RAW, SOURCES, refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def offline_machine(settings, tmp_path):
    """No raw cache at all, the fixtures fallback on (as in production settings), no network."""
    settings.OSEZ_DEPARTEMENTS = ["10"]
    settings.OSEZ_FIXTURES_FALLBACK = True
    settings.OSEZ_RAW_DIR = tmp_path / "empty-raw"
    return settings


def fixture_communes():
    return json.loads((FIXTURES_RAW / "communes" / "geo-api-communes-10.json").read_text(encoding="utf-8"))


@respx.mock
def test_no_network_and_no_cache_serves_the_embedded_aube_and_says_why(offline_machine):
    respx.route().mock(side_effect=httpx.ConnectError("Name or service not known"))
    out = io.StringIO()
    call_command("refresh_layers", stdout=out)
    text = out.getvalue()
    for slug in sources.SOURCE_SLUGS:  # the commune-indicator sources too
        line = next(line for line in text.splitlines() if line.startswith(f"{slug} : "))
        assert "téléchargement impossible" in line and "Name or service not known" in line, line
        assert f"fixtures/raw/{slug}" in line
    assert Commune.objects.filter(is_active=True).count() == len(fixture_communes()) == 431
    # Every place layer fed by the sources has places (the territory layers are the partners' own).
    source_layers = [slug for slug, *_rest, is_territory, _cols in LAYERS if not is_territory]
    empty = [
        slug for slug in source_layers if not Place.objects.filter(layer_id=slug, is_active=True).exists()
    ]
    assert not empty, empty
    # The registry is real; the layers are fictional, and say so.
    assert not Source.objects.get(slug="communes").is_fictional
    for slug in ("ecoles", "sport", "bpe", *sources.INDICATOR_SOURCES):
        source = Source.objects.get(slug=slug)
        assert source.is_fictional and ImportRecord.objects.filter(source=source).latest().is_fictional
    assert all("(fictif)" in name for name in Place.objects.values_list("name", flat=True))
    # Every indicator has figures, and the carte scolaire links collèges of the fictional Annuaire.
    for indicator in Indicator.objects.all():
        assert CommuneIndicator.objects.filter(indicator=indicator, is_active=True).exists(), indicator.slug
    assert CommuneIndicator.objects.filter(indicator_id="college-secteur", place__isnull=False).exists()


def test_a_second_offline_run_finds_everything_unchanged(offline_machine):
    for slug in sources.SOURCE_SLUGS:
        assert refresh(slug).ok
    for slug in sources.SOURCE_SLUGS:
        outcome = refresh(slug)
        assert outcome.ok, outcome.summary()
        assert (outcome.record.created, outcome.record.updated, outcome.record.deactivated) == (0, 0, 0)


def test_fixtures_never_replace_real_published_data(offline_machine, mini):
    """A source that published real data and loses its cache fails; it is not replaced by the demo."""
    offline_machine.OSEZ_RAW_DIR = mini
    assert refresh("communes").ok
    sport_real = mini / "sport"
    (sport_real / "FICTIONAL").unlink()  # pretend these are real files: no marker, and no "(fictif)" names
    for name in ("data-es-equipements-10.json",):
        from communes.sources.files import load_json_records, resolve

        records = load_json_records(resolve(sport_real / name))
        for record in records:
            record["nom"] = record["nom"].replace(" (fictif)", "")
        for stale in sport_real.glob(name + "*"):
            if not stale.name.endswith(".meta.json"):
                stale.unlink()
        (sport_real / name).write_text(json.dumps(records), encoding="utf-8")
    outcome = refresh("sport")
    assert outcome.ok and not outcome.record.is_fictional
    assert not Source.objects.get(slug="sport").is_fictional
    before = list(Place.objects.filter(source_id="sport").values_list("source_ref", "name", "is_active"))
    shutil.rmtree(sport_real)
    outcome = refresh("sport")
    assert not outcome.ok and "absent du cache" in outcome.record.message
    assert (
        list(Place.objects.filter(source_id="sport").values_list("source_ref", "name", "is_active")) == before
    )


def test_a_real_file_clears_the_fictional_flag(offline_machine, tmp_path):
    assert refresh("communes").ok and refresh("ecoles").ok
    assert Source.objects.get(slug="ecoles").is_fictional
    real = Path(offline_machine.OSEZ_RAW_DIR) / "ecoles"
    real.mkdir(parents=True)
    from communes.sources.files import load_json_records

    records = load_json_records(FIXTURES_RAW / "ecoles" / "annuaire-education-10.json")
    for record in records:
        record["nom_etablissement"] = record["nom_etablissement"].replace(" (fictif)", "")
    (real / "annuaire-education-10.json").write_text(json.dumps(records), encoding="utf-8")
    outcome = refresh("ecoles")
    assert outcome.ok and not outcome.record.is_fictional
    assert not Source.objects.get(slug="ecoles").is_fictional


@pytest.mark.shared_data
def test_yesterdays_fictional_cache_is_detected_by_its_names(settings, shared_data, db):
    """OSEZ_RAW_DIR=../shared/data/raw: no FICTIONAL file there, but every name says "(fictif)"."""
    settings.OSEZ_RAW_DIR = shared_data / "raw"
    settings.OSEZ_DEPARTEMENTS = ["10"]
    for slug in SOURCES:
        assert refresh(slug).ok
    assert not Source.objects.get(slug="communes").is_fictional
    assert all(Source.objects.get(slug=slug).is_fictional for slug in ("ecoles", "sport", "bpe"))


def test_the_fallback_and_the_marker_work_for_any_registered_source(offline_machine, tmp_path, monkeypatch):
    """A source added later (another branch's) falls back to fixtures/raw/<slug>/ and is marked fictional."""
    fixtures = tmp_path / "fixtures-raw"
    shutil.copytree(FIXTURES_RAW / "communes", fixtures / "communes")
    (fixtures / "nouvelle-source").mkdir()
    (fixtures / "nouvelle-source" / "valeurs-10.json").write_text("[1, 2, 3]", encoding="utf-8")
    (fixtures / "nouvelle-source" / "FICTIONAL").write_text("Valeurs inventées pour la démonstration.\n")
    offline_machine.OSEZ_FIXTURES_DIR = fixtures

    def read(departements, progress=None):
        path = raw_dir("nouvelle-source") / "valeurs-10.json"
        if not path.exists():
            raise MissingRawFile(f"fichier absent du cache : {path}")
        batch = Batch(departements=tuple(departements), total_rows=3, checksum="x" * 64)
        batch.vintage = "2026"
        return batch

    fake = types.SimpleNamespace(read=read, publish=lambda source, batch, **kw: PublishResult(created=3))
    real_importer = sources.importer
    monkeypatch.setattr(
        sources, "importer", lambda slug: fake if slug == "nouvelle-source" else real_importer(slug)
    )
    Source.objects.create(
        slug="nouvelle-source", name="Nouvelle source", publisher="Essai", expected_every=timedelta(days=1)
    )
    outcome = services.refresh_source("nouvelle-source", offline=True, departements=["10"])
    assert outcome.ok, outcome.summary()
    assert "fixtures/raw/nouvelle-source" in outcome.warning
    source = Source.objects.get(slug="nouvelle-source")
    assert source.is_fictional and source.data_vintage == "2026"
    assert Layer.objects.exists()
