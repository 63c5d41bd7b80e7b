"""The commune-indicator clients: what they ask the publishers (HTTP mocked with respx), where they store it,
and the answers they refuse without touching the cache."""

import json
from datetime import date

import httpx
import pytest
import respx

from communes.sources.apl import client as apl_client
from communes.sources.arcep import client as arcep_client
from communes.sources.caf import client as caf_client
from communes.sources.carte_scolaire import client as carte_client
from communes.sources.dvf import client as dvf_client
from communes.sources.dvf import last_complete_years
from communes.sources.errors import NetworkError, SourceError

from .conftest import SAMPLES


@pytest.fixture
def urls(settings):
    settings.OSEZ_SOURCE_URLS = {
        **settings.OSEZ_SOURCE_URLS,
        "caf": "https://caf.test",
        "arcep": "https://arcep.test/statistiques/last/commune/commune_debit_filaire.csv",
        "dvf": "https://dvf.test/geo-dvf/latest/csv/{year}/departements/{dep}.csv.gz",
        "carte-scolaire": "https://education.test",
        "apl": "https://datagouv.test/api/1/datasets/apl/",
    }
    settings.OSEZ_SOURCE_TIMEOUT = 2.0
    settings.OSEZ_DVF_YEARS = [2023, 2024, 2025]
    return settings.OSEZ_SOURCE_URLS


def caf_routes(exports):
    for dataset in caf_client.DATASETS:
        records = exports.get(dataset, [{"annee": 2023}])
        api = f"https://caf.test/api/explore/v2.1/catalog/datasets/{dataset}"
        respx.get(f"{api}/records").mock(return_value=httpx.Response(200, json={"total_count": len(records)}))
        respx.get(f"{api}/exports/json").mock(return_value=httpx.Response(200, json=records))


@respx.mock
def test_caf_downloads_each_dataset_under_its_id(urls):
    places = json.loads((SAMPLES / "caf" / "nbpla_pe_com.json").read_text(encoding="utf-8"))
    caf_routes({"nbpla_pe_com": places})
    assert caf_client.fetch(["10"]) == 4
    assert json.loads(caf_client.raw_file("nbpla_pe_com").read_text(encoding="utf-8")) == places
    assert sorted(
        p.name for p in caf_client.raw_file("x").parent.glob("*_pe_*.json") if "meta" not in p.name
    ) == sorted(f"{d}.json" for d in caf_client.DATASETS)


@respx.mock
def test_caf_export_shorter_than_announced_is_refused_and_the_cache_kept(urls):
    caf_routes({})
    caf_client.fetch(["10"])
    kept = caf_client.raw_file("nbpla_pe_epci").read_bytes()
    api = "https://caf.test/api/explore/v2.1/catalog/datasets/nbpla_pe_epci"
    respx.get(f"{api}/records").mock(return_value=httpx.Response(200, json={"total_count": 1251}))
    respx.get(f"{api}/exports/json").mock(return_value=httpx.Response(200, json=[{"annee": 2023}] * 300))
    with pytest.raises(SourceError, match="300 enregistrements reçus sur 1251"):
        caf_client.fetch(["10"])
    assert caf_client.raw_file("nbpla_pe_epci").read_bytes() == kept
    assert not list(caf_client.raw_file("x").parent.glob(".*"))  # no temporary file left behind


@respx.mock
def test_caf_html_page_with_status_200_never_replaces_the_cache(urls):
    caf_routes({})
    caf_client.fetch(["10"])
    api = "https://caf.test/api/explore/v2.1/catalog/datasets/nbpla_pe_com"
    respx.get(f"{api}/exports/json").mock(
        return_value=httpx.Response(200, text="<html><body>Maintenance</body></html>",
                                    headers={"content-type": "text/html"})
    )  # fmt: skip
    with pytest.raises(SourceError, match="HTML"):
        caf_client.fetch(["10"])
    assert json.loads(caf_client.raw_file("nbpla_pe_com").read_text(encoding="utf-8")) == [{"annee": 2023}]


@respx.mock
def test_arcep_file_keeps_the_publishers_name(urls):
    body = (SAMPLES / "arcep" / "commune_debit_filaire.csv").read_bytes()
    respx.get(urls["arcep"]).mock(return_value=httpx.Response(200, content=body))
    assert arcep_client.fetch(["10"]) == 1
    assert arcep_client.raw_file().name == "commune_debit_filaire.csv"
    assert arcep_client.raw_file().read_bytes() == body


