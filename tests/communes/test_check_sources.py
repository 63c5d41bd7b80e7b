"""``manage.py check_sources``: whether each source still serves the format its importer reads."""

import gzip
import io
import json
import struct
import zlib

import httpx
import pytest
import respx
from django.core.management import CommandError, call_command

from .conftest import SAMPLES

BPE_HEADER = '"AN";"NOMRS";"DEPCOM";"DEP";"TYPEQU";"LAMBERT_X";"LAMBERT_Y";"LONGITUDE";"LATITUDE";"EPSG"\n'
BPE_ROW = '"2025";"PHARMACIE (fictif)";"10387";"10";"D307";779571;6800695;4.07306;48.30172;"2154"\n'


def zip_head(text):
    """The first bytes of a zip whose first member is this CSV (what a Range request returns)."""
    name = b"BPE25.csv"
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = compressor.compress(text.encode("utf-8")) + compressor.flush()
    header = b"PK\x03\x04" + struct.pack("<HHHHHIIIHH", 20, 0, 8, 0, 0, 0, len(body), len(text), len(name), 0)
    return header + name + body


@pytest.fixture
def urls(settings):
    settings.OSEZ_SOURCE_URLS = {
        "communes": "https://geo.test",
        "ecoles": "https://ecoles.test",
        "bpe": "https://bpe.test/BPE25.zip",
        "sport": "https://sport.test",
        "caf": "https://caf.test",
        "arcep": "https://arcep.test/statistiques/last/commune/commune_debit_filaire.csv",
        "dvf": "https://dvf.test/geo-dvf/latest/csv/{year}/departements/{dep}.csv.gz",
        "carte-scolaire": "https://education.test",
        "apl": "https://datagouv.test/api/1/datasets/apl/",
    }
    settings.OSEZ_DEPARTEMENTS = ["10"]
    settings.OSEZ_DVF_YEARS = [2023, 2024, 2025]


INDICATOR_SOURCES = ("caf", "arcep", "dvf", "carte-scolaire", "apl")


def mock_indicator_sources(arcep_header=None):
    """The five commune-indicator sources answering with the first records of the test samples."""
    ods = "api/explore/v2.1/catalog/datasets"
    for dataset in ("nbpla_pe_com", "txcouv_pe_com", "nbpla_pe_epci", "txcouv_pe_epci"):
        records = json.loads((SAMPLES / "caf" / f"{dataset}.json").read_text(encoding="utf-8"))[:5]
        respx.get(f"https://caf.test/{ods}/{dataset}/records").mock(
            return_value=httpx.Response(200, json={"total_count": 99, "results": records})
        )
    arcep = (SAMPLES / "arcep" / "commune_debit_filaire.csv").read_text(encoding="utf-8")
    if arcep_header:
        arcep = arcep.replace(*arcep_header, 1)
    respx.get("https://arcep.test/statistiques/last/commune/commune_debit_filaire.csv").mock(
        return_value=httpx.Response(206, content=arcep.encode("utf-8"))
    )
    dvf = (SAMPLES / "dvf" / "dvf-10-2025.csv").read_bytes()
    respx.get("https://dvf.test/geo-dvf/latest/csv/2025/departements/10.csv.gz").mock(
        return_value=httpx.Response(206, content=gzip.compress(dvf))
    )
    respx.get(f"https://education.test/{ods}/fr-en-carte-scolaire-colleges-publics/records").mock(
        return_value=httpx.Response(200, json={"total_count": 1, "results": [
            {"code_insee": "10387", "code_rne": "0100004D", "secteur_unique": "N"}]})
    )  # fmt: skip
    respx.get("https://datagouv.test/api/1/datasets/apl/").mock(
        return_value=httpx.Response(200, json={"resources": [
            {"title": "APL aux médecins généralistes", "format": "xlsx", "url": "https://files.test/apl.xlsx"}]})
    )  # fmt: skip
    respx.get("https://files.test/apl.xlsx").mock(
        return_value=httpx.Response(
            200, content=(SAMPLES / "apl" / "apl-medecins-generalistes.xlsx").read_bytes()
        )
    )


def mock_all(bpe_header=BPE_HEADER, installation_fields=None):
    respx.get("https://geo.test/departements/10/communes").mock(
        return_value=httpx.Response(
            200, json=[{"nom": "Troyes", "code": "10387", "centre": {"coordinates": [4, 48]}}]
        )
    )
    ods = "api/explore/v2.1/catalog/datasets"
    respx.get(f"https://ecoles.test/{ods}/fr-en-annuaire-education/records").mock(
        return_value=httpx.Response(200, json={"total_count": 1, "results": [{
            "identifiant_de_l_etablissement": "0100001A", "nom_etablissement": "École (fictif)",
            "type_etablissement": "Ecole", "code_commune": "10387"}]})
    )  # fmt: skip
    installation = installation_fields or {"numero": "I103870001", "insee": "10387", "nom": "Stade (fictif)"}
    respx.get(f"https://sport.test/{ods}/data-es-installation-dcf/records").mock(
        return_value=httpx.Response(200, json={"total_count": 1, "results": [installation]})
    )
    respx.get(f"https://sport.test/{ods}/data-es-equipement-dcf/records").mock(
        return_value=httpx.Response(200, json={"total_count": 1, "results": [
            {"numero": "E001I103870001", "installation_numero": "I103870001", "type": "Terrain de football",
             "declarant_nom": "jamais lu"}]})
    )  # fmt: skip
    respx.get(f"https://sport.test/{ods}/data-es-activite/records").mock(
        return_value=httpx.Response(
            200, json={"total_count": 1, "results": [{"equip_numero": "E1", "aps_name": "Football"}]}
        )
    )
    respx.get("https://bpe.test/BPE25.zip").mock(
        return_value=httpx.Response(206, content=zip_head(bpe_header + BPE_ROW))
    )
    mock_indicator_sources()


