"""Commune indicators read from the publishers' real files (../shared/data/real-samples/extras), laid out
in a temporary raw cache under the contract's names; expected figures are computed here from the sample
with the rules each importer documents."""

import csv
import json
import shutil
import statistics
from collections import defaultdict

import pytest
from openpyxl import Workbook

from communes.enums import IndicatorLevel
from communes.models import EPCI, Commune, CommuneIndicator, ImportRecord, Indicator, Layer, Place, Source

from .indicator_helpers import REAL, indicator_snapshot, load_registry, refresh, registry_records, values

pytestmark = [pytest.mark.django_db, pytest.mark.shared_data]


# --- CNAF -----------------------------------------------------------------------------------------


def caf_sample():
    return json.loads((REAL / "caf" / "cnaf-petite-enfance-com-sample.json").read_text(encoding="utf-8"))


def lay_out_caf(raw, epci_places, epci_rates, sample=None):
    """The sample's commune rows as the two commune-level exports; the EPCI-level exports given."""
    sample = sample or caf_sample()
    folder = raw / "caf"
    folder.mkdir(parents=True, exist_ok=True)
    for name, records in (("nbpla_pe_com", sample["nbpla"]), ("txcouv_pe_com", sample["txcouv"]),
                          ("nbpla_pe_epci", epci_places), ("txcouv_pe_epci", epci_rates)):  # fmt: skip
        (folder / f"{name}.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")


def epci_rows(codes, year=2023):
    """EPCI-level records with the CNAF's documented keys (numepci, nomepci, *_epci); values invented here:
    the real-samples folder holds no EPCI file. The "XX" placeholder is there as in the real export."""
    places, rates = [], []
    for i, code in enumerate(sorted(codes)):
        places.append({"annee": year, "numepci": code, "nomepci": f"EPCI {code}", "pl_eaje_epci": 100.0 + i,
                       "pl_am_ind_epci": 50 + i, "tot_offre_epci": 170 + i, "pl_gad_ind_epci": 3})  # fmt: skip
        rates.append({"annee": year, "numepci": code, "nomepci": f"EPCI {code}", "txcouv_epci": 40.0 + i})
    places.append({"annee": year, "numepci": "XX", "nomepci": "XX", "pl_eaje_epci": 9.0, "pl_am_ind_epci": 9,
                   "tot_offre_epci": 15})  # fmt: skip
    rates.append({"annee": year, "numepci": "XX", "nomepci": "XX", "txcouv_epci": 195.8})
    return places, rates


def test_caf_publishes_communes_where_measured_and_their_epci_elsewhere(settings):
    deps = ["13", "92"]
    raw = settings.OSEZ_RAW_DIR
    load_registry(raw, deps)
    epcis = set(Commune.objects.exclude(epci=None).values_list("epci_id", flat=True))
    places, rates = epci_rows(epcis)
    lay_out_caf(raw, places, rates)
    outcome = refresh("caf", deps)
    assert outcome.ok, outcome.summary()
    sample = caf_sample()
    registry = {r["code"] for dep in deps for r in registry_records(dep)}

    # Communes the CNAF measures on their own: their figures, as published (402.0 places are 402).
    measured = {r["numcom"]: r for r in sample["nbpla"] if r["numcom"] in registry}
    assert measured, "the sample holds communes of the registry"
    for code, row in measured.items():
        item = CommuneIndicator.objects.get(commune_id=code, indicator_id="caf-places-creches")
        assert item.level == IndicatorLevel.COMMUNE and item.value == float(row["pl_eaje_com"])
        assert item.territory_code == code
        assert values("caf")[(code, "caf-places-assistantes-maternelles")][0] == row["pl_am_ind_com"]
        assert values("caf")[(code, "caf-places-total")][0] == row["tot_offre_com"]
    rates_by_code = {r["numcom"]: r for r in sample["txcouv"]}
    for code in measured:
        assert values("caf")[(code, "caf-taux-couverture")][0] == rates_by_code[code]["txcouv_com"]

    # Everywhere else the page can say "mesuré sur <EPCI>": code and the registry's name are kept.
    epci_places = {p["numepci"]: p for p in places}
    others = Commune.objects.exclude(code_insee__in=measured).exclude(epci=None)
    for commune in others:
        item = CommuneIndicator.objects.get(commune=commune, indicator_id="caf-places-creches")
        assert item.level == IndicatorLevel.EPCI
        assert item.territory_code == commune.epci_id
        assert item.territory_name == EPCI.objects.get(pk=commune.epci_id).name
        assert item.value == epci_places[commune.epci_id]["pl_eaje_epci"]
    # Marseille comes as its 1st arrondissement only: incomplete, so the city takes its EPCI's figures.
    assert CommuneIndicator.objects.get(commune_id="13055", indicator_id="caf-places-total").level == "epci"
    per_indicator = len(measured) + others.count()
    assert CommuneIndicator.objects.filter(indicator__source_id="caf").count() == 4 * per_indicator
    # The "XX" placeholder (a national maximum of 195.8) is nobody's figure.
    assert not CommuneIndicator.objects.filter(value=195.8).exists()

    record = outcome.record
    assert record.rejected == 0 and record.data_vintage == "CNAF 2023"
    assert str(record.data_date) == "2023-12-31"
    source = Source.objects.get(slug="caf")
    assert source.data_vintage == "CNAF 2023" and source.published_every.days == 365
    assert Indicator.objects.get(slug="caf-taux-couverture").unit == "places / 100 enfants de moins de 3 ans"

    before = indicator_snapshot("caf")
    again = refresh("caf", deps).record
    assert (again.created, again.updated, again.deactivated) == (0, 0, 0)
    assert again.unchanged == 4 * per_indicator
    assert indicator_snapshot("caf") == before