@respx.mock
def test_dvf_asks_each_departement_and_year_except_where_dvf_does_not_exist(urls):
    route = respx.get(url__regex=r"https://dvf\.test/.*").mock(
        return_value=httpx.Response(200, content=b"x,y\n1,2\n")
    )
    assert dvf_client.fetch(["10", "57"]) == 3  # no DVF in Moselle (Alsace-Moselle land register)
    assert sorted(str(call.request.url) for call in route.calls) == [
        f"https://dvf.test/geo-dvf/latest/csv/{year}/departements/10.csv.gz" for year in (2023, 2024, 2025)
    ]
    assert sorted(p.name for p in dvf_client.raw_file("10", 2023).parent.glob("dvf-*.gz")) == [
        "dvf-10-2023.csv.gz", "dvf-10-2024.csv.gz", "dvf-10-2025.csv.gz",
    ]  # fmt: skip


@respx.mock
def test_dvf_year_not_yet_published_fails_after_the_others_were_fetched(urls):
    respx.get(url__regex=r".*/2025/.*").mock(return_value=httpx.Response(404))
    respx.get(url__regex=r".*/202[34]/.*").mock(return_value=httpx.Response(200, content=b"a,b\n1,2\n"))
    with pytest.raises(NetworkError, match="404"):
        dvf_client.fetch(["10"])
    assert dvf_client.raw_file("10", 2024).exists() and not dvf_client.raw_file("10", 2025).exists()


def test_dvf_downloads_the_last_three_complete_years(settings):
    settings.OSEZ_DVF_YEARS = []
    # geo-DVF publishes a complete year in its April release: in March 2026, 2025 is not out yet.
    assert last_complete_years(date(2026, 3, 15)) == [2022, 2023, 2024]
    assert last_complete_years(date(2026, 6, 1)) == [2023, 2024, 2025]


@respx.mock
def test_carte_scolaire_export_is_filtered_on_the_departement(urls):
    api = "https://education.test/api/explore/v2.1/catalog/datasets/fr-en-carte-scolaire-colleges-publics"
    respx.get(api).mock(
        return_value=httpx.Response(200, json={"metas": {"default": {"modified": "2025-09-01T10:00:00"}}})
    )
    export = respx.get(f"{api}/exports/csv").mock(
        return_value=httpx.Response(200, content=(SAMPLES / "carte-scolaire" / "carte-scolaire-colleges-10.csv").read_bytes())
    )  # fmt: skip
    assert carte_client.fetch(["10"]) == 1
    assert export.calls[0].request.url.params["where"] == "code_departement='010'"
    meta = json.loads(
        carte_client.raw_file("10").with_name("carte-scolaire-colleges-10.csv.meta.json").read_text()
    )
    assert meta["data_date"] == "2025-09-01"


@respx.mock
def test_apl_takes_the_newest_general_practitioners_workbook_of_the_dataset(urls):
    resources = [
        {"title": "APL aux sages-femmes", "format": "xlsx", "url": "https://files.test/sf.xlsx", "last_modified": "2026-07-20"},
        {"title": "APL aux médecins généralistes (2021-2023)", "format": "xlsx",
         "url": "https://files.test/old.xlsx", "last_modified": "2025-07-01"},
        {"title": "Accessibilité aux médecins généralistes", "format": "xlsx",
         "url": "https://files.test/Indicateur%20APL%20MG%202024.xlsx", "last_modified": "2026-07-22"},
        {"title": "Documentation médecins généralistes", "format": "pdf", "url": "https://files.test/doc.pdf",
         "last_modified": "2026-08-01"},
    ]  # fmt: skip
    respx.get(urls["apl"]).mock(return_value=httpx.Response(200, json={"resources": resources}))
    body = (SAMPLES / "apl" / "apl-medecins-generalistes.xlsx").read_bytes()
    respx.get("https://files.test/Indicateur%20APL%20MG%202024.xlsx").mock(
        return_value=httpx.Response(200, content=body)
    )
    assert apl_client.fetch(["10"]) == 1
    assert (apl_client.raw_folder() / "Indicateur APL MG 2024.xlsx").read_bytes() == body


@respx.mock
def test_apl_dataset_without_a_gp_workbook_says_so(urls):
    respx.get(urls["apl"]).mock(return_value=httpx.Response(200, json={"resources": []}))
    with pytest.raises(SourceError, match="aucun classeur APL"):
        apl_client.fetch(["10"])
