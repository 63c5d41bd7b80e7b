"""Bad input for the commune-indicator sources: every corruption of the fault matrix fails the run naming
the source and the reason, and what was published stays exactly as it was; a bad row keeps its commune's
last value; only what a complete, valid file lacks is deactivated.

The files are the project's fictional Aube (fixtures/raw, in the publishers' real formats) over the real
Aube registry."""

import gzip
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from communes.enums import ImportOutcome, SourceState
from communes.models import CommuneIndicator, Source

from .indicator_helpers import indicator_snapshot, load_registry, refresh, values

pytestmark = [pytest.mark.django_db, pytest.mark.shared_data]

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "raw"
MAIN_FILE = {
    "caf": "caf/nbpla_pe_epci.json",
    "arcep": "arcep/commune_debit_filaire.csv",
    "dvf": "dvf/dvf-10-2025.csv.gz",
    "carte-scolaire": "carte-scolaire/carte-scolaire-colleges-10.csv",
    "apl": "apl/apl-medecins-generalistes-fictif.xlsx",
}


@pytest.fixture
def aube(settings):
    """The fictional indicator files and the real Aube registry, every source imported once."""
    raw = Path(settings.OSEZ_RAW_DIR)
    for slug in MAIN_FILE:
        shutil.copytree(FIXTURES / slug, raw / slug)
    load_registry(raw, ["10"])
    for slug in MAIN_FILE:
        outcome = refresh(slug, ["10"])
        assert outcome.ok, outcome.summary()
        assert outcome.record.rejected == 0, outcome.record.rejected_rows[:3]
    return raw


# --- reading and writing the damaged file, whatever its compression -------------------------------


def read_bytes(path):
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def write_bytes(path, data):
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)


def lines_of(path):
    return read_bytes(path).decode("utf-8-sig").splitlines(keepends=True)


def write_lines(path, lines, encoding="utf-8"):
    write_bytes(path, "".join(lines).encode(encoding))


# --- the fault matrix: (damage, text the run's message must contain) per file format ---------------


def html_page(path):
    path.write_bytes(
        b"<!DOCTYPE html><html><head><title>503</title></head><body>Service indisponible</body></html>"
    )
    return "HTML"


def empty(path):
    path.write_bytes(b"")
    return "vide"


def truncated(path):
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.4)])
    return {".json": "tronqué", ".gz": "tronqué", ".csv": "refusé", ".xlsx": "tronqué"}[path.suffix]


def renamed_column(path):
    if path.suffix == ".json":
        records = json.loads(path.read_text(encoding="utf-8"))
        write_bytes(path, json.dumps([{k.replace("numepci", "siren_epci"): v for k, v in r.items()}
                                      for r in records]).encode())  # fmt: skip
        return "numepci"
    if path.suffix == ".xlsx":
        return rewrite_workbook(
            path, header={"APL aux médecins généralistes de 65 ans ou moins ": "APL 65 ans"}
        )
    lines = lines_of(path)
    old = {"arcep": "elig_thd30", "dvf": "valeur_fonciere", "carte-scolaire": "Code_RNE"}[path.parent.name]
    lines[0] = lines[0].replace(old, old.upper() + "_V2")
    write_lines(path, lines)
    return old.lower()


