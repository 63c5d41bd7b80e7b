"""Importing the sources: what gets published, idempotence, and every bad input leaving the data as it was."""

import csv
import json
import os

import pytest

from communes.enums import ImportOutcome, SourceState
from communes.geo import haversine_km
from communes.models import EPCI, Commune, ImportRecord, Layer, Place, PlaceAnnotation, Source
from communes.sources.download import file_checksum
from tests.factories import UserFactory

from .conftest import SAMPLES, refresh, snapshot

pytestmark = pytest.mark.django_db


def sample_json(folder, name):
    return json.loads((SAMPLES / folder / name).read_text(encoding="utf-8"))


def sample_bpe_rows():
    with (SAMPLES / "bpe" / "bpe-10.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def write_json(raw, folder, name, records):
    (raw / folder / name).write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")


def test_registry_import_builds_communes_epcis_and_search(raw):
    outcome = refresh("communes")
    records = sample_json("communes", "geo-api-communes-10.json")
    assert outcome.ok
    assert Commune.objects.count() == len(records)
    assert EPCI.objects.count() == len({r["codeEpci"] for r in records})
    aix = Commune.objects.get(code_insee="10003")
    assert aix.slug == "aix-villemaur-palis"
    assert aix.postcodes == ["10160", "10190"]
    assert aix.departement.name == "Aube"
    assert list(Commune.objects.search("aix villemaur")) == [aix]
    assert list(Commune.objects.search("10190")) == [aix]
    assert aix.contour["type"] == "Polygon"
    # Simplification dropped the almost-collinear vertex of the sample square.
    assert len(aix.contour["coordinates"][0]) < len(records[-1]["contour"]["coordinates"][0])


def test_every_source_publishes_what_its_files_hold(loaded):
    ecoles = sample_json("ecoles", "annuaire-education-10.json")
    open_schools = [r for r in ecoles if r["etat"] == "OUVERT" and r["type_etablissement"] != "EREA"]
    expected_school_places = sum(max(1, r["ecole_maternelle"] + r["ecole_elementaire"]) for r in open_schools)
    assert Place.objects.filter(source_id="ecoles").count() == expected_school_places
    primaire = Place.objects.filter(source_ref="0100001A").values_list("layer_id", flat=True)
    assert sorted(primaire) == ["ecoles-elementaires", "ecoles-maternelles"]
    lycee = Place.objects.get(source_ref="0100005E")
    assert lycee.commune_id == "10387" and not lycee.has_coordinates

    sport = sample_json("sport", "data-es-10.json")
    assert Place.objects.filter(source_id="sport").count() == len(sport)
    layers = dict(Place.objects.filter(source_id="sport").values_list("source_ref", "layer_id"))
    assert layers["E001"] == "sport-football" and layers["E004"] == "sport-natation"
    assert layers["E005"] == "sport-gymnases" and layers["E006"] == "sport-autres"

    bpe = Place.objects.filter(source_id="bpe", is_active=True)
    # Schools and sports come from their preferred sources here; the Marne row and the bakery are skipped;
    # the doctor's row appears twice, identical: one place.
    assert sorted(bpe.values_list("layer_id", flat=True)) == sorted(
        ["medecins-generalistes", "pharmacies", "creches", "veterinaires", "hebergements-touristiques",
         "infirmiers"]
    )  # fmt: skip
    pharmacy = bpe.get(layer_id="pharmacies")
    assert pharmacy.name == "Pharmacie de l'Hôtel de Ville"
    assert pharmacy.attributes["siret"] == "12345678900011"


def test_an_identical_bpe_row_read_twice_is_one_place_and_is_counted(loaded):
    doctors = Place.objects.filter(source_id="bpe", layer_id="medecins-generalistes")
    assert doctors.count() == 1
    record = ImportRecord.objects.filter(source_id="bpe").latest()
    assert record.rejected == 0
    assert "1 lignes en double exact fusionnées" in record.message


def test_two_doctors_of_one_surgery_stay_two_places(raw):
    path = raw / "bpe" / "bpe-10.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    # The second doctor's row differs (another position in the same building): two places.
    lines[2] = lines[2].replace("4.0780;48.2970", "4.0781;48.2971")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert refresh("communes").ok and refresh("bpe").ok
    doctors = Place.objects.filter(source_id="bpe", layer_id="medecins-generalistes")
    assert doctors.count() == 2
    assert len(set(doctors.values_list("source_ref", flat=True))) == 2


def test_lambert93_is_converted_when_wgs84_is_missing(loaded):
    nurse = Place.objects.get(layer_id="infirmiers")
    # Troyes ≈ 779 971 / 6 800 153 in Lambert 93 ≈ 4.078 / 48.297
    assert haversine_km(nurse.latitude, nurse.longitude, 48.297, 4.078) < 0.5


def test_bpe_fills_school_layers_where_the_annuaire_has_not_published(raw):
    refresh("communes")
    outcome = refresh("bpe")
    assert outcome.ok
    primaire = Place.objects.filter(source_id="bpe", name="École primaire d'Aix")
    assert sorted(primaire.values_list("layer_id", flat=True)) == [
        "ecoles-elementaires",
        "ecoles-maternelles",
    ]
    # Once the Annuaire publishes the département, the BPE schools step aside: nothing is counted twice.
    assert refresh("ecoles").ok
    assert not Place.objects.filter(
        source_id="bpe", layer_id__in=["colleges", "ecoles-maternelles"], is_active=True
    )
    assert refresh("bpe").ok
    assert not Place.objects.filter(source_id="bpe", layer_id="colleges", is_active=True).exists()


def test_second_run_reports_everything_unchanged(loaded):
    before = snapshot()
    for slug in ("communes", "ecoles", "sport", "bpe"):
        outcome = refresh(slug)
        record = outcome.record
        assert outcome.ok
        assert (record.created, record.updated, record.deactivated) == (0, 0, 0), outcome.summary()
        assert record.unchanged > 0
    assert snapshot() == before


def test_import_record_and_source_freshness_are_kept(loaded):
    record = ImportRecord.objects.filter(source_id="bpe").latest()
    assert record.outcome == ImportOutcome.SUCCESS
    assert len(record.checksum) == 64
    assert record.finished_at is not None
    source = Source.objects.get(slug="bpe")
    assert source.state == SourceState.OK and source.last_success_at is not None
    assert not source.is_stale


def test_layer_catalogue_has_the_fixed_slugs(db):
    slugs = set(Layer.objects.values_list("slug", flat=True))
    assert {
        "ecoles-maternelles",
        "sport-football",
        "assistantes-maternelles",
        "medecins-nouveaux-patients",
    } <= slugs
    assert Layer.objects.get(slug="creches").name == "Crèches"


# --- bad input: whole-file problems abort the source and leave the published data identical -----------


def _empty(raw):
    (raw / "bpe" / "bpe-10.csv").write_bytes(b"")
    return "bpe", "vide"


def _header_only(raw):
    lines = (raw / "bpe" / "bpe-10.csv").read_text(encoding="utf-8").splitlines()
    (raw / "bpe" / "bpe-10.csv").write_text(lines[0] + "\n", encoding="utf-8")
    return "bpe", "lot vide"


def _truncated_json(raw):
    path = raw / "ecoles" / "annuaire-education-10.json"
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    return "ecoles", "tronqué"


def _truncated_csv(raw):
    path = raw / "bpe" / "bpe-10.csv"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return "bpe", "refusé"


def _html_page(raw):
    (raw / "sport" / "data-es-10.json").write_text(
        "<!DOCTYPE html><html><body>Service indisponible</body></html>", encoding="utf-8"
    )
    return "sport", "HTML"


def _renamed_column(raw):
    path = raw / "bpe" / "bpe-10.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("TYPEQU", "TYPE_EQUIPEMENT", 1), encoding="utf-8"
    )
    return "bpe", "TYPEQU"


