"""Integration: the Aube from ../shared/data/raw (real communes, fictional layers) imported offline."""

import csv
import json

import pytest

from communes import services
from communes.catalog import PREFERRED_SOURCE, bpe_mapping
from communes.models import Commune, Layer, Place, Proximity

SOURCES = ("communes", "ecoles", "sport", "bpe")


def expected_counts(raw):
    """Places per (source, layer) computed from the files with the importers' documented rules."""
    counts = {}

    def add(source, layer):
        counts[(source, layer)] = counts.get((source, layer), 0) + 1

    for r in json.loads((raw / "ecoles" / "annuaire-education-10.json").read_text(encoding="utf-8")):
        kind = r["type_etablissement"].lower()
        if r.get("etat", "OUVERT") != "OUVERT":
            continue
        if kind.startswith("ecole"):
            if int(r["ecole_maternelle"]):
                add("ecoles", "ecoles-maternelles")
            if int(r["ecole_elementaire"]):
                add("ecoles", "ecoles-elementaires")
        elif kind.startswith("coll"):
            add("ecoles", "colleges")
        elif kind.startswith("lyc"):
            add("ecoles", "lycees")
    sport = json.loads((raw / "sport" / "data-es-10.json").read_text(encoding="utf-8"))
    counts[("sport", "*")] = len(sport)
    mapping = bpe_mapping("2023")
    with (raw / "bpe" / "bpe-10.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            for layer in mapping.get(row["TYPEQU"], ((), ""))[0]:
                if layer not in PREFERRED_SOURCE:  # schools and sports come from their own sources here
                    add("bpe", layer)
    return counts


@pytest.mark.shared_data
@pytest.mark.django_db(transaction=True)
def test_aube_offline_import_matches_the_files(shared_data, settings):
    raw = shared_data / "raw"
    settings.OSEZ_RAW_DIR = raw
    settings.OSEZ_DEPARTEMENTS = ["10"]
    for slug in SOURCES:
        outcome = services.refresh_source(slug, offline=True, departements=["10"])
        assert outcome.ok, outcome.summary()
        assert outcome.record.rejected == 0, outcome.record.rejected_rows[:3]

    communes = json.loads((raw / "communes" / "geo-api-communes-10.json").read_text(encoding="utf-8"))
    assert Commune.objects.filter(is_active=True).count() == len(communes)
    expected = expected_counts(raw)
    active = Place.objects.filter(is_active=True)
    for (source, layer), count in expected.items():
        qs = active.filter(source_id=source)
        if layer != "*":
            qs = qs.filter(layer_id=layer)
        assert qs.count() == count, (source, layer)
    assert not active.filter(source_id="bpe", layer_id__in=list(PREFERRED_SOURCE)).exists()

    services.compute_proximity()
    # One row per commune for every layer published in the Aube; none ("pas de données") for the others.
    published = (
        Place.objects.filter(is_active=True, commune__isnull=False).values("layer_id").distinct().count()
    )
    assert 0 < published < Layer.objects.count()
    assert Proximity.objects.count() == len(communes) * published

    for slug in SOURCES:
        record = services.refresh_source(slug, offline=True, departements=["10"]).record
        assert (record.created, record.updated, record.deactivated) == (0, 0, 0), slug
