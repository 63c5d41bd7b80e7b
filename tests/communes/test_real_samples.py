"""Every importer on the real samples of ../shared/data/real-samples/ (files copied from real exports),
laid out in a temporary raw cache with the contract's file names. Expected counts are computed from the
sample files themselves with the rules the importers document, never typed in."""

import csv
import io
import json
import shutil
import zipfile

import pytest
from shapely.geometry import Point, shape

from communes.catalog import bpe_mapping
from communes.geo import haversine_km
from communes.models import EPCI, Commune, Place, Source
from communes.sources.rows import ARRONDISSEMENTS
from communes.text import fold

from .conftest import refresh, snapshot

pytestmark = [pytest.mark.shared_data, pytest.mark.django_db]


@pytest.fixture
def samples(shared_data):
    return shared_data / "real-samples"


def load_registry(settings, shared_data, departements):
    """The real national commune files of these départements into the raw cache, imported."""
    settings.OSEZ_DEPARTEMENTS = departements
    folder = settings.OSEZ_RAW_DIR / "communes"
    folder.mkdir(parents=True, exist_ok=True)
    for dep in departements:
        shutil.copy(shared_data / "national" / "communes" / f"geo-api-communes-{dep}.json", folder)
    outcome = refresh("communes", departements=departements)
    assert outcome.ok, outcome.summary()
    return {
        c["code"]: c
        for dep in departements
        for c in json.loads((folder / f"geo-api-communes-{dep}.json").read_text())
    }


# --- BPE 2025 -----------------------------------------------------------------------------------------


def test_bpe_2025_real_rows_in_insees_zip(settings, shared_data, samples):
    deps = ["75", "971", "972", "974", "976"]
    load_registry(settings, shared_data, deps)
    data = (samples / "bpe" / "amenities-bpe25-sample.csv").read_bytes()
    (settings.OSEZ_RAW_DIR / "bpe").mkdir()
    with zipfile.ZipFile(settings.OSEZ_RAW_DIR / "bpe" / "BPE25.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("BPE25.csv", data)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8")), delimiter=";"))
    assert len(rows) == 26 and len(rows[0]) == 95
    mapping = bpe_mapping("2025")
    expected = [
        (r, layer) for r in rows if r["DEP"] in deps for layer in mapping.get(r["TYPEQU"], ((), ""))[0]
    ]

    outcome = refresh("bpe", departements=deps)
    assert outcome.ok, outcome.summary()
    assert outcome.record.rejected == 0 and outcome.record.created == len(expected) > 0
    assert outcome.record.data_vintage == "BPE 2025"
    for row, layer in expected:
        commune = ARRONDISSEMENTS.get(row["DEPCOM"], row["DEPCOM"])  # Paris's arrondissements → 75056
        place = Place.objects.get(layer_id=layer, name=row["NOMRS"], commune_id=commune)
        assert (place.latitude, place.longitude) == (float(row["LATITUDE"]), float(row["LONGITUDE"]))
        quality = "approximate" if row["QUALITE_GEOLOC"] == "33" else "exact"
        assert place.position_quality == quality, row["NOMRS"]
        assert place.postcode == row["CODPOS"]
        assert "_Z" not in place.address and "_Z" not in json.dumps(place.attributes)
    # Three doctors at one point of the 13th arrondissement stay three places.
    assert (
        Place.objects.filter(layer_id="medecins-generalistes", latitude=48.83801, longitude=2.34276).count()
        == 3
    )