def _renamed_json_key(raw):
    records = sample_json("ecoles", "annuaire-education-10.json")
    for r in records:
        r["code_insee"] = r.pop("code_commune")
    write_json(raw, "ecoles", "annuaire-education-10.json", records)
    return "ecoles", "code_commune"


def _collapsing_count(raw):
    records = sample_json("sport", "data-es-10.json")
    write_json(raw, "sport", "data-es-10.json", records[:2])
    return "sport", "refusé"


def _communes_collapse(raw):
    records = sample_json("communes", "geo-api-communes-10.json")
    write_json(raw, "communes", "geo-api-communes-10.json", records[:1])
    return "communes", "refusé"


def _unknown_vintage(raw):
    path = raw / "bpe" / "bpe-10.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("\n2023;", "\n2019;"), encoding="utf-8")
    return "bpe", "millésime"


def _missing_file(raw):
    (raw / "sport" / "data-es-10.json").unlink()
    return "sport", "absent du cache"


@pytest.mark.parametrize(
    "damage",
    [_empty, _header_only, _truncated_json, _truncated_csv, _html_page, _renamed_column, _renamed_json_key,
     _collapsing_count, _communes_collapse, _unknown_vintage, _missing_file],
)  # fmt: skip
def test_bad_file_is_refused_and_published_data_stay_identical(loaded, damage):
    before = snapshot()
    slug, expected = damage(loaded)
    outcome = refresh(slug)
    assert not outcome.ok
    assert expected in outcome.record.message
    assert outcome.record.outcome in (ImportOutcome.REFUSED, ImportOutcome.FAILED)
    assert snapshot() == before
    source = Source.objects.get(slug=slug)
    assert source.state == SourceState.FAILED
    assert expected in source.last_message


