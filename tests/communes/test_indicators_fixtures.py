"""The fictional Aube of the indicator sources (fixtures/raw): marked fictional, small, in sync with its
generator, and imported whole by the importers (what the offline fallback serves)."""

import csv
import gzip
import json
import shutil
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook

from communes import fictional
from communes.fictional_indicators import is_open_college
from communes.models import CommuneIndicator, Place, Source

from .indicator_helpers import load_registry, refresh, registry_records

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "raw"
SOURCES = ("caf", "arcep", "dvf", "carte-scolaire", "apl")


def test_every_folder_says_what_is_fictional_and_stays_small():
    for slug in SOURCES:
        marker = (FIXTURES / slug / "FICTIONAL").read_text(encoding="utf-8")
        assert marker.count("\n") == 1 and "inventé" in marker and "(fictif)" in marker, slug
        for path in (FIXTURES / slug).iterdir():
            if path.suffix in (".json", ".csv"):
                assert path.stat().st_size < 400 * 1024, path
            assert path.stat().st_size < 1024 * 1024, path


def dvf_rows(path):
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_names_are_marked_fictional_where_the_format_has_one():
    for name in ("nbpla_pe_com", "txcouv_pe_com", "nbpla_pe_epci", "txcouv_pe_epci"):
        for record in json.loads((FIXTURES / "caf" / f"{name}.json").read_text(encoding="utf-8")):
            label = record.get("nomcom") or record.get("nomepci")
            assert label == "XX" or label.endswith("(fictif)"), label
    with (FIXTURES / "arcep" / "commune_debit_filaire.csv").open(encoding="utf-8", newline="") as fh:
        assert all(r["nom_com"].endswith("(fictif)") for r in csv.DictReader(fh, delimiter=";"))
    for year in (2023, 2024, 2025):
        rows = dvf_rows(FIXTURES / "dvf" / f"dvf-10-{year}.csv.gz")
        assert rows and all(
            r["nom_commune"].endswith("(fictif)") and r["adresse_nom_voie"].endswith("(FICTIF)") for r in rows
        )
        assert len(rows[0]) == 40
    with (FIXTURES / "carte-scolaire" / "carte-scolaire-colleges-10.csv").open(
        encoding="utf-8-sig", newline=""
    ) as fh:
        assert all(r["libelle_commune"].endswith("(fictif)") for r in csv.DictReader(fh, delimiter=";"))
    workbook = load_workbook(FIXTURES / "apl" / "apl-medecins-generalistes-fictif.xlsx", read_only=True)
    for sheet in workbook.worksheets:
        names = [
            r[1]
            for r in sheet.iter_rows(min_row=11, values_only=True)
            if r and r[0] and str(r[0])[:1].isdigit()
        ]
        assert names and all(n.endswith("(fictif)") for n in names)


@pytest.mark.shared_data
def test_the_tracked_files_are_what_the_generator_writes(tmp_path):
    """Regenerated from the real Aube registry by the one generator of fixtures/ (``python -m
    communes.fictional fixtures``), every tracked file comes out identical: the fixtures can be rebuilt."""
    fictional.main(["fixtures", "--out", str(tmp_path)])
    tracked = sorted(p for p in FIXTURES.rglob("*") if p.is_file())
    assert {p.relative_to(FIXTURES) for p in tracked} == {
        p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()
    }
    for path in tracked:
        fresh = tmp_path / path.relative_to(FIXTURES)
        if path.suffix == ".xlsx":  # the workbook stores its save time: compare the cells
            old, new = load_workbook(path, read_only=True), load_workbook(fresh, read_only=True)
            assert old.sheetnames == new.sheetnames
            for name in old.sheetnames:
                assert list(old[name].iter_rows(values_only=True)) == list(
                    new[name].iter_rows(values_only=True)
                )
        elif path.suffix == ".zip":  # so does a zip: compare the members
            with zipfile.ZipFile(path) as old, zipfile.ZipFile(fresh) as new:
                assert old.namelist() == new.namelist()
                assert all(old.read(n) == new.read(n) for n in old.namelist()), path
        elif path.suffix == ".gz":
            assert gzip.decompress(fresh.read_bytes()) == gzip.decompress(path.read_bytes()), path
        else:
            assert fresh.read_bytes() == path.read_bytes(), path


def test_the_carte_scolaire_names_collèges_of_the_fictional_annuaire():
    """Offline, the commune page links its sector's collège: every UAI of the fictional carte scolaire is an
    open collège of the fictional Annuaire beside it (both are rebuilt together)."""
    colleges = {
        r["identifiant_de_l_etablissement"]
        for r in fictional.read_json(FIXTURES / "ecoles" / "annuaire-education-10.json")
        if is_open_college(r)
    }
    with (FIXTURES / "carte-scolaire" / "carte-scolaire-colleges-10.csv").open(
        encoding="utf-8-sig", newline=""
    ) as fh:
        named = {row["Code_RNE"] for row in csv.DictReader(fh, delimiter=";")}
    assert named and named <= colleges


@pytest.mark.shared_data
@pytest.mark.django_db
def test_the_fictional_aube_imports_whole_with_no_rejected_row(settings):
    raw = Path(settings.OSEZ_RAW_DIR)
    for slug in SOURCES:
        shutil.copytree(FIXTURES / slug, raw / slug)
    shutil.copytree(FIXTURES / "ecoles", raw / "ecoles")
    communes = registry_records("10")
    load_registry(raw, ["10"])
    assert refresh("ecoles", ["10"]).ok
    for slug in SOURCES:
        outcome = refresh(slug, ["10"])
        assert outcome.ok, outcome.summary()
        assert outcome.record.rejected == 0, outcome.record.rejected_rows[:3]

    def count(slug):
        return CommuneIndicator.objects.filter(indicator__source_id=slug, is_active=True).count()

    assert count("caf") == 4 * len(communes)  # every Aube commune belongs to an EPCI
    assert count("arcep") == 4 * len(communes)
    assert count("dvf") == 2 * len(communes)
    assert count("apl") == 2 * len(communes)
    sectors = defaultdict(set)
    with (raw / "carte-scolaire" / "carte-scolaire-colleges-10.csv").open(
        encoding="utf-8-sig", newline=""
    ) as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            sectors[row["code_insee"]].add((row["Code_RNE"], row["Secteur_unique"]))
    unique = {c: next(iter(s))[0] for c, s in sectors.items() if len(s) == 1 and next(iter(s))[1] == "O"}
    assert count("carte-scolaire") == len(unique) < len(communes)
    colleges = set(
        Place.objects.filter(layer_id="colleges", source_id="ecoles").values_list("source_ref", flat=True)
    )
    linked = CommuneIndicator.objects.filter(indicator_id="college-secteur", place__isnull=False).count()
    assert linked == sum(1 for uai in unique.values() if uai in colleges) > 0
    assert (
        CommuneIndicator.objects.get(commune_id="10387", indicator_id="caf-places-total").level == "commune"
    )
    # The dataset's own date the client records (the export has none): never the download's.
    assert Source.objects.get(slug="carte-scolaire").data_vintage == "Carte scolaire du 30 novembre 2026"
    dvf = refresh("dvf", ["10"]).record
    assert dvf.data_vintage == "DVF 2023–2025" and (dvf.created, dvf.updated, dvf.deactivated) == (0, 0, 0)