def test_bpe_2025_row_projected_from_its_own_epsg_when_it_has_no_wgs84(settings, shared_data, samples):
    deps = ["971"]
    load_registry(settings, shared_data, deps)
    lines = (
        (samples / "bpe" / "amenities-bpe25-sample.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    )
    header = next(csv.reader([lines[0]], delimiter=";"))
    i = next(i for i, line in enumerate(lines) if '"PHARMACIE VILA REMI"' in line)
    fields = next(csv.reader([lines[i]], delimiter=";"))
    lon, lat = float(fields[header.index("LONGITUDE")]), float(fields[header.index("LATITUDE")])
    lines[i] = lines[i].replace(
        f";{fields[header.index('LONGITUDE')]};{fields[header.index('LATITUDE')]};", ";;;"
    )
    (settings.OSEZ_RAW_DIR / "bpe").mkdir()
    (settings.OSEZ_RAW_DIR / "bpe" / "bpe-971.csv").write_text("".join(lines), encoding="utf-8")
    assert refresh("bpe", departements=deps).ok
    pharmacy = Place.objects.get(layer_id="pharmacies", name="PHARMACIE VILA REMI")
    assert haversine_km(pharmacy.latitude, pharmacy.longitude, lat, lon) < 0.01  # EPSG:5490, not Lambert 93


def test_bpe_2025_table_agrees_with_the_real_rows_domains(samples):
    """Each real row's DOM/SDOM agree with its TYPEQU, and every mapped code of the sample is labelled alike."""
    rows = list(
        csv.DictReader((samples / "bpe" / "amenities-bpe25-sample.csv").open(encoding="utf-8"), delimiter=";")
    )
    mapping = bpe_mapping("2025")
    for row in rows:
        assert row["DOM"] == row["TYPEQU"][0] and row["SDOM"] == row["TYPEQU"][:2]
    mapped = {r["TYPEQU"]: r for r in rows if r["TYPEQU"] in mapping}
    assert set(mapped) == {"D265", "C108", "D307", "F101"}
    assert "MÉDECIN" in mapped["D265"]["NOMRS"] and "PHARMACIE" in mapped["D307"]["NOMRS"]
    assert "PRIMAIRE" in mapped["C108"]["NOMRS"]


# --- Annuaire de l'éducation --------------------------------------------------------------------------


def annuaire_expected(records):
    """Places per the documented rules: open or closing establishments; écoles by level, collèges, lycées."""
    count = 0
    for r in records:
        r = {k.lower().replace(" ", "_"): v for k, v in r.items()}
        if (r.get("etat") or "OUVERT") not in ("OUVERT", "A FERMER"):
            continue
        kind = fold(r.get("type_etablissement") or "")
        if kind.startswith("ecole"):
            levels = int(str(r.get("ecole_maternelle") or 0) == "1") + int(
                str(r.get("ecole_elementaire") or 0) == "1"
            )
            count += levels
        elif kind.startswith(("college", "lycee")):
            count += 1
    return count


def test_annuaire_2026_json_and_csv_exports_publish_the_same_schools(settings, shared_data, samples):
    load_registry(settings, shared_data, ["94"])
    folder = samples / "annuaire-education" / "val-de-marne-2026"
    records = json.loads((folder / "fr-en-annuaire-education.json").read_text(encoding="utf-8"))
    (settings.OSEZ_RAW_DIR / "ecoles").mkdir()
    shutil.copy(
        folder / "fr-en-annuaire-education.json",
        settings.OSEZ_RAW_DIR / "ecoles" / "annuaire-education-94.json",
    )
    outcome = refresh("ecoles", departements=["94"])
    assert outcome.ok, outcome.summary()
    assert outcome.record.rejected == 0
    assert outcome.record.created == annuaire_expected(records) > 600
    assert outcome.record.data_vintage == "Annuaire du 27 mai 2026"
    assert str(Source.objects.get(slug="ecoles").data_date) == "2026-05-27"
    first = records[0]
    place = Place.objects.get(source_ref=first["identifiant_de_l_etablissement"])
    assert place.phone.replace(" ", "") == first["telephone"] and place.email == first["mail"]
    closing = [r for r in records if r["etat"] == "A FERMER"]
    assert len(closing) == 2
    assert all(
        Place.objects.filter(
            source_ref=r["identifiant_de_l_etablissement"], attributes__fermeture_annoncee=True
        ).exists()
        for r in closing
    )
    before = snapshot()
    # Today's CSV export of the same dataset (BOM, CRLF, mixed-case header, "lat, lon"): the same places.
    (settings.OSEZ_RAW_DIR / "ecoles" / "annuaire-education-94.json").unlink()
    shutil.copy(
        folder / "fr-en-annuaire-education.csv",
        settings.OSEZ_RAW_DIR / "ecoles" / "annuaire-education-94.csv",
    )
    outcome = refresh("ecoles", departements=["94"])
    assert outcome.ok and (outcome.record.created, outcome.record.updated, outcome.record.rejected) == (
        0,
        0,
        0,
    )
    assert snapshot() == before


def test_annuaire_2023_csv_header_reads_with_its_multi_line_establishments(settings, shared_data, samples):
    registry = load_registry(settings, shared_data, ["35"])
    path = samples / "annuaire-education" / "ille-et-vilaine-2023" / "fr-en-annuaire-education.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig"), delimiter=";"))
    (settings.OSEZ_RAW_DIR / "ecoles").mkdir()
    shutil.copy(path, settings.OSEZ_RAW_DIR / "ecoles" / "annuaire-education-35.csv")
    outcome = refresh("ecoles", departements=["35"])
    assert outcome.ok, outcome.summary()
    record = outcome.record
    assert record.data_vintage == "Annuaire du 8 juin 2023"

    # Rows the registry of today cannot place: a commune code that no longer exists, or coordinates far
    # outside their commune (an annex listed with its main site's position).
    def misplaced(r):
        commune = registry.get(r["Code_commune"])
        if commune is None:
            return True
        if not (r["latitude"] and commune.get("centre")):
            return False
        lon, lat = commune["centre"]["coordinates"]
        radius = ((commune.get("surface") or 0) / 100 / 3.141592653589793) ** 0.5
        return haversine_km(float(r["latitude"]), float(r["longitude"]), lat, lon) > 15 + 3 * radius

    rejected_lines = {i + 2 for i, r in enumerate(rows) if misplaced(r)}
    assert {r["ligne"] for r in record.rejected_rows} == rejected_lines and record.rejected == len(
        rejected_lines
    )
    assert record.created == annuaire_expected([r for i, r in enumerate(rows) if i + 2 not in rejected_lines])
    # The six lines of the three multi-line establishments (an annex in another commune…) are all there.
    multi = [r for r in rows if r["etablissement_multi_lignes"] == "1"]
    assert len(multi) == 6
    for r in multi:
        if not misplaced(r):
            assert Place.objects.filter(
                source_ref__startswith=r["Identifiant_de_l_etablissement"], commune_id=r["Code_commune"]
            ).exists()
    assert Place.objects.filter(attributes__has_key="nombre_d_eleves").exists()