def test_force_publishes_a_shrunk_batch_and_marks_the_rest_inactive(loaded):
    records = sample_json("sport", "data-es-10.json")
    write_json(loaded, "sport", "data-es-10.json", records[:2])
    outcome = refresh("sport", force=True)
    assert outcome.ok and outcome.record.forced
    assert outcome.record.deactivated == len(records) - 2
    # Vanished places are kept, inactive: nothing is deleted.
    assert Place.objects.filter(source_id="sport").count() == len(records)
    assert Place.objects.filter(source_id="sport", is_active=True).count() == 2


def test_vanished_place_becomes_inactive_and_comes_back_when_it_reappears(loaded):
    records = sample_json("sport", "data-es-10.json")
    write_json(loaded, "sport", "data-es-10.json", records[1:])
    outcome = refresh("sport")
    assert outcome.ok and outcome.record.deactivated == 1
    assert not Place.objects.get(source_ref="E001").is_active
    # Other sources' places are never touched by this source's run.
    assert Place.objects.filter(source_id="bpe", is_active=True).count() > 0
    write_json(loaded, "sport", "data-es-10.json", records)
    outcome = refresh("sport")
    assert outcome.record.updated == 1 and Place.objects.get(source_ref="E001").is_active


def test_latin1_file_reads_the_same_as_utf8(loaded):
    before = snapshot()
    path = loaded / "bpe" / "bpe-10.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    outcome = refresh("bpe")
    assert outcome.ok
    assert outcome.record.created == outcome.record.updated == 0
    assert snapshot() == before
    assert Place.objects.filter(name="Crèche Les Câlins").exists()


def test_comma_separated_file_is_read_by_header_name(loaded):
    before = snapshot()
    rows = sample_bpe_rows()
    path = loaded / "bpe" / "bpe-10.csv"
    columns = list(reversed(list(rows[0])))  # another column order, another delimiter
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, delimiter=",")
        writer.writeheader()
        writer.writerows(rows)
    assert refresh("bpe").ok
    assert snapshot() == before


# --- bad rows: rejected with a reason, the rest published ------------------------------------------


def test_bad_rows_are_rejected_with_their_reason(loaded, settings):
    settings.OSEZ_MAX_REJECTED = 0.5  # a small sample: four bad rows are many
    before = snapshot()
    records = sample_json("ecoles", "annuaire-education-10.json")
    duplicate = dict(records[1], nom_etablissement="Même identifiant, autre nom")
    far = dict(records[2], identifiant_de_l_etablissement="0109999Z", latitude=43.2965, longitude=5.3698)
    unknown = dict(records[3], identifiant_de_l_etablissement="0109998Y", code_commune="10999")
    bad_value = dict(records[3], identifiant_de_l_etablissement="0109997X", latitude="quarante-huit")
    write_json(loaded, "ecoles", "annuaire-education-10.json", [*records, duplicate, far, unknown, bad_value])
    outcome = refresh("ecoles")
    assert outcome.ok
    record = outcome.record
    assert record.rejected == 5  # the duplicate differs from its first row: both lines are rejected
    reasons = " | ".join(r["raison"] for r in record.rejected_rows)
    assert "double" in reasons
    assert "hors du territoire" in reasons
    assert "10999" in reasons
    assert "invalide" in reasons
    assert {r["ref"] for r in record.rejected_rows} >= {"0109999Z", "0109998Y", "0109997X"}
    assert snapshot() == before