def run():
    out = io.StringIO()
    try:
        call_command("check_sources", stdout=out)
    except CommandError as exc:
        return out.getvalue(), str(exc)
    return out.getvalue(), ""


@respx.mock
def test_every_source_matches_todays_format(urls):
    mock_all()
    out, error = run()
    assert not error, out
    for slug in ("communes", "ecoles", "sport", "bpe", *INDICATOR_SOURCES):
        assert f"{slug} : format conforme" in out
    assert "Toutes les sources servent le format attendu." in out
    # CNAF: the four datasets, each checked against its own required fields.
    assert sum(1 for line in out.splitlines() if line.startswith("caf : format conforme")) == 4
    # The BPE check read the zip's first bytes only, with a Range request.
    bpe_call = next(c for c in respx.calls if c.request.url.host == "bpe.test")
    assert bpe_call.request.headers["Range"].startswith("bytes=0-")


@respx.mock
def test_a_renamed_field_is_reported_with_the_closest_fields_and_the_documentation(urls):
    mock_all(
        bpe_header=BPE_HEADER.replace('"TYPEQU"', '"TYPE_EQU"'),
        installation_fields={"numero": "I1", "code_insee_commune": "10387"},
    )
    out, error = run()
    assert "bpe" in error and "sport" in error
    bpe_line = next(line for line in out.splitlines() if line.startswith("bpe :"))
    assert "FORMAT CHANGÉ" in bpe_line and "« TYPEQU »" in bpe_line and "TYPE_EQU" in bpe_line
    assert "https://www.insee.fr/fr/statistiques/8217525" in bpe_line
    sport_line = next(line for line in out.splitlines() if "installations" in line and "sport :" in line)
    assert "« insee » ou « code_insee »" in sport_line and "code_insee_commune" in sport_line
    assert "communes : format conforme" in out


@respx.mock
def test_offline_it_says_it_could_not_reach_each_source(urls):
    respx.route().mock(side_effect=httpx.ConnectError("Name or service not known"))
    out, error = run()
    for slug in ("communes", "ecoles", "sport", "bpe", *INDICATOR_SOURCES):
        line = next(line for line in out.splitlines() if line.startswith(f"{slug} :"))
        assert "injoignable" in line and "Name or service not known" in line
    assert "communes, ecoles, sport, bpe" in error


@respx.mock
def test_a_renamed_column_of_an_indicator_source_is_reported(urls):
    mock_all()
    mock_indicator_sources(arcep_header=("elig_thd30", "elig_thd_30m"))
    out, error = run()
    assert error == "format à vérifier ou source injoignable : arcep"
    line = next(line for line in out.splitlines() if line.startswith("arcep :"))
    assert "FORMAT CHANGÉ" in line and "« elig_thd30 »" in line and "elig_thd_30m" in line
    assert "https://www.data.gouv.fr/datasets/ma-connexion-internet" in line


def test_a_source_without_a_probe_is_downloaded_aside_and_its_fields_checked(settings, monkeypatch, db):
    """A source of another branch joins through the registry alone: its client's fetch and its importer's
    REQUIRED are enough (its files land in a temporary folder, never in the raw cache)."""
    import types

    from communes import sources
    from communes.sources.download import raw_dir

    settings.OSEZ_DEPARTEMENTS = ["10"]

    def fetch(departements):
        folder = raw_dir("nouvelle-source")
        folder.mkdir(parents=True)
        (folder / "valeurs-10.csv").write_text("code_insee;valeur_v2\n10387;1\n", encoding="utf-8")

    monkeypatch.setattr(sources, "SOURCE_SLUGS", ("nouvelle-source",))
    monkeypatch.setattr(sources, "client", lambda slug: types.SimpleNamespace(fetch=fetch))
    monkeypatch.setattr(
        sources, "importer", lambda slug: types.SimpleNamespace(REQUIRED=["code_insee", "valeur"])
    )
    out, error = run()
    assert "nouvelle-source : FORMAT CHANGÉ" in out and "« valeur »" in out and "valeur_v2" in out
    assert "nouvelle-source" in error
    assert not (settings.OSEZ_RAW_DIR / "nouvelle-source").exists()