def test_caf_reads_the_newest_year_and_adds_up_complete_arrondissements(settings):
    deps = ["75"]
    raw = settings.OSEZ_RAW_DIR
    load_registry(raw, deps)
    paris_epci = Commune.objects.get(code_insee="75056").epci_id
    places, rates = epci_rows({paris_epci})
    arrondissements = [
        {"annee": year, "numcom": f"751{n:02d}", "nomcom": f"PARIS {n}E", "pl_eaje_com": 100.0 * n,
         "pl_am_ind_com": n, "tot_offre_com": 200 * n}
        for n in range(1, 21) for year in (2022, 2023)
    ]  # fmt: skip
    rates_com = [
        {"annee": 2023, "numcom": f"751{n:02d}", "nomcom": "", "txcouv_com": 50.0} for n in range(1, 21)
    ]
    lay_out_caf(raw, places, rates, {"nbpla": arrondissements, "txcouv": rates_com})
    outcome = refresh("caf", deps)
    assert outcome.ok, outcome.summary()
    total = CommuneIndicator.objects.get(commune_id="75056", indicator_id="caf-places-total")
    assert total.level == "commune" and total.value == sum(200 * n for n in range(1, 21))
    assert total.attributes["calcul"] == "somme de 20 arrondissements"
    # A rate cannot be added up: Paris shows its EPCI's rate, and says it is the EPCI's.
    rate = CommuneIndicator.objects.get(commune_id="75056", indicator_id="caf-taux-couverture")
    assert rate.level == "epci" and rate.territory_code == paris_epci


# --- ARCEP ----------------------------------------------------------------------------------------

ARCEP_SAMPLE = REAL / "arcep" / "arcep-mci-2026t1-debit-filaire-sample.csv"


def arcep_rows():
    with ARCEP_SAMPLE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def expected_share(part, total):
    value = round(100 * part / total, 1)
    return 99.9 if value == 100 and part < total else value


def test_arcep_publishes_the_share_of_premises_per_wired_speed_class(settings):
    rows = arcep_rows()
    deps = sorted({r["code_dep"] for r in rows})
    raw = settings.OSEZ_RAW_DIR
    load_registry(raw, deps)
    (raw / "arcep").mkdir()
    shutil.copy(ARCEP_SAMPLE, raw / "arcep" / "commune_debit_filaire.csv")
    outcome = refresh("arcep", deps)
    assert outcome.ok, outcome.summary()
    published = values("arcep")
    columns = {"arcep-bon-haut-debit": "elig_bhd8", "arcep-thd-30": "elig_thd30", "arcep-thd-100": "elig_thd100",
               "arcep-thd-1g": "elig_thd1g"}  # fmt: skip
    assert len(published) == len(rows) * len(columns)
    for row in rows:
        for slug, column in columns.items():
            assert published[(row["code_insee"], slug)] == (
                expected_share(int(row[column]), int(row["nbr"])),
                int(row["nbr"]),
            ), (row["code_insee"], slug)
    # Paris: 1,648,916 of 1,667,292 premises at 1 Gbit/s is 98.9 %, and 99.96 % never reads 100 %.
    assert published[("75056", "arcep-bon-haut-debit")][0] == 99.9
    assert outcome.record.data_vintage == "Arcep, Ma connexion internet T1 2026 (filaire)"
    assert str(outcome.record.data_date) == "2026-03-31"


