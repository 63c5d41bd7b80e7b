"""Each source as its publisher serves it today: BPE 2024/2025, Data ES split datasets, Annuaire exports."""

import csv
import io
import json
import zipfile

import httpx
import pytest
import respx

from communes.catalog import bpe_mapping, sport_families
from communes.geo import haversine_km
from communes.models import Place, Source
from communes.sources.bpe import client as bpe_client
from communes.sources.bpe.importer import project
from communes.sources.download import read_meta
from communes.sources.errors import NetworkError, SourceError
from communes.sources.sport import client as sport_client

from .conftest import bpe_lines, bpe_rows, read_records, refresh, snapshot, write_bpe, write_records

pytestmark = pytest.mark.django_db

EQUIPMENTS = "sport/data-es-equipements-10.json"
INSTALLATIONS = "sport/data-es-installations-10.json"
ACTIVITIES = "sport/data-es-activites-10.json"


# --- BPE ------------------------------------------------------------------------------------------


def test_bpe_2025_zip_publishes_every_mapped_row_with_positions_and_addresses(mini_loaded):
    rows = bpe_rows(mini_loaded)
    mapping = bpe_mapping("2025")
    expected = sum(
        1 for r in rows for layer in mapping.get(r["TYPEQU"], ((), ""))[0] if not layer.startswith(("ecoles", "sport", "colleges", "lycees"))
    )  # fmt: skip
    bpe = Place.objects.filter(source_id="bpe", is_active=True)
    assert bpe.count() == expected
    source = Source.objects.get(slug="bpe")
    assert (source.data_vintage, str(source.data_date)) == ("BPE 2025", "2025-01-01")
    # QUALITE_GEOLOC 33: drawn at random in the commune, published as approximate; no position: unknown.
    random_rows = {(r["DEPCOM"], r["NOMRS"]) for r in rows if r["QUALITE_GEOLOC"] == "33"}
    unlocated = {(r["DEPCOM"], r["NOMRS"]) for r in rows if not r["LAMBERT_X"]}
    for place in bpe:
        key = (place.commune_id, place.name)
        if key in random_rows:
            assert place.position_quality == "approximate"
        elif key in unlocated:
            assert place.position_quality == "unknown" and place.latitude is None
        else:
            assert place.position_quality == "exact" and place.latitude is not None
    # Sentinels are missing values, never text: no "_Z" in any published field.
    assert not bpe.filter(address__contains="_Z").exists()
    assert not any("_Z" in json.dumps(a) for a in bpe.values_list("attributes", flat=True))
    pharmacy = bpe.filter(layer_id="pharmacies").first()
    row = next(r for r in rows if r["NOMRS"] == pharmacy.name and r["DEPCOM"] == pharmacy.commune_id)
    assert pharmacy.address == f"{row['NUMVOIE']} {row['TYPVOIE']} {row['LIBVOIE']}"
    assert pharmacy.postcode == row["CODPOS"]


def test_bpe_row_with_only_lambert_93_is_projected_with_pyproj(mini_loaded):
    rows = bpe_rows(mini_loaded)
    lambert_only = [
        r for r in rows if r["LAMBERT_X"] and not r["LONGITUDE"] and r["TYPEQU"] in ("D265", "D281", "D307")
    ]
    assert lambert_only, "the generator writes some rows with only their Lambert 93 position"
    for row in lambert_only:
        place = Place.objects.get(source_id="bpe", name=row["NOMRS"], commune_id=row["DEPCOM"])
        lon, lat = project(float(row["LAMBERT_X"]), float(row["LAMBERT_Y"]), "2154")
        assert haversine_km(place.latitude, place.longitude, lat, lon) < 0.001
        assert 47.9 < place.latitude < 48.8 and 3.3 < place.longitude < 4.9  # in the Aube


