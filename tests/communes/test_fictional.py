"""The generator of fictional files writes today's formats, marked fictional, and the fixtures stay small."""

import csv
import io
import json
import zipfile

import pytest

from communes import fictional
from communes.sources.files import load_json_records

from .conftest import FIXTURES_RAW


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("fictional")
    communes = fictional.load_communes(FIXTURES_RAW / "communes" / "geo-api-communes-10.json")[:30]
    counts = fictional.write_layers(communes, out, filler=10.0, day="2026-11-30")
    return out, counts


@pytest.mark.shared_data
def test_bpe_has_the_real_2025_header_and_quoting(generated, shared_data):
    out, counts = generated
    real = (shared_data / "real-samples" / "bpe" / "amenities-bpe25-sample.csv").read_text(encoding="utf-8")
    with zipfile.ZipFile(out / "bpe" / "BPE25.zip") as archive:
        assert archive.namelist() == ["BPE25.csv"]
        text = archive.read("BPE25.csv").decode("utf-8")
    assert text.splitlines()[0] == real.splitlines()[0]  # the 95 columns, quoted, in INSEE's order
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == counts["bpe"] > 100
    assert all(r["NOMRS"].endswith("(fictif)") for r in rows)
    # Text quoted, numbers bare, as in the real file.
    first = text.splitlines()[1].split(";")
    header = text.splitlines()[0].replace('"', "").split(";")
    assert first[header.index("AN")] == '"2025"'
    assert not first[header.index("LAMBERT_X")].startswith('"')
    assert {r["QUALITE_GEOLOC"] for r in rows} >= {"11", "33", "_Z"}


@pytest.mark.shared_data
def test_annuaire_has_the_71_keys_of_the_2026_export(generated, shared_data):
    out, _counts = generated
    real = json.loads(
        (
            shared_data / "real-samples/annuaire-education/val-de-marne-2026/fr-en-annuaire-education.json"
        ).read_text()
    )
    records = load_json_records(out / "ecoles" / "annuaire-education-10.json")
    assert records and all(list(r) == list(real[0]) for r in records)
    assert all(r["nom_etablissement"].endswith("(fictif)") for r in records)
    assert all(r["telephone"].startswith("0353") for r in records)  # ARCEP's range for fiction


def test_data_es_split_files_join_and_name_everything_fictional(generated):
    out, counts = generated
    equipments = load_json_records(out / "sport" / "data-es-equipements-10.json")
    installations = {i["numero"] for i in load_json_records(out / "sport" / "data-es-installations-10.json")}
    activities = load_json_records(out / "sport" / "data-es-activites-10.json")
    assert len(equipments) == counts["sport"]
    assert all(e["installation_numero"] in installations for e in equipments)
    assert {a["equip_numero"] for a in activities} <= {e["numero"] for e in equipments}
    assert all(e["nom"].endswith("(fictif)") for e in equipments)
    assert not any(k.startswith("declarant") for e in equipments for k in e)


def test_every_fictional_folder_says_so_and_tracked_files_stay_small():
    for folder in ("bpe", "ecoles", "sport"):
        assert (FIXTURES_RAW / folder / "FICTIONAL").read_text(encoding="utf-8").strip()
    assert not (FIXTURES_RAW / "communes" / "FICTIONAL").exists()  # the registry is real
    for path in FIXTURES_RAW.rglob("*"):
        if path.suffix in (".json", ".csv"):
            assert path.stat().st_size < 400_000, path