def test_arcep_national_file_is_filtered_to_the_configured_departements(settings):
    raw = settings.OSEZ_RAW_DIR
    load_registry(raw, ["29"])
    (raw / "arcep").mkdir()
    shutil.copy(ARCEP_SAMPLE, raw / "arcep" / "commune_debit_filaire.csv")
    outcome = refresh("arcep", ["29"])
    assert outcome.ok
    in_29 = [r for r in arcep_rows() if r["code_dep"] == "29"]
    assert outcome.record.total_rows == len(in_29) and outcome.record.rejected == 0
    assert {c for c, _ in values("arcep")} == {r["code_insee"] for r in in_29}


# --- DVF ------------------------------------------------------------------------------------------

DVF_SAMPLE = REAL / "dvf" / "dvf-75113-2024-sample.csv"


def dvf_expected(path):
    """Median €/m² and number of sales per type, from the sample, by the documented rules."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    sales = defaultdict(list)
    for row in rows:
        sales[row["id_mutation"]].append(row)
    prices = {"Maison": [], "Appartement": []}
    for lines in sales.values():
        dwellings = {(r["type_local"], r["surface_reelle_bati"]) for r in lines if r["type_local"] in prices}
        shops = [r for r in lines if r["type_local"] not in ("Maison", "Appartement", "Dépendance", "")]
        if (
            lines[0]["nature_mutation"] != "Vente"
            or shops
            or len(dwellings) != 1
            or not lines[0]["valeur_fonciere"]
        ):
            continue
        ((kind, surface),) = dwellings
        prices[kind].append(float(lines[0]["valeur_fonciere"]) / float(surface))
    return prices, len(rows)


def lay_out_dvf(raw, years=(2024,)):
    (raw / "dvf").mkdir(exist_ok=True)
    for year in years:
        shutil.copy(DVF_SAMPLE, raw / "dvf" / f"dvf-75-{year}.csv")


def test_dvf_median_per_m2_counts_one_sale_per_mutation(settings):
    settings.OSEZ_DVF_YEARS = [2024]
    settings.OSEZ_DVF_MIN_SALES = 2
    raw = settings.OSEZ_RAW_DIR
    load_registry(raw, ["75"])
    lay_out_dvf(raw)
    outcome = refresh("dvf", ["75"])
    assert outcome.ok, outcome.summary()
    prices, lines = dvf_expected(DVF_SAMPLE)
    # The sample's traps: the flat without coordinates counts, the empty price and the exchange do not,
    # the flat sold with a shop does not, a flat with its cellar counts once.
    assert len(prices["Appartement"]) == 4 and len(prices["Maison"]) == 2
    published = values("dvf")
    assert published[("75056", "dvf-prix-m2-appartements")] == (
        round(statistics.median(prices["Appartement"])),
        4,
    )
    assert published[("75056", "dvf-prix-m2-maisons")] == (round(statistics.median(prices["Maison"])), 2)
    record = outcome.record
    assert record.total_rows == lines and record.rejected == 0
    assert record.data_vintage == "DVF 2024"
    assert "Echange" in record.message and "prix absent" in record.message


def test_dvf_median_is_hidden_below_the_minimum_number_of_sales(settings):
    settings.OSEZ_DVF_YEARS = [2024]
    settings.OSEZ_DVF_MIN_SALES = 5
    raw = settings.OSEZ_RAW_DIR
    load_registry(raw, ["75"])
    lay_out_dvf(raw)
    assert refresh("dvf", ["75"]).ok
    flats = CommuneIndicator.objects.get(commune_id="75056", indicator_id="dvf-prix-m2-appartements")
    assert flats.value is None and flats.count == 4
    assert flats.attributes == {"periode": "2024", "ventes": 4, "ventes_minimum": 5}


def test_dvf_reads_the_newest_three_years_of_the_cache_and_pools_them(settings):
    settings.OSEZ_DVF_MIN_SALES = 5
    raw = settings.OSEZ_RAW_DIR
    load_registry(raw, ["75"])
    lay_out_dvf(raw, years=(2021, 2022, 2023))
    for year in (2022, 2023):  # each year's file holds that year's sales
        path = raw / "dvf" / f"dvf-75-{year}.csv"
        path.write_text(path.read_text(encoding="utf-8").replace(",2024-", f",{year}-"), encoding="utf-8")
    path = raw / "dvf" / "dvf-75-2021.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",2024-", ",2021-"), encoding="utf-8")
    outcome = refresh("dvf", ["75"])
    assert outcome.ok, outcome.summary()
    assert outcome.record.data_vintage == "DVF 2021–2023"
    prices, _lines = dvf_expected(DVF_SAMPLE)
    flats = CommuneIndicator.objects.get(commune_id="75056", indicator_id="dvf-prix-m2-appartements")
    assert flats.count == 3 * len(prices["Appartement"])
    assert flats.value == round(statistics.median(prices["Appartement"] * 3))


def test_dvf_refuses_a_half_year_file_as_a_complete_year(settings):
    settings.OSEZ_DVF_YEARS = [2024]
    raw = settings.OSEZ_RAW_DIR
    load_registry(raw, ["75"])
    lay_out_dvf(raw)
    path = raw / "dvf" / "dvf-75-2024.csv"
    text = path.read_text(encoding="utf-8")
    for month in ("08", "09", "11"):
        text = text.replace(f",2024-{month}-", ",2024-03-")
    path.write_text(text, encoding="utf-8")
    outcome = refresh("dvf", ["75"])
    assert not outcome.ok and "incomplète" in outcome.record.message


# --- carte scolaire -------------------------------------------------------------------------------

CARTE = REAL / "carte-scolaire" / "fr-en-carte-scolaire-colleges-publics.csv"


def carte_expected(registry):
    with CARTE.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    by_commune = defaultdict(list)
    for row in rows:
        by_commune[row["code_insee"]].append(row)
    unique = {
        code: lines[0]["Code_RNE"]
        for code, lines in by_commune.items()
        if code in registry
        and {r["Secteur_unique"] for r in lines} == {"O"}
        and len({r["Code_RNE"] for r in lines}) == 1
    }
    unknown = sum(len(lines) for code, lines in by_commune.items() if code not in registry)
    return unique, unknown, len(rows)


def test_carte_scolaire_names_the_college_where_the_whole_commune_has_one(settings):
    raw = settings.OSEZ_RAW_DIR
    load_registry(raw, ["35"])
    registry = {r["code"] for r in registry_records("35")}
    unique, unknown, total = carte_expected(registry)
    # Two collèges of the file are published by the Annuaire: those communes link to their place.
    linked = sorted(set(unique.values()))[:2]
    for i, uai in enumerate(linked):
        commune = Commune.objects.get(code_insee=next(c for c, u in unique.items() if u == uai))
        Place.objects.create(layer=Layer.objects.get(slug="colleges"), source=Source.objects.get(slug="ecoles"),
                             source_ref=uai, name=f"Collège {i}", commune=commune)  # fmt: skip
    (raw / "carte-scolaire").mkdir()
    shutil.copy(CARTE, raw / "carte-scolaire" / "carte-scolaire-colleges-35.csv")
    outcome = refresh("carte-scolaire", ["35"])
    assert outcome.ok, outcome.summary()
    published = {
        c: (text, attrs["uai"], place)
        for c, text, attrs, place in CommuneIndicator.objects.filter(indicator_id="college-secteur").values_list(
            "commune_id", "text", "attributes", "place_id"
        )
    }  # fmt: skip
    assert set(published) == set(unique)
    for code, uai in unique.items():
        text, published_uai, place = published[code]
        assert published_uai == uai
        if uai in linked:
            assert place == Place.objects.get(source_ref=uai).pk and text.startswith("Collège ")
        else:
            assert place is None and text == uai
    # Redon's sector is shared by two collèges: no single collège is named there.
    assert "35236" not in published
    record = outcome.record
    assert record.total_rows == total and record.rejected == unknown
    assert all("commune inconnue" in r["raison"] for r in record.rejected_rows)


# --- DREES APL ------------------------------------------------------------------------------------

UNIT = "En nombre de consultations/visites accessibles par an par habitant standardisé"
APL_HEADER = ["Code commune INSEE", "Commune", "APL aux médecins généralistes ",
              "APL aux médecins généralistes de 65 ans ou moins ", "APL aux médecins généralistes de 62 ans ou moins",
              "APL aux médecins généralistes de 60 ans ou moins",
              "Population standardisée 2022 pour la médecine générale", "Population totale 2022"]  # fmt: skip


def apl_workbook(path, rows_by_year, unit=UNIT, header=APL_HEADER):
    """A workbook in the DREES layout: title and note rows, the header on row 9, a units row, the communes,
    notes under the table (the layout of the 2022–2024 workbooks, as their public readers document it)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for year, rows in rows_by_year.items():
        sheet = workbook.create_sheet(f"APL {year}")
        for row in ([f"Indicateur d'accessibilité potentielle localisée (APL) {year}"], [], [f"Millésime : {year}"],
                    ["Sources : SNIIR-AM, INSEE"], ["Champ : France hors Mayotte"], ["Lecture : …"],
                    ["Note : pondérer par la population standardisée"], []):  # fmt: skip
            sheet.append(row)
        sheet.append(header)
        sheet.append([None, None, unit, unit, unit, unit, "En nombre d'habitants standardisés", None])
        for row in rows:
            sheet.append(row)
        sheet.append([])
        sheet.append(["Total", None, 3.4, 3.1, 3.0, 2.9, 1, 1])
        sheet.append(["Source : DREES"])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def test_apl_reads_the_newest_sheet_and_weights_arrondissements(settings):
    raw = settings.OSEZ_RAW_DIR
    load_registry(raw, ["75", "40"])
    landes = [r["code"] for r in registry_records("40")][:3]
    paris = [[f"751{n:02d}", f"Paris {n}e", 2.0 + n / 10, 1.5 + n / 10, 1.4, 1.3, 1000.0 * n, 1100 * n]
             for n in range(1, 21)]  # fmt: skip
    rows_2024 = [*paris, [landes[0], "A", 3.456, 2.9, 2.8, 2.7, 500.4, 480], [landes[1], "B", None, None, None, None, 80, 75],
                 [landes[2], "C", 1.2, 1.0, 1.0, 1.0, 60, 61]]  # fmt: skip
    apl_workbook(raw / "apl" / "Indicateur APL MG.xlsx", {2023: [[landes[0], "A", 9.9, 9.9, 9, 9, 1, 1]],
                                                           2024: rows_2024})  # fmt: skip
    outcome = refresh("apl", ["75", "40"])
    assert outcome.ok, outcome.summary()
    published = values("apl")
    assert published[(landes[0], "apl-generalistes")] == (3.46, 480)
    assert published[(landes[0], "apl-generalistes-65")] == (2.9, 480)
    assert published[(landes[1], "apl-generalistes")] == (None, 75)  # the row, without a figure
    weights = [1000.0 * n for n in range(1, 21)]
    expected = sum((2.0 + n / 10) * w for n, w in zip(range(1, 21), weights, strict=True)) / sum(weights)
    paris_apl = CommuneIndicator.objects.get(commune_id="75056", indicator_id="apl-generalistes")
    assert paris_apl.value == round(expected, 2) and paris_apl.count == sum(1100 * n for n in range(1, 21))
    assert paris_apl.attributes["calcul"] == "moyenne pondérée de 20 arrondissements"
    assert outcome.record.data_vintage == "DREES, APL 2024" and outcome.record.rejected == 0
    assert outcome.record.total_rows == len(rows_2024)


def test_apl_refuses_a_workbook_whose_unit_changed(settings):
    raw = settings.OSEZ_RAW_DIR
    load_registry(raw, ["40"])
    code = registry_records("40")[0]["code"]
    apl_workbook(raw / "apl" / "apl.xlsx", {2024: [[code, "A", 3.0, 2.5, 2, 2, 10, 10]]},
                 unit="En équivalents temps plein pour 10 000 habitants")  # fmt: skip
    outcome = refresh("apl", ["40"])
    assert not outcome.ok and "unité" in outcome.record.message
    assert not CommuneIndicator.objects.exists()


def test_each_source_records_its_import_with_the_data_vintage(settings):
    raw = settings.OSEZ_RAW_DIR
    load_registry(raw, ["29"])
    (raw / "arcep").mkdir()
    shutil.copy(ARCEP_SAMPLE, raw / "arcep" / "commune_debit_filaire.csv")
    assert refresh("arcep", ["29"]).ok
    record = ImportRecord.objects.filter(source_id="arcep").latest()
    assert record.data_vintage.startswith("Arcep") and record.checksum