def test_a_practitioner_who_opted_out_of_diffusion_is_counted_never_named_nor_located(mini_loaded):
    """INSEE names general practitioners ("…, MÉDECIN") at their practice: published as INSEE publishes
    them, except a SIRENE unit in partial diffusion, which stays a count in its commune."""
    lines = bpe_lines(mini_loaded)
    header = lines[0].replace('"', "").rstrip("\n").split(";")
    doctor = next(
        i for i, line in enumerate(lines) if '"D265"' in line and line.split(";")[header.index("LONGITUDE")]
    )
    fields = lines[doctor].rstrip("\n").split(";")
    name, commune = fields[header.index("NOMRS")].strip('"'), fields[header.index("DEPCOM")].strip('"')
    doctors = Place.objects.filter(
        source_id="bpe", layer_id="medecins-generalistes", commune_id=commune, is_active=True
    )
    before, named = doctors.count(), doctors.filter(name=name).count()
    fields[header.index("STATUT_DIFFUSION")] = '"P"'
    lines[doctor] = ";".join(fields) + "\n"
    write_bpe(mini_loaded, lines)
    assert refresh("bpe").ok
    assert doctors.count() == before
    assert doctors.filter(name=name).count() == named - 1  # the generator reuses a name in a commune
    hidden = doctors.get(attributes__diffusion_partielle=True)
    assert (hidden.name, hidden.latitude, hidden.position_quality) == ("Médecin généraliste", None, "unknown")
    assert (hidden.address, hidden.postcode, hidden.phone) == (
        "",
        "",
        "",
    ) and "siret" not in hidden.attributes


def test_projection_uses_the_rows_own_epsg():
    # Real BPE 2025 row of Les Abymes (Guadeloupe, EPSG 5490): 659850 / 1800150 is -61.50402 / 16.2769.
    lon, lat = project(659850, 1800150, "5490")
    assert haversine_km(lat, lon, 16.2769, -61.50402) < 0.01
    with pytest.raises(ValueError, match="EPSG:99999"):
        project(1, 2, "99999")


def test_bpe_2024_and_2025_tables_file_f120_as_fitness_and_f121_as_gymnasium():
    for vintage in ("2023", "2024", "2025"):
        mapping = bpe_mapping(vintage)
        assert mapping["F121"][0] == ("sport-gymnases",), vintage
        assert mapping["F120"][0] == ("sport-autres",), vintage
        assert "remise en forme" in mapping["F120"][1].lower()
    assert bpe_mapping("2019") is None


def test_a_bpe_vintage_without_a_table_is_refused(mini_loaded):
    before = snapshot()
    write_bpe(mini_loaded, [line.replace('"2025"', '"2026"', 1) for line in bpe_lines(mini_loaded)])
    outcome = refresh("bpe")
    assert not outcome.ok
    assert "millésime BPE 2026 sans table" in outcome.record.message
    assert "bpe_typequ_2026.csv" in outcome.record.message
    assert snapshot() == before


def test_bpe_vintages_mixed_in_one_file_are_refused(mini_loaded):
    before = snapshot()
    lines = bpe_lines(mini_loaded)
    lines[-1] = lines[-1].replace('"2025"', '"2024"', 1)
    write_bpe(mini_loaded, lines)
    outcome = refresh("bpe")
    assert not outcome.ok and "millésimes BPE mélangés" in outcome.record.message
    assert snapshot() == before


def test_default_bpe_address_is_the_newest_vintage_and_a_setting(settings):
    assert settings.OSEZ_SOURCE_URLS["bpe"].endswith("/BPE25.zip")
    settings.OSEZ_SOURCE_URLS = {**settings.OSEZ_SOURCE_URLS, "bpe": "https://miroir.test/BPE26.zip"}
    assert bpe_client.raw_file().name == "BPE26.zip"


@respx.mock
def test_a_withdrawn_bpe_address_fails_naming_the_address_and_the_setting(settings):
    url = "https://www.insee.fr/fr/statistiques/fichier/8217525/BPE23.zip"
    settings.OSEZ_SOURCE_URLS = {**settings.OSEZ_SOURCE_URLS, "bpe": url}
    respx.get(url).mock(return_value=httpx.Response(404))
    with pytest.raises(NetworkError, match="adresse introuvable \\(404\\)") as excinfo:
        bpe_client.fetch(["10"])
    assert url in str(excinfo.value) and "OSEZ_URL_" in str(excinfo.value)