def test_far_and_unknown_bpe_rows_are_rejected(loaded, settings):
    settings.OSEZ_MAX_REJECTED = 0.5  # a small sample: two bad rows are many
    path = loaded / "bpe" / "bpe-10.csv"
    text = path.read_text(encoding="utf-8")
    text += "2023;Pharmacie lointaine;;1;RUE;X;10000;10387;10;44;D307;;;;5.3698;43.2965;Bonne;2154\n"
    text += "2023;Pharmacie fantôme;;1;RUE;X;10000;10999;10;44;D307;;;;4.07;48.29;Bonne;2154\n"
    path.write_text(text, encoding="utf-8")
    before = snapshot()
    outcome = refresh("bpe")
    assert outcome.ok and outcome.record.rejected == 2
    assert snapshot() == before


def test_annotation_survives_the_nightly_refresh(loaded):
    place = Place.objects.get(source_id="bpe", layer_id="pharmacies")
    author = UserFactory(roles=["installation advisor"])
    PlaceAnnotation.objects.create(place=place, text="accepte de nouveaux patients", author=author)
    path = loaded / "bpe" / "bpe-10.csv"
    # The source moves the pharmacy a little: the place is updated in place, not replaced.
    path.write_text(
        path.read_text(encoding="utf-8").replace("4.7060;48.2335", "4.7065;48.2336"), encoding="utf-8"
    )
    outcome = refresh("bpe")
    assert outcome.ok and outcome.record.updated == 1
    place.refresh_from_db()
    assert place.longitude == pytest.approx(4.7065)
    assert list(place.annotations.values_list("text", flat=True)) == ["accepte de nouveaux patients"]


def test_national_bpe_file_is_filtered_to_the_configured_departements(loaded):
    before = snapshot()
    extract = loaded / "bpe" / "bpe-10.csv"
    national = loaded / "bpe" / "BPE-france.csv"
    national.write_bytes(extract.read_bytes())
    os.utime(extract, (1, 1))  # the national file is the fresher one: it is the one read
    outcome = refresh("bpe")
    assert outcome.ok and outcome.record.created == 0
    assert outcome.record.checksum == file_checksum(national)
    assert snapshot() == before
    assert not Place.objects.filter(commune__departement_id="51").exists()


def test_commune_without_centre_or_contour_is_kept_without_distances(raw):
    records = sample_json("communes", "geo-api-communes-10.json")
    del records[0]["centre"], records[0]["contour"]
    write_json(raw, "communes", "geo-api-communes-10.json", records)
    outcome = refresh("communes")
    assert outcome.ok and outcome.record.rejected == 0
    troyes = Commune.objects.get(code_insee=records[0]["code"])
    assert troyes.latitude is None and troyes.is_active


def test_commune_without_centre_gets_a_point_of_its_contour(raw):
    from shapely.geometry import Point, shape

    records = sample_json("communes", "geo-api-communes-10.json")
    del records[0]["centre"]
    write_json(raw, "communes", "geo-api-communes-10.json", records)
    assert refresh("communes").ok
    troyes = Commune.objects.get(code_insee=records[0]["code"])
    assert shape(records[0]["contour"]).contains(Point(troyes.longitude, troyes.latitude))


def test_advisor_annotates_a_place_in_the_admin_and_is_its_author(client, loaded):
    place = Place.objects.get(source_id="bpe", layer_id="pharmacies")
    advisor = UserFactory(roles=["installation advisor"])
    client.force_login(advisor)
    url = f"/admin/communes/place/{place.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "annotations-TOTAL_FORMS": "1", "annotations-INITIAL_FORMS": "0", "annotations-MIN_NUM_FORMS": "0",
            "annotations-MAX_NUM_FORMS": "1000", "annotations-0-text": "accepte de nouveaux patients",
            "annotations-0-observed_on": "2026-11-02",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    annotation = place.annotations.get()
    assert annotation.author == advisor and str(annotation.observed_on) == "2026-11-02"
    assert refresh("bpe").ok
    assert place.annotations.get().text == "accepte de nouveaux patients"
