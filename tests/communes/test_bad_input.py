"""Bad input: the published data survive every bad file (issue 12, "Bad input").

Run on the mini Aube in today's formats (real communes, fictional BPE 2025 zip, Annuaire 2026 export,
Data ES split files). Each corruption of the issue and of the fault matrix either fails the run naming the
source and the reason — and then what was published is exactly as it was — or, when it stays under the
thresholds, publishes the good rows and leaves every invalid row's place as it was.
"""

import json
import shutil

import pytest

from communes.catalog import PREFERRED_SOURCE, bpe_mapping
from communes.enums import ImportOutcome, SourceState
from communes.models import Commune, ImportRecord, Place, Source

from .conftest import (
    FIXTURES_RAW,
    bpe_lines,
    bpe_rows,
    read_records,
    refresh,
    snapshot,
    write_bpe,
    write_records,
)

pytestmark = pytest.mark.django_db

ECOLES = "ecoles/annuaire-education-10.json"
EQUIPMENTS = "sport/data-es-equipements-10.json"
COMMUNES = "communes/geo-api-communes-10.json"


def assert_refused(slug, before, *fragments):
    """The run failed, said why (naming the source), and nothing published changed."""
    outcome = refresh(slug)
    assert not outcome.ok, outcome.summary()
    record = outcome.record
    assert record.outcome in (ImportOutcome.REFUSED, ImportOutcome.FAILED)
    for fragment in fragments:
        assert fragment in record.message, record.message
    assert outcome.summary().startswith(f"{slug} : ÉCHEC")
    assert snapshot() == before
    source = Source.objects.get(slug=slug)
    assert source.state == SourceState.FAILED
    return record


def every_nth(items, share):
    step = round(1 / share)
    return [i for i in range(len(items)) if i % step == step - 1]


# --- the fault matrix, for every source ---------------------------------------------------------------

MAIN_FILE = {"communes": COMMUNES, "ecoles": ECOLES, "sport": EQUIPMENTS}


def _path(raw, slug):
    from communes.sources.files import resolve

    return resolve(raw / MAIN_FILE[slug])


def html_page(raw, slug):
    page = b"<!DOCTYPE html><html><body>Service momentan\xc3\xa9ment indisponible</body></html>"
    if slug == "bpe":
        (raw / "bpe" / "BPE25.zip").write_bytes(page)
        return "zip"
    _path(raw, slug).write_bytes(page) if _path(raw, slug).suffix != ".gz" else _write_gz(
        _path(raw, slug), page
    )
    return "HTML"


def empty_file(raw, slug):
    if slug == "bpe":
        write_bpe(raw, [])
    elif _path(raw, slug).suffix == ".gz":
        _write_gz(_path(raw, slug), b"")
    else:
        _path(raw, slug).write_bytes(b"")
    return "vide"