# --- Data ES --------------------------------------------------------------------------------------


def test_data_es_split_files_are_joined_to_installations_and_activities(mini_loaded):
    equipments = read_records(mini_loaded / EQUIPMENTS)
    installations = {i["numero"]: i for i in read_records(mini_loaded / INSTALLATIONS)}
    activities = {}
    for a in read_records(mini_loaded / ACTIVITIES):
        activities.setdefault(a["equip_numero"], []).append(a["aps_name"])
    places = {p.source_ref: p for p in Place.objects.filter(source_id="sport")}
    assert len(places) == len(equipments)
    for e in equipments:
        place = places[e["numero"]]
        inst = installations[e["installation_numero"]]
        assert (place.commune_id, place.address, place.postcode) == (
            inst["insee"],
            inst["adresse"],
            inst["cp"],
        )
        assert place.attributes["activites"] == sorted(set(activities.get(e["numero"], [])))
        assert place.attributes["installation_nom"] == inst["nom"]
        assert place.website == (e["website"] or "")
    source = Source.objects.get(slug="sport")
    assert source.data_vintage == "Data ES du 30 novembre 2026"


def test_activities_feed_the_sports_layers(mini_loaded):
    equipments = read_records(mini_loaded / EQUIPMENTS)
    target = next(e for e in equipments if e["type"] == "Boulodrome")
    target["type"], target["famille"] = "Terrain", "Divers"
    write_records(mini_loaded / EQUIPMENTS, equipments)
    activities = read_records(mini_loaded / ACTIVITIES)
    activities = [a for a in activities if a["equip_numero"] != target["numero"]]
    activities.append({"equip_numero": target["numero"], "aps_name": "Football"})
    write_records(mini_loaded / ACTIVITIES, activities)
    assert refresh("sport").ok
    # A new layer is a new place (the natural key holds the layer); the old one is kept, inactive.
    assert Place.objects.get(source_ref=target["numero"], is_active=True).layer_id == "sport-football"
    assert ("activites", "football", "sport-football") in sport_families()


def test_declarants_personal_fields_are_never_imported(mini_loaded):
    equipments = read_records(mini_loaded / EQUIPMENTS)
    for e in equipments:
        e.update(
            declarant_nom="Dupont-Déclarant", declarant_prenom="Camille", declarant_mail="camille.dupont@example.org",
            declarant_telephone="0612345678",
        )  # fmt: skip
    write_records(mini_loaded / EQUIPMENTS, equipments)
    outcome = refresh("sport")
    assert outcome.ok
    published = json.dumps(
        list(
            Place.objects.filter(source_id="sport").values(
                "name", "address", "phone", "email", "website", "attributes"
            )
        ),
        ensure_ascii=False,
    )
    for personal in (
        "Dupont-Déclarant",
        "Camille",
        "camille.dupont",
        "0612345678",
        "06 12 34 56 78",
        "declarant",
    ):
        assert personal not in published
        assert personal not in json.dumps(outcome.record.rejected_rows, ensure_ascii=False)


def test_equipment_whose_installation_is_missing_is_rejected_and_kept(mini_loaded, settings):
    settings.OSEZ_MAX_REJECTED = 0.5
    before = snapshot()
    installations = read_records(mini_loaded / INSTALLATIONS)
    dropped = installations.pop(0)
    write_records(mini_loaded / INSTALLATIONS, installations)
    outcome = refresh("sport")
    assert outcome.ok, outcome.summary()
    orphans = [
        e for e in read_records(mini_loaded / EQUIPMENTS) if e["installation_numero"] == dropped["numero"]
    ]
    assert outcome.record.rejected == len(orphans) > 0
    assert "absente du fichier des installations" in outcome.record.rejected_rows[0]["raison"]
    assert snapshot() == before


