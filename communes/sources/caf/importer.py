"""Reads the CNAF childcare files: places and coverage rates per commune, or per EPCI where the CNAF does
not publish the commune (communes under 10,000 inhabitants).

Each file is a national Opendatasoft export (one record per territory and year; the current datasets
hold the two newest years). Only the newest year of each file is read. Records coded "XX"/"XXX" are the
CNAF's placeholders (communes outside any EPCI, unallocated places), not territories: skipped.
Counts may be written as floats ("402.0"). Paris, Lyon and Marseille may come as arrondissements: their
places are added up when every arrondissement is present; a coverage rate cannot be added up, so
those communes take their EPCI's rate.
"""

import re
from datetime import date

from communes.enums import IndicatorLevel

from ..download import combined_checksum
from ..errors import MissingRawFile
from ..files import load_json_records, require_fields, resolve
from ..indicators import commune_refs, ensure_indicators
from ..indicators import publish as publish  # the shared rules of every indicator source
from ..rows import (
    ARRONDISSEMENT_COUNT,
    ARRONDISSEMENTS,
    COMMUNE_CODE,
    I_INDICATOR,
    IndicatorBatch,
    commune_code,
    departement_of,
    to_float,
)
from .client import PLACES_COMMUNE, PLACES_EPCI, RATES_COMMUNE, RATES_EPCI, raw_file

SOURCE = "caf"
PLACEHOLDER = re.compile(r"^X+$")
SIREN = re.compile(r"^\d{9}$")
YEAR = re.compile(r"^\s*(\d{4})")

# indicator → the CNAF column stem (the file adds _com or _epci)
PLACES = {
    "caf-places-creches": "pl_eaje",
    "caf-places-assistantes-maternelles": "pl_am_ind",
    "caf-places-total": "tot_offre",
}
RATES = {"caf-taux-couverture": "txcouv"}
# Detail kept with the total and the rate (optional columns: read when present)
PLACES_DETAIL = {
    "creches_psu": "pl_psu_col", "creches_hors_psu": "pl_hors_psu_col", "ecole_avant_3_ans": "pl_prescol",
    "assistantes_maternelles": "pl_am_ind", "garde_a_domicile": "pl_gad_ind", "accueil_individuel": "pl_ind",
    "creches": "pl_eaje",
}  # fmt: skip
RATES_DETAIL = {
    "creches": "txcouv_eaje", "creches_psu": "txcouv_psu_col", "creches_hors_psu": "txcouv_hors_psu_col",
    "ecole_avant_3_ans": "txcouv_prescol", "assistantes_maternelles": "txcouv_am_ind",
    "garde_a_domicile": "txcouv_gad_ind", "accueil_individuel": "txcouv_ind",
}  # fmt: skip
MAX_RATE = 1000.0  # places per 100 children: above 100 is real (4 EPCI), above 1000 is a broken value

LEVELS = {"commune": ("numcom", "nomcom", "com"), "epci": ("numepci", "nomepci", "epci")}


def required(level, columns):
    code_key, _name_key, suffix = LEVELS[level]
    return ["annee", code_key, *(f"{stem}_{suffix}" for stem in columns.values())]


# What each file must hold (the format drift report, and ``check_sources``).
FORMATS = {
    PLACES_COMMUNE: required("commune", PLACES),
    RATES_COMMUNE: required("commune", RATES),
    PLACES_EPCI: required("epci", PLACES),
    RATES_EPCI: required("epci", RATES),
}


class Territory:
    __slots__ = ("code", "detail", "line", "name", "values")

    def __init__(self, code, name, line, values, detail):
        self.code, self.name, self.line, self.values, self.detail = code, name, line, values, detail


def _year(value):
    match = YEAR.match(str(value if value is not None else ""))
    return int(match.group(1)) if match else None