def collapse(path):
    if path.suffix == ".json":
        records = json.loads(path.read_text(encoding="utf-8"))
        write_bytes(path, json.dumps(records[: len(records) // 4]).encode())
    elif path.suffix == ".xlsx":
        rewrite_workbook(path, keep=0.3)
    else:
        lines = lines_of(path)
        write_lines(path, lines[: 1 + (len(lines) - 1) * 3 // 10])
    return "refusé"


def latin1_whole_file(path):
    """A whole file in Latin-1 (what French publishers served before UTF-8) reads the same."""
    write_bytes(path, read_bytes(path).decode("utf-8-sig").encode("cp1252"))
    return None if path.suffix in (".csv", ".gz") else "encodage"


def mixed_encoding(path):
    lines = lines_of(path)
    accented = next(i for i, line in enumerate(lines) if i > 3 and not line.isascii())
    data = b"".join(
        line.encode("cp1252") if i == accented else line.encode("utf-8") for i, line in enumerate(lines)
    )
    write_bytes(path, data)
    return "encodage"


def duplicated_rows(path):
    if path.suffix == ".json":
        records = json.loads(path.read_text(encoding="utf-8"))
        write_bytes(path, json.dumps([r for r in records for _ in (1, 2)]).encode())
    elif path.suffix == ".xlsx":
        rewrite_workbook(path, twice=True)
    else:
        lines = lines_of(path)
        write_lines(path, [lines[0], *(line for line in lines[1:] for _ in (1, 2))])
    return "en double"


def shifted_column(path):
    """One value in ten rows pushed one column to the right (an unquoted separator inside a field)."""
    if path.suffix == ".json":  # a JSON export is keyed: values landing in the wrong key, a third of them
        records = json.loads(path.read_text(encoding="utf-8"))
        for record in records[::3]:
            keys = list(record)
            shifted = [None, *(record[k] for k in keys[:-1])]
            record.update(zip(keys, shifted, strict=True))
        write_bytes(path, json.dumps(records).encode())
        return "illisible"
    if path.suffix == ".xlsx":
        rewrite_workbook(path, shift_every=10)
        return "invalide"
    lines = lines_of(path)
    separator = "," if path.parent.name == "dvf" else ";"
    for i in range(1, len(lines), 10):
        lines[i] = lines[i].replace(separator, separator + "X" + separator, 2).replace(separator + "X", "", 1)
    write_lines(path, lines)
    return "colonne décalée"


def rewrite_workbook(path, header=None, keep=1.0, twice=False, shift_every=0):
    """The same workbook with its newest sheet's rows changed as asked (openpyxl, full mode)."""
    workbook = load_workbook(path)
    sheet = workbook[sorted(workbook.sheetnames)[-1]]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r and r[0] == "Code commune INSEE")
    head, data = rows[: start + 2], [r for r in rows[start + 2 :] if r and r[0] and str(r[0])[:1].isdigit()]
    if header:
        head[start] = [header.get(c, c) for c in head[start]]
    data = data[: int(len(data) * keep)]
    if twice:
        data = [r for r in data for _ in (1, 2)]
    for row in data[::shift_every] if shift_every else []:
        row[2:] = [row[1], *row[2:-1]]
    workbook.remove(sheet)
    new = workbook.create_sheet(sheet.title)
    for row in head + data:
        new.append(row)
    workbook.save(path)
    return "APL aux médecins généralistes de 65 ans" if header else ""


TEXT_DAMAGES = [html_page, empty, truncated, renamed_column, collapse, latin1_whole_file, mixed_encoding,
                duplicated_rows, shifted_column]  # fmt: skip
# A workbook is zipped XML in UTF-8 whatever the publisher's machine: the encoding faults do not apply.
WORKBOOK_DAMAGES = [html_page, empty, truncated, renamed_column, collapse, duplicated_rows, shifted_column]
MATRIX = [
    pytest.param(slug, damage, id=f"{slug}-{damage.__name__}")
    for slug in MAIN_FILE
    for damage in (WORKBOOK_DAMAGES if slug == "apl" else TEXT_DAMAGES)
]


@pytest.mark.parametrize(("slug", "damage"), MATRIX)
def test_bad_file_fails_the_run_and_published_values_stay(aube, slug, damage):
    before = indicator_snapshot()
    path = aube / MAIN_FILE[slug]
    expected = damage(path)
    outcome = refresh(slug, ["10"])
    if expected is None:  # a whole Latin-1 CSV file: read as well as UTF-8, nothing changes
        assert outcome.ok, outcome.summary()
        assert (outcome.record.created, outcome.record.updated, outcome.record.deactivated) == (0, 0, 0)
    else:
        assert not outcome.ok
        summary = outcome.summary()
        assert summary.startswith(f"{slug} : ÉCHEC") and expected.lower() in summary.lower(), summary
        assert outcome.record.outcome in (ImportOutcome.REFUSED, ImportOutcome.FAILED)
        assert Source.objects.get(slug=slug).state == SourceState.FAILED
    assert indicator_snapshot() == before


def test_force_publishes_a_collapsed_batch_and_deactivates_what_vanished(aube):
    path = aube / MAIN_FILE["arcep"]
    lines = lines_of(path)
    write_lines(path, lines[:50])
    assert not refresh("arcep", ["10"]).ok
    outcome = refresh("arcep", ["10"], force=True)
    assert outcome.ok and outcome.record.forced
    active = CommuneIndicator.objects.filter(indicator__source_id="arcep", is_active=True)
    assert active.count() == 4 * 49
    # Vanished values are kept, inactive: nothing is deleted.
    assert CommuneIndicator.objects.filter(indicator__source_id="arcep").count() == 4 * (len(lines) - 1 - 1)


def test_a_commune_absent_from_a_valid_file_loses_its_values_and_gets_them_back(aube):
    path = aube / MAIN_FILE["arcep"]
    lines = lines_of(path)
    gone = lines[7].split(";")[0]
    write_lines(path, [line for i, line in enumerate(lines) if i != 7])
    outcome = refresh("arcep", ["10"])
    assert outcome.ok and outcome.record.deactivated == 4
    assert not CommuneIndicator.objects.filter(
        commune_id=gone, indicator__source_id="arcep", is_active=True
    ).exists()
    write_lines(path, lines)
    outcome = refresh("arcep", ["10"])
    assert outcome.ok and outcome.record.updated == 4
    assert (
        CommuneIndicator.objects.filter(commune_id=gone, indicator__source_id="arcep", is_active=True).count()
        == 4
    )


def bump_arcep(lines, broken_index):
    """Every commune gains premises (so its values change); one row gets a value that is not a number."""
    out = [lines[0]]
    for i, line in enumerate(lines[1:], start=1):
        fields = line.rstrip("\n").split(";")
        if i == broken_index:
            fields[10] = "beaucoup"
        elif fields[2] == "10":
            fields[4] = str(int(fields[4]) + 1)
        out.append(";".join(fields) + "\n")
    return out


def test_a_row_present_but_invalid_keeps_its_communes_last_values(aube):
    path = aube / MAIN_FILE["arcep"]
    lines = lines_of(path)
    broken = lines[5].split(";")[0]
    before = values("arcep")
    write_lines(path, bump_arcep(lines, broken_index=5))
    outcome = refresh("arcep", ["10"])
    assert outcome.ok, outcome.summary()
    record = outcome.record
    assert record.rejected == 1 and "valeur invalide" in record.rejected_rows[0]["raison"]
    assert record.deactivated == 0
    after = values("arcep")
    assert {k: v for k, v in after.items() if k[0] == broken} == {
        k: v for k, v in before.items() if k[0] == broken
    }
    changed = {k for k in after if after[k] != before[k]}
    assert changed and all(code != broken for code, _slug in changed)
    assert "conservée" in record.message


def test_a_dvf_sale_with_a_broken_line_keeps_its_communes_prices(aube):
    path = aube / MAIN_FILE["dvf"]
    lines = lines_of(path)
    index = next(i for i, line in enumerate(lines) if ",10387," in line and ",Vente," in line)
    lines[index] = lines[index].replace(",10387,", ",10387,,", 1)  # one field too many
    before = values("dvf")
    write_lines(path, lines)
    outcome = refresh("dvf", ["10"])
    assert outcome.ok, outcome.summary()
    assert outcome.record.rejected >= 1 and outcome.record.deactivated == 0
    after = values("dvf")
    assert {k: v for k, v in after.items() if k[0] == "10387"} == {
        k: v for k, v in before.items() if k[0] == "10387"
    }


def test_duplicated_dvf_lines_are_never_counted_twice(aube):
    """A few repeated lines (real files have some) are rejected as duplicates; the medians do not move."""
    path = aube / MAIN_FILE["dvf"]
    lines = lines_of(path)
    before = values("dvf")
    write_lines(path, [*lines, *lines[1:20]])
    outcome = refresh("dvf", ["10"])
    assert outcome.ok, outcome.summary()
    assert outcome.record.rejected == 19 and outcome.record.updated == 0
    assert values("dvf") == before


def test_caf_conflicting_rows_keep_the_last_published_figure(aube):
    path = aube / MAIN_FILE["caf"]
    records = json.loads(path.read_text(encoding="utf-8"))
    newest = max(r["annee"] for r in records)
    target = next(r for r in records if r["annee"] == newest and r["numepci"] != "XX")
    before = values("caf")
    write_bytes(path, json.dumps([*records, dict(target, pl_eaje_epci=target["pl_eaje_epci"] + 50)]).encode())
    outcome = refresh("caf", ["10"])
    assert outcome.ok, outcome.summary()
    assert outcome.record.rejected == 2  # both rows of the EPCI: neither figure is chosen
    assert "contradictoires" in outcome.record.rejected_rows[0]["raison"]
    assert values("caf") == before