def test_yesterdays_joined_file_still_reads_and_the_fresher_form_wins(raw, mini_aube_dir):
    import os
    import shutil

    assert refresh("communes").ok
    outcome = refresh("sport")  # the samples hold only the old joined file
    assert outcome.ok and outcome.record.created == 6
    for name in ("data-es-equipements-10.json", "data-es-installations-10.json", "data-es-activites-10.json"):
        for path in (mini_aube_dir / "sport").glob(name + "*"):
            shutil.copy(path, raw / "sport" / path.name)
    os.utime(raw / "sport" / "data-es-10.json", (1, 1))
    outcome = refresh("sport", force=True)
    assert outcome.ok
    old_refs = [r["equip_numero"] for r in json.loads((raw / "sport" / "data-es-10.json").read_text())]
    assert not Place.objects.filter(source_id="sport", is_active=True, source_ref__in=old_refs).exists()
    assert Place.objects.filter(source_id="sport", is_active=True).exists()


def test_a_cached_export_shorter_than_announced_is_refused(mini_loaded):
    before = snapshot()
    path = mini_loaded / EQUIPMENTS
    records = read_records(path)
    meta = path.with_name(path.name + ".meta.json")
    meta.write_text(json.dumps({**read_meta(path), "total_count": len(records) + 100}), encoding="utf-8")
    outcome = refresh("sport")
    assert not outcome.ok
    assert f"{len(records)} enregistrements sur {len(records) + 100} annoncés" in outcome.record.message
    assert snapshot() == before


SPORT = "https://sport.test/api/explore/v2.1/catalog/datasets"


def _ods(route_name, records, announced=None):
    respx.get(f"{SPORT}/{route_name}/records").mock(
        return_value=httpx.Response(
            200, json={"total_count": len(records) if announced is None else announced, "results": []}
        )
    )
    respx.get(f"{SPORT}/{route_name}/exports/json").mock(return_value=httpx.Response(200, json=records))


@respx.mock
def test_sport_client_downloads_the_split_datasets_without_personal_fields(settings, tmp_path, mini_aube_dir):
    settings.OSEZ_SOURCE_URLS = {**settings.OSEZ_SOURCE_URLS, "sport": "https://sport.test"}
    equipments = read_records(mini_aube_dir / EQUIPMENTS)
    installations = read_records(mini_aube_dir / INSTALLATIONS)
    activities = read_records(mini_aube_dir / ACTIVITIES)
    _ods("data-es-equipement-dcf", equipments)
    _ods("data-es-installation-dcf", installations)
    # No "-dcf" activities dataset (404): the client takes the one client code knows.
    respx.get(f"{SPORT}/data-es-activite-dcf/records").mock(return_value=httpx.Response(404))
    _ods("data-es-activite", [*activities, {"equip_numero": "E001I750560001", "aps_name": "Tennis"}])
    assert sport_client.fetch(["10"]) == 3
    calls = {
        c.request.url.path.split("/")[-3]: c.request for c in respx.calls if "exports" in c.request.url.path
    }
    select = calls["data-es-equipement-dcf"].url.params["select"]
    assert "declarant" not in select and "numero" in select
    assert calls["data-es-equipement-dcf"].url.params["where"] == 'startswith(installation_numero, "I10")'
    assert calls["data-es-installation-dcf"].url.params["where"] == 'dep_code_filled="10"'
    folder = settings.OSEZ_RAW_DIR / "sport"
    # The national activities are split per département by equipment: Paris's one is not in the Aube's file.
    assert json.loads((folder / "data-es-activites-10.json").read_text()) == activities


@respx.mock
def test_sport_client_refuses_an_export_shorter_than_announced_and_keeps_the_cache(settings, mini_aube_dir):
    settings.OSEZ_SOURCE_URLS = {**settings.OSEZ_SOURCE_URLS, "sport": "https://sport.test"}
    folder = settings.OSEZ_RAW_DIR / "sport"
    folder.mkdir(parents=True)
    (folder / "data-es-installations-10.json").write_text("[]", encoding="utf-8")
    installations = read_records(mini_aube_dir / INSTALLATIONS)
    _ods("data-es-installation-dcf", installations[:10], announced=len(installations))
    with pytest.raises(
        SourceError, match=f"export tronqué : 10 enregistrements reçus sur {len(installations)}"
    ):
        sport_client.fetch(["10"])
    assert (folder / "data-es-installations-10.json").read_text() == "[]"
    assert sorted(p.name for p in folder.iterdir()) == ["data-es-installations-10.json"]