def test_annuaire_copy_resaved_by_a_spreadsheet(settings, shared_data, samples):
    deps = ["21", "70", "71"]
    load_registry(settings, shared_data, deps)
    path = (
        samples
        / "annuaire-education"
        / "bourgogne-franche-comte-2026-excel-resaved"
        / "fr-en-annuaire-education.csv"
    )
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    rows = list(csv.DictReader(lines, delimiter=";"))
    (settings.OSEZ_RAW_DIR / "ecoles").mkdir()
    for dep in deps:  # one file per département, as the raw cache holds them
        mine = [line for line, r in zip(lines[1:], rows, strict=True) if r["Code_commune"].startswith(dep)]
        (settings.OSEZ_RAW_DIR / "ecoles" / f"annuaire-education-{dep}.csv").write_text(
            lines[0] + "".join(mine)
        )
    outcome = refresh("ecoles", departements=deps)
    assert outcome.ok, outcome.summary()
    assert outcome.record.rejected == 0 and outcome.record.created == annuaire_expected(rows)
    assert outcome.record.data_vintage == "Annuaire du 27 mai 2026"  # dd/mm/yyyy read as a date
    # The spreadsheet dropped the phone numbers' leading 0 and wrote SIRETs in scientific notation.
    place = Place.objects.filter(source_ref="0700585F").first()
    assert place.phone == "03 84 95 80 96"
    assert not any("E+" in json.dumps(a) for a in Place.objects.values_list("attributes", flat=True))


def test_a_field_selection_without_code_commune_gets_a_format_drift_report(settings, shared_data, samples):
    load_registry(settings, shared_data, ["94"])
    (settings.OSEZ_RAW_DIR / "ecoles").mkdir()
    shutil.copy(
        samples / "annuaire-education" / "enerlens-fixture" / "schools-annuaire-sample.json",
        settings.OSEZ_RAW_DIR / "ecoles" / "annuaire-education-94.json",
    )
    outcome = refresh("ecoles", departements=["94"])
    assert not outcome.ok
    message = outcome.record.message
    assert "champ obligatoire absent : « code_commune »" in message
    assert "champs les plus proches trouvés : nom_commune" in message
    assert "https://data.education.gouv.fr/explore/dataset/fr-en-annuaire-education/information/" in message


# --- geo.api.gouv.fr ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "dep"),
    [
        ("geoapi-communes-75-sample.json", "75"),
        ("geoapi-communes-75-epci-sample.json", "75"),
        ("geoapi-arrondissements-75-sample.json", "75"),
        ("sitadel-commune-44109-sample.json", "44"),
    ],
)
def test_geo_api_answers_in_json_and_geojson(settings, samples, sample, dep):
    settings.OSEZ_DEPARTEMENTS = [dep]
    folder = settings.OSEZ_RAW_DIR / "communes"
    folder.mkdir(parents=True)
    shutil.copy(samples / "geo-api-communes" / sample, folder / f"geo-api-communes-{dep}.json")
    data = json.loads((samples / "geo-api-communes" / sample).read_text(encoding="utf-8"))
    records = (
        [{**f["properties"], "contour": f["geometry"]} for f in data["features"]]
        if isinstance(data, dict)
        else data
    )
    outcome = refresh("communes", departements=[dep])
    assert outcome.ok, outcome.summary()
    assert outcome.record.created == len(records) and outcome.record.rejected == 0
    for record in records:
        commune = Commune.objects.get(code_insee=record["code"])
        assert (commune.name, commune.population) == (record["nom"], record["population"])
        # No centre in these answers: a point on the contour's surface stands in.
        assert shape(record["contour"]).contains(Point(commune.longitude, commune.latitude))
        if record.get("codeEpci"):
            assert EPCI.objects.get(code=record["codeEpci"]) == commune.epci