def truncated(raw, slug):
    if slug == "bpe":
        data = (raw / "bpe" / "BPE25.zip").read_bytes()
        (raw / "bpe" / "BPE25.zip").write_bytes(data[: len(data) // 2])
        return "tronqué"
    path = _path(raw, slug)
    text = json.dumps(read_records(path), ensure_ascii=False).encode("utf-8")
    _write_gz(path, text[: len(text) // 2]) if path.suffix == ".gz" else path.write_bytes(
        text[: len(text) // 2]
    )
    return "tronqué"


REQUIRED_FIELD = {
    "communes": "code",
    "ecoles": "code_commune",
    "sport": "installation_numero",
    "bpe": "TYPEQU",
}


def renamed_field(raw, slug):
    field = REQUIRED_FIELD[slug]
    if slug == "bpe":
        lines = bpe_lines(raw)
        lines[0] = lines[0].replace(f'"{field}"', '"TYPE_EQU"')
        write_bpe(raw, lines)
        return "TYPEQU"
    records = read_records(_path(raw, slug))
    for record in records:
        record[f"{field}_v2"] = record.pop(field)
    write_records(raw / MAIN_FILE[slug], records)
    return field


def collapse(raw, slug):
    """The file loses 30 % of its rows."""
    if slug == "bpe":
        lines = bpe_lines(raw)
        write_bpe(raw, lines[: 1 + int((len(lines) - 1) * 0.5)])
        return "refusé"
    records = read_records(_path(raw, slug))
    write_records(raw / MAIN_FILE[slug], records[: int(len(records) * 0.7)])
    return "refusé"


def mixed_encoding(raw, slug):
    """One record written in Latin-1 inside a UTF-8 file."""
    if slug == "bpe":
        lines = bpe_lines(raw)
        target = next(i for i, line in enumerate(lines) if "é" in line and i > 10)
        write_bpe(raw, [line.encode("latin-1") if i == target else line for i, line in enumerate(lines)])
        return "encodages mélangés"
    path = _path(raw, slug)
    records = read_records(path)
    text = json.dumps(records, ensure_ascii=False)
    head, tail = text[: len(text) // 2], text[len(text) // 2 :]
    # The second half keeps its accents in UTF-8, the first gets one Latin-1 word.
    data = head.replace('"', '"Pr\xe9', 1).encode("latin-1", errors="replace") + tail.encode("utf-8")
    if "é" not in tail:
        data += b" "
    _write_gz(path, data) if path.suffix == ".gz" else path.write_bytes(data)
    return "encodage"


def _write_gz(path, data):
    import gzip

    path.write_bytes(gzip.compress(data))


@pytest.mark.parametrize("slug", ["communes", "ecoles", "sport", "bpe"])
@pytest.mark.parametrize(
    "damage", [html_page, empty_file, truncated, renamed_field, collapse, mixed_encoding]
)
def test_fault_matrix_fails_the_run_naming_source_and_reason_and_keeps_the_data(mini_loaded, slug, damage):
    before = snapshot()
    expected = damage(mini_loaded, slug)
    record = assert_refused(slug, before, expected)
    if damage is renamed_field:  # the format drift report: the field, the closest found, the documentation
        assert "le format de la source a changé" in record.message
        assert "champs les plus proches trouvés" in record.message
        assert "documentation de la source : https://" in record.message


# --- the corruptions the probe of the previous version published ---------------------------------------


def test_one_latin1_line_in_a_utf8_bpe_file_fails_the_run(mini_loaded):
    before = snapshot()
    lines = bpe_lines(mini_loaded)
    target = next(i for i, line in enumerate(lines) if "é" in line and i > len(lines) // 2)
    write_bpe(mini_loaded, [line.encode("latin-1") if i == target else line for i, line in enumerate(lines)])
    record = assert_refused("bpe", before, "encodages mélangés", f"ligne {target + 1}")
    assert not Place.objects.filter(name__contains="Ã").exists()
    assert record.outcome == ImportOutcome.REFUSED


def test_a_whole_latin1_bpe_file_reads_as_the_same_places(mini_loaded):
    before = snapshot()
    write_bpe(mini_loaded, bpe_lines(mini_loaded), encoding="cp1252")
    outcome = refresh("bpe")
    assert outcome.ok, outcome.summary()
    assert (outcome.record.created, outcome.record.updated, outcome.record.deactivated) == (0, 0, 0)
    assert snapshot() == before


@pytest.mark.parametrize(("broken", "fails"), [(20, False), (40, True)])
def test_unreadable_centres_keep_their_communes_and_places(mini_loaded, broken, fails):
    # The whole Aube registry (431 communes), as in the probe that found the bug.
    shutil.copy(FIXTURES_RAW / COMMUNES, mini_loaded / COMMUNES)
    assert refresh("communes").ok
    before = snapshot()
    records = read_records(mini_loaded / COMMUNES)
    with_places = set(Place.objects.values_list("commune_id", flat=True))
    damaged = [r["code"] for r in records if r["code"] in with_places][:5]
    damaged += [r["code"] for r in records if r["code"] not in damaged][: broken - len(damaged)]
    for record in records:
        if record["code"] in damaged:
            record["centre"] = {"type": "Point", "coordinates": ["illisible", None]}
    write_records(mini_loaded / COMMUNES, records)
    if fails:  # 40 of 431 rows rejected (9 %): above the 5 % threshold
        assert_refused("communes", before, "40 lignes rejetées sur 431", "seuil de 5 %")
        return
    outcome = refresh("communes")
    assert outcome.ok, outcome.summary()
    assert outcome.record.rejected == broken and outcome.record.deactivated == 0
    assert Commune.objects.filter(code_insee__in=damaged, is_active=True).count() == broken
    assert snapshot() == before  # their centres and places are the published ones


def test_every_bpe_row_twice_is_merged_never_doubled(mini_loaded):
    before = snapshot()
    active = Place.objects.filter(source_id="bpe", is_active=True).count()
    lines = bpe_lines(mini_loaded)
    write_bpe(mini_loaded, lines[:1] + [line for line in lines[1:] for _ in range(2)])
    outcome = refresh("bpe")
    assert outcome.ok, outcome.summary()
    assert Place.objects.filter(source_id="bpe", is_active=True).count() == active
    assert (outcome.record.created, outcome.record.updated, outcome.record.rejected) == (0, 0, 0)
    assert f"{outcome.record.unchanged} lignes en double exact fusionnées" in outcome.record.message
    assert snapshot() == before


def _shift(lines, indexes):
    return [line.replace(";", ";;", 1) if i in indexes else line for i, line in enumerate(lines)]


def published_bpe_rows(rows):
    """Indexes of the rows the BPE import publishes here (mapped type, not a layer of a preferred source)."""
    mapping = bpe_mapping("2025")
    return [
        i for i, r in enumerate(rows)
        if r["TYPEQU"] in mapping and any(layer not in PREFERRED_SOURCE for layer in mapping[r["TYPEQU"]][0])
    ]  # fmt: skip


def test_an_extra_semicolon_in_ten_percent_of_bpe_rows_fails_and_counts_them(mini_loaded):
    before = snapshot()
    lines = bpe_lines(mini_loaded)
    published = {i + 1 for i in published_bpe_rows(bpe_rows(mini_loaded))}
    shifted = {i for i in every_nth(lines, 0.10) if i > 0}
    write_bpe(mini_loaded, _shift(lines, shifted))
    record = assert_refused("bpe", before, "lignes rejetées", "seuil de 5 %")
    # Every shifted row the run would have published is counted, each with its reason.
    assert record.rejected == len(shifted & published)
    assert all("colonnes" in r["raison"] for r in record.rejected_rows)


def test_a_few_shifted_bpe_rows_are_counted_and_deactivate_nothing(mini_loaded):
    lines = bpe_lines(mini_loaded)
    rows = bpe_rows(mini_loaded)
    mapped = [i + 1 for i, r in enumerate(rows) if r["TYPEQU"] in ("D265", "D307")][:2]
    write_bpe(mini_loaded, _shift(lines, set(mapped)))
    outcome = refresh("bpe")
    assert outcome.ok, outcome.summary()
    assert outcome.record.rejected == 2
    # The shifted rows cannot be identified: the file is incomplete, so their places stay published.
    assert outcome.record.deactivated == 0
    assert "non désactivés" in outcome.record.message


@pytest.mark.parametrize("value", ["n/a", "", "999.5"])
def test_bad_coordinates_in_fifteen_percent_of_rows_fail_and_keep_positions(mini_loaded, value):
    before = snapshot()
    lines = bpe_lines(mini_loaded)
    header = lines[0].rstrip("\r\n").split(";")
    lon, lat = header.index('"LONGITUDE"'), header.index('"LATITUDE"')
    lx, ly = header.index('"LAMBERT_X"'), header.index('"LAMBERT_Y"')
    damaged = {i for i in every_nth(lines, 0.15) if i > 0}
    out = []
    for i, line in enumerate(lines):
        if i in damaged:
            fields = line.rstrip("\r\n").split(";")
            fields[lon] = fields[lat] = value
            if value == "":
                fields[lx] = fields[ly] = ""
            line = ";".join(fields) + "\n"
        out.append(line)
    write_bpe(mini_loaded, out)
    assert_refused("bpe", before, "lignes rejetées", "seuil")
    assert Place.objects.filter(source_id="bpe", is_active=True, latitude__isnull=True).count() == (
        sum(1 for p in before[0] if p[0] == "bpe" and p[-1] and p[5] is None)
    )


def test_one_row_with_garbage_coordinates_keeps_its_published_place(mini_loaded):
    rows = bpe_rows(mini_loaded)
    i = next(i for i, r in enumerate(rows) if r["TYPEQU"] == "D307" and r["LONGITUDE"])
    place = Place.objects.get(
        source_id="bpe", layer_id="pharmacies", name=rows[i]["NOMRS"], commune_id=rows[i]["DEPCOM"]
    )
    lines = bpe_lines(mini_loaded)
    # Garbage coordinates, and a new postcode that would show if the row were published.
    lines[i + 1] = (
        lines[i + 1]
        .replace(f";{rows[i]['LONGITUDE']};", ";quatre virgule deux;")
        .replace(f'"{rows[i]["CODPOS"]}"', '"10999"')
    )
    write_bpe(mini_loaded, lines)
    outcome = refresh("bpe")
    assert outcome.ok, outcome.summary()
    assert outcome.record.rejected == 1 and outcome.record.deactivated == 0
    assert "coordonnées illisibles" in outcome.record.rejected_rows[0]["raison"]
    kept = Place.objects.get(pk=place.pk)
    assert (kept.postcode, kept.latitude, kept.is_active) == (place.postcode, place.latitude, True)


def test_one_row_losing_its_coordinates_keeps_the_published_position(mini_loaded):
    records = read_records(mini_loaded / EQUIPMENTS)
    target = records[3]
    place = Place.objects.get(source_id="sport", source_ref=target["numero"])
    target["coordonnees"] = None
    write_records(mini_loaded / EQUIPMENTS, records)
    outcome = refresh("sport")
    assert outcome.ok, outcome.summary()
    assert outcome.record.rejected == 1
    assert "coordonnées absentes" in outcome.record.rejected_rows[0]["raison"]
    kept = Place.objects.get(pk=place.pk)
    assert (kept.latitude, kept.longitude, kept.position_quality) == (
        place.latitude,
        place.longitude,
        "exact",
    )


def test_an_invalid_row_keeps_its_last_published_version(mini_loaded):
    records = read_records(mini_loaded / ECOLES)
    target = records[0]
    before = list(
        Place.objects.filter(source_id="ecoles", source_ref=target["identifiant_de_l_etablissement"]).values()
    )
    target["nom_etablissement"] = "Nouveau nom (fictif)"
    target["latitude"] = "quarante-huit"
    write_records(mini_loaded / ECOLES, records)
    outcome = refresh("ecoles")
    assert outcome.ok, outcome.summary()
    assert outcome.record.rejected == 1 and outcome.record.deactivated == 0
    after = list(
        Place.objects.filter(source_id="ecoles", source_ref=target["identifiant_de_l_etablissement"]).values()
    )
    assert after == before


def test_only_rows_absent_from_a_complete_file_are_deactivated(mini_loaded):
    records = read_records(mini_loaded / EQUIPMENTS)
    gone = records.pop(5)
    write_records(mini_loaded / EQUIPMENTS, records)
    outcome = refresh("sport")
    assert outcome.ok and outcome.record.deactivated == 1
    assert not Place.objects.get(source_ref=gone["numero"]).is_active
    # An unreadable item makes the file incomplete: the next vanished equipment stays published.
    gone_too = records.pop(5)
    write_records(mini_loaded / EQUIPMENTS, [*records, "not an object"])
    outcome = refresh("sport")
    assert outcome.ok, outcome.summary()
    assert outcome.record.deactivated == 0 and outcome.record.rejected == 1
    assert Place.objects.get(source_ref=gone_too["numero"]).is_active


def test_duplicate_keys_with_different_values_keep_the_published_version(mini_loaded):
    before = snapshot()
    records = read_records(mini_loaded / ECOLES)
    records.append(dict(records[2], nom_etablissement="Autre école au même UAI (fictif)"))
    write_records(mini_loaded / ECOLES, records)
    outcome = refresh("ecoles")
    assert outcome.ok, outcome.summary()
    assert outcome.record.rejected == 2  # both lines, each with its reason
    assert all("en double" in r["raison"] for r in outcome.record.rejected_rows)
    assert snapshot() == before


def test_identical_duplicate_records_are_merged_and_counted(mini_loaded):
    before = snapshot()
    records = read_records(mini_loaded / EQUIPMENTS)
    write_records(mini_loaded / EQUIPMENTS, records + records[:4])
    outcome = refresh("sport")
    assert outcome.ok and outcome.record.rejected == 0
    assert "4 lignes en double exact fusionnées" in outcome.record.message
    assert snapshot() == before


def test_rejection_threshold_is_a_setting_per_source(mini_loaded, settings):
    records = read_records(mini_loaded / ECOLES)
    for record in records[: len(records) // 5]:
        record["code_commune"] = "10999"
    write_records(mini_loaded / ECOLES, records)
    outcome = refresh("ecoles")
    assert not outcome.ok and "seuil de 5 %" in outcome.record.message
    assert "code commune inconnu" in outcome.record.message
    settings.OSEZ_MAX_REJECTED_PER_SOURCE = {"ecoles": 0.5}
    outcome = refresh("ecoles")
    assert outcome.ok, outcome.summary()
    assert outcome.record.rejected == len(records) // 5
    assert ImportRecord.objects.filter(source_id="ecoles", outcome=ImportOutcome.REFUSED).count() == 1