def read_file(path, *, level, columns, detail, batch, in_scope, keys_for, on_unreadable_code):
    """The newest year's valid records of one file, by territory code; rejects counted in ``batch``."""
    code_key, name_key, suffix = LEVELS[level]
    batch.next_file()
    records = load_json_records(path)
    if not records:
        raise MissingRawFile(f"{path.name} : aucun enregistrement (jeu vidé par l'éditeur ?)")
    found = set().union(*(r.keys() for r in records if isinstance(r, dict)))
    require_fields(found, required(level, columns), path.name, SOURCE)
    years = [y for y in (_year(r.get("annee")) for r in records if isinstance(r, dict)) if y]
    if not years:
        raise MissingRawFile(f"{path.name} : aucune année lisible dans « annee »")
    year = max(years)
    found, names = {}, {}  # territory → ((values, detail), line), None after a conflict; its name
    for line, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            on_unreadable_code(line, "enregistrement qui n'est pas un objet JSON")
            continue
        raw_code = commune_code(record.get(code_key))
        if not raw_code or PLACEHOLDER.match(raw_code):
            batch.skip("territoire « XX » (pas une commune ni un EPCI)")
            continue
        code = raw_code
        if level == "commune" and not COMMUNE_CODE.match(code):
            on_unreadable_code(line, f"code commune illisible : {raw_code!r}")
            continue
        if level == "epci" and not SIREN.match(code):
            on_unreadable_code(line, f"code EPCI (SIREN) illisible : {raw_code!r}")
            continue
        if not in_scope(code):
            continue  # another département: the national file is filtered here
        record_year = _year(record.get("annee"))
        if record_year is not None and record_year != year:
            batch.skip(f"année antérieure à {year}")
            continue
        batch.total_rows += 1
        if record_year is None:
            batch.reject(line, f"année illisible : {record.get('annee')!r}", code, keys=keys_for(code))
            continue
        try:
            values = {slug: _non_negative(record.get(f"{stem}_{suffix}")) for slug, stem in columns.items()}
            extra = {k: _non_negative(record.get(f"{stem}_{suffix}")) for k, stem in detail.items()}
        except ValueError as exc:
            batch.reject(line, f"valeur invalide : {exc}", code, keys=keys_for(code))
            continue
        if "caf-taux-couverture" in values and (values["caf-taux-couverture"] or 0) > MAX_RATE:
            batch.reject(line, f"taux de couverture invraisemblable : {values['caf-taux-couverture']}", code,
                         keys=keys_for(code))  # fmt: skip
            continue
        name = str(record.get(name_key) or "").strip()
        batch.one_row_per_key(
            found, code, (values, extra), line, keys=keys_for(code), what="un même territoire"
        )
        names[code] = names.get(code) or name
    territories = {
        code: Territory(code, names[code], line, values, extra)
        for code, kept in found.items()
        if kept
        for (values, extra), line in [kept]
    }
    return year, territories


def _non_negative(value):
    number = to_float(value)
    if number is not None and number < 0:
        raise ValueError(f"{value} < 0")
    return number