@respx.mock
def test_sport_client_falls_back_to_the_old_dataset_when_the_split_ones_are_missing(settings):
    settings.OSEZ_SOURCE_URLS = {**settings.OSEZ_SOURCE_URLS, "sport": "https://sport.test"}
    for name in ("data-es-installation-dcf", "data-es-installation"):
        respx.get(f"{SPORT}/{name}/records").mock(return_value=httpx.Response(404))
    old = [{"equip_numero": "E1", "new_code": "10387", "equip_type_name": "Court de tennis"}]
    _ods("data-es", old)
    assert sport_client.fetch(["10"]) == 1
    assert json.loads((settings.OSEZ_RAW_DIR / "sport" / "data-es-10.json").read_text()) == old


# --- Annuaire de l'éducation ----------------------------------------------------------------------


def test_annuaire_csv_export_publishes_the_same_places_as_the_json_export(mini_loaded):
    before = snapshot()
    records = read_records(mini_loaded / "ecoles/annuaire-education-10.json")
    out = io.StringIO()
    keys = list(records[0])
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    # The "labels" CSV export: mixed-case header, position as "lat, lon", empty strings for nulls, BOM.
    writer.writerow([k.capitalize() if k.startswith(("nom_", "code_", "adresse")) else k for k in keys])
    for r in records:
        row = dict(r, position=f"{r['position']['lat']}, {r['position']['lon']}")
        writer.writerow(["" if row[k] is None else row[k] for k in keys])
    for stale in (mini_loaded / "ecoles").glob("annuaire-education-10.json*"):
        stale.unlink()
    (mini_loaded / "ecoles" / "annuaire-education-10.csv").write_bytes(
        b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")
    )
    outcome = refresh("ecoles")
    assert outcome.ok, outcome.summary()
    assert (outcome.record.created, outcome.record.updated, outcome.record.deactivated) == (0, 0, 0)
    assert snapshot() == before


def test_annuaire_contacts_are_the_establishments_and_a_closing_school_says_so(mini_loaded):
    records = read_records(mini_loaded / "ecoles/annuaire-education-10.json")
    closing = [r for r in records if r["etat"] == "A FERMER"]
    for r in records[:3]:
        place = Place.objects.filter(
            source_id="ecoles", source_ref=r["identifiant_de_l_etablissement"]
        ).first()
        digits = r["telephone"]
        assert place.phone.replace(" ", "") == digits
        assert place.email == r["mail"]
    for r in closing:
        place = Place.objects.filter(source_ref=r["identifiant_de_l_etablissement"]).first()
        assert place.attributes["fermeture_annoncee"] is True
    assert str(Source.objects.get(slug="ecoles").data_date) == "2026-11-30"


@respx.mock
def test_annuaire_client_asks_open_and_closing_establishments_and_checks_the_count(settings, mini_aube_dir):
    base = "https://ecoles.test/api/explore/v2.1/catalog/datasets/fr-en-annuaire-education"
    settings.OSEZ_SOURCE_URLS = {**settings.OSEZ_SOURCE_URLS, "ecoles": "https://ecoles.test"}
    records = read_records(mini_aube_dir / "ecoles/annuaire-education-10.json")
    count = respx.get(f"{base}/records").mock(
        return_value=httpx.Response(200, json={"total_count": len(records)})
    )
    respx.get(f"{base}/exports/json").mock(return_value=httpx.Response(200, json=records))
    from communes.sources.ecoles import client

    assert client.fetch(["10"]) == 1
    where = count.calls[0].request.url.params["where"]
    assert "code_departement='010'" in where and "A FERMER" in where
    assert read_meta(client.raw_file("10"))["total_count"] == len(records)


def test_bpe_zip_is_what_the_fixtures_and_insee_serve():
    from .conftest import FIXTURES_RAW

    with zipfile.ZipFile(FIXTURES_RAW / "bpe" / "BPE25.zip") as archive:
        assert archive.namelist() == ["BPE25.csv"]