def read(departements, progress=None):
    ensure_indicators(SOURCE)
    departements = tuple(departements)
    batch = IndicatorBatch(departements=departements)
    refs = commune_refs(departements, batch)
    paths = [resolve(raw_file(d)) for d in (PLACES_COMMUNE, RATES_COMMUNE, PLACES_EPCI, RATES_EPCI)]
    for path in paths:
        if not path.exists():
            raise MissingRawFile(f"fichier absent du cache : {path}")
    epcis = {ref.epci for ref in refs.values() if ref.epci}

    def on_unreadable_code(line, reason):
        # A national file: a row we cannot place may belong to any département, including ours, so it
        # counts as ours and nothing is deactivated this run.
        batch.total_rows += 1
        batch.reject(line, reason)

    def commune_in_scope(code):
        return departement_of(code) in departements

    years = {}
    vintages = {}
    own = {}  # kind → {commune code: Territory}, including those rebuilt from arrondissements
    epci_rows = {}
    for kind, commune_file, epci_file, columns, detail in (
        ("places", PLACES_COMMUNE, PLACES_EPCI, PLACES, PLACES_DETAIL),
        ("taux", RATES_COMMUNE, RATES_EPCI, RATES, RATES_DETAIL),
    ):
        slugs = list(columns)

        def commune_keys(code, slugs=slugs):
            return [(ARRONDISSEMENTS.get(code, code), slug) for slug in slugs]

        year, communes = read_file(
            raw_file(commune_file), level="commune", columns=columns, detail=detail, batch=batch,
            in_scope=commune_in_scope, keys_for=commune_keys, on_unreadable_code=on_unreadable_code,
        )  # fmt: skip
        communes = _merge_arrondissements(communes, kind, batch)
        kept_communes = {code for code, slug in batch.kept if slug in slugs}

        def epci_keys(code, slugs=slugs, communes=communes, kept=kept_communes):
            return [
                (ref.code, slug) for ref in refs.values() if ref.epci == code
                and ref.code not in communes and ref.code not in kept for slug in slugs
            ]  # fmt: skip

        epci_year, epci = read_file(
            raw_file(epci_file), level="epci", columns=columns, detail=detail, batch=batch,
            in_scope=lambda code: code in epcis, keys_for=epci_keys, on_unreadable_code=on_unreadable_code,
        )  # fmt: skip
        own[kind], epci_rows[kind] = communes, epci
        years[kind] = (year, epci_year)
        vintages[kind] = max(year, epci_year)

    epci_names = _epci_names(epcis)
    for kind, columns in (("places", PLACES), ("taux", RATES)):
        year_commune, year_epci = years[kind]
        for ref in refs.values():
            territory = own[kind].get(ref.code)
            if territory is not None:
                level, tcode, tname, year = IndicatorLevel.COMMUNE, ref.code, ref.name, year_commune
            elif ref.epci and ref.epci in epci_rows[kind]:
                territory = epci_rows[kind][ref.epci]
                level, tcode, year = IndicatorLevel.EPCI, ref.epci, year_epci
                tname = epci_names.get(ref.epci) or territory.name
            else:
                continue
            for slug in columns:
                attributes = {"annee": year}
                if slug in ("caf-places-total", "caf-taux-couverture"):
                    attributes.update({k: v for k, v in territory.detail.items() if v is not None})
                if territory.name.startswith("somme de "):
                    attributes["calcul"] = territory.name
                batch.add_value(
                    territory.line, commune=ref.code, indicator=slug, value=territory.values.get(slug), level=level,
                    territory_code=tcode, territory_name=tname, attributes=attributes, vintage=f"CNAF {year}",
                    data_date=date(year, 12, 31),
                )  # fmt: skip
    places_year, rates_year = vintages["places"], vintages["taux"]
    batch.vintage = (
        f"CNAF {places_year}"
        if places_year == rates_year
        else f"CNAF {places_year} (places), {rates_year} (taux)"
    )
    batch.data_date = date(max(places_year, rates_year), 12, 31)
    batch.finish()
    with_places = sum(1 for row in batch.rows if row[I_INDICATOR] == "caf-places-total")
    own_count = sum(1 for code in refs if code in own["places"])
    batch.note(f"{own_count} commune(s) mesurée(s) seules, {with_places - own_count} au niveau de leur EPCI")
    batch.checksum = combined_checksum(paths)
    return batch


def _merge_arrondissements(communes, kind, batch):
    """Add up the places of Paris/Lyon/Marseille arrondissements into the commune the registry knows."""
    merged = {code: t for code, t in communes.items() if code not in ARRONDISSEMENTS}
    parents = {}
    for code, territory in communes.items():
        if code in ARRONDISSEMENTS:
            parents.setdefault(ARRONDISSEMENTS[code], []).append(territory)
    for parent, parts in parents.items():
        if parent in merged:
            continue  # the commune has its own row
        if kind != "places":
            batch.skip("taux d'un arrondissement (non additionnable : taux de l'EPCI)", len(parts))
            continue
        if len(parts) != ARRONDISSEMENT_COUNT[parent]:
            batch.skip("arrondissements incomplets (places de l'EPCI)", len(parts))
            continue
        values = {
            slug: None if any(p.values[slug] is None for p in parts) else sum(p.values[slug] for p in parts)
            for slug in parts[0].values
        }
        detail = {
            key: None if any(p.detail[key] is None for p in parts) else sum(p.detail[key] for p in parts)
            for key in parts[0].detail
        }
        merged[parent] = Territory(
            parent, f"somme de {len(parts)} arrondissements", parts[0].line, values, detail
        )
    return merged


def _epci_names(codes):
    from communes.models import EPCI

    return dict(EPCI.objects.filter(code__in=codes).values_list("code", "name"))
