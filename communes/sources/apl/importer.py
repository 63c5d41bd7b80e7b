"""Reads the DREES APL workbook: consultations of general practitioners accessible per year and per
standardised inhabitant, per commune, from the newest "APL <year>" sheet.

The layout (DREES workbooks 2022–2024): a few title and note rows, the header row starting with
"Code commune INSEE", a row of units under it, one row per commune (codes as text), notes at the end.
Columns are found by their header (matched on a prefix: the published headers carry trailing spaces),
and the unit row must still announce consultations: a producer changing the unit under the same header
would otherwise change what the figure means. Paris, Lyon and Marseille come as arrondissements: their
commune gets the mean weighted by the standardised population, as the DREES documents it.
"""

import re
import zipfile
from datetime import date

from communes.text import fold

from ..download import file_checksum
from ..errors import FormatDrift, MissingRawFile, SourceError
from ..files import check_head, documentation_url
from ..indicators import commune_refs, ensure_indicators
from ..indicators import publish as publish  # the shared rules of every indicator source
from ..rows import (
    ARRONDISSEMENT_COUNT,
    ARRONDISSEMENTS,
    COMMUNE_CODE,
    IndicatorBatch,
    commune_code,
    departement_of,
    to_float,
)
from .client import LABEL, raw_folder

SOURCE = "apl"
SHEET = re.compile(r"^\s*APL\s+(\d{4})\s*$", re.IGNORECASE)
MAX_APL = 100.0  # consultations per year and inhabitant: real values stay far below (a few reach 40)
# column → how its (folded) header starts; "apl" must match exactly, the others on a prefix
COLUMNS = {
    "apl": "apl aux medecins generalistes",
    "apl65": "apl aux medecins generalistes de 65",
    "apl62": "apl aux medecins generalistes de 62",
    "apl60": "apl aux medecins generalistes de 60",
    "population_standardisee": "population standardisee",
    "population": "population totale",
}
REQUIRED = ("apl", "apl65")
LABELS = {"apl": "APL aux médecins généralistes", "apl65": "APL aux médecins généralistes de 65 ans"}
# ``check_sources`` compares the column keys found in the newest sheet's header (see ``header_fields``).
FORMATS = {LABEL: list(REQUIRED)}


def _sheet_year(name):
    match = SHEET.match(name)
    return int(match.group(1)) if match else None


def _open(path):
    from openpyxl import load_workbook

    with open(path, "rb") as fh:
        head = fh.read(4096)
    check_head(head, path.name, text=False)
    if not head.startswith(b"PK\x03\x04"):
        raise SourceError(f"{path.name} n'est pas un classeur Excel (.xlsx) : contenu inattendu")
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError) as exc:
        raise SourceError(f"{path.name} : classeur illisible ou tronqué ({exc})") from exc


def input_file():
    """The cached workbook holding the newest vintage (the newest file when two hold the same)."""
    folder = raw_folder()
    paths = sorted(folder.glob("*.xlsx")) if folder.is_dir() else []
    if not paths:
        raise MissingRawFile(f"aucun classeur APL (.xlsx) dans {folder}")
    if len(paths) == 1:
        return paths[0]
    ranked = []
    for path in paths:
        try:
            workbook = _open(path)
        except SourceError:
            continue
        years = [y for y in map(_sheet_year, workbook.sheetnames) if y]
        workbook.close()
        ranked.append((max(years, default=0), path.stat().st_mtime, path))
    if not ranked:
        raise SourceError(f"aucun classeur APL lisible dans {folder}")
    return max(ranked)[2]


def _columns(header):
    folded = [fold(str(cell or "")) for cell in header]
    found = {}
    for key, start in COLUMNS.items():
        for position, name in enumerate(folded):
            if (name == start) if key == "apl" else name.startswith(start):
                found[key] = position
                break
    return found, folded


def read(departements, progress=None):
    ensure_indicators(SOURCE)
    departements = tuple(departements)
    batch = IndicatorBatch(departements=departements)
    refs = commune_refs(departements, batch)
    path = input_file()
    workbook = _open(path)
    try:
        sheets = [(y, name) for name in workbook.sheetnames if (y := _sheet_year(name))]
        if not sheets:
            raise FormatDrift(
                f"{path.name} : aucune feuille « APL <année> » (feuilles : {', '.join(workbook.sheetnames)}) — "
                f"documentation : {documentation_url(SOURCE)}",
                missing=["APL <année>"], documentation=documentation_url(SOURCE),
            )  # fmt: skip
        year, sheet_name = max(sheets)
        rows = _read_sheet(workbook[sheet_name], path.name, departements, batch, progress)
    finally:
        workbook.close()
    rows = _merge_arrondissements(rows, refs, batch)
    vintage = f"DREES, APL {year}"
    for code, row in rows.items():
        if code not in refs:
            batch.reject(row["line"], f"commune inconnue du référentiel : {code}", code, keys=())
            continue
        attributes = {
            "annee": year,
            "population_standardisee": row.get("population_standardisee"),
            "apl_62_ans_ou_moins": row.get("apl62"),
            "apl_60_ans_ou_moins": row.get("apl60"),
        }
        if row.get("calcul"):
            attributes["calcul"] = row["calcul"]
        population = row.get("population")
        count = round(population) if population is not None else None
        for slug, key in (("apl-generalistes", "apl"), ("apl-generalistes-65", "apl65")):
            value = row.get(key)
            batch.add_value(
                row["line"], commune=code, indicator=slug, value=round(value, 2) if value is not None else None,
                count=count, attributes={k: v for k, v in attributes.items() if v is not None}, vintage=vintage,
                data_date=date(year, 12, 31),
            )  # fmt: skip
    batch.vintage = vintage
    batch.data_date = date(year, 12, 31)
    batch.note(f"feuille « {sheet_name} » de {path.name}")
    batch.checksum = file_checksum(path)
    return batch


def _find_header(rows):
    """(line, column keys → positions, folded header) of the "Code commune INSEE" row among the first 50."""
    for line, cells in enumerate(rows, start=1):
        if cells and fold(str(cells[0] or "")) == "code commune insee":
            columns, folded = _columns(cells)
            return line, columns, folded
        if line > 50:
            break
    return None, None, None


def header_fields(path):
    """(column keys found, data rows) of the newest "APL <year>" sheet: what ``check_sources`` compares."""
    workbook = _open(path)
    try:
        sheets = [(y, name) for name in workbook.sheetnames if (y := _sheet_year(name))]
        if not sheets:
            return set(workbook.sheetnames), 0
        rows = workbook[max(sheets)[1]].iter_rows(values_only=True)
        _line, columns, folded = _find_header(rows)
        if columns is None:
            return set(), 0
        count = sum(1 for cells in rows if cells and COMMUNE_CODE.match(commune_code(cells[0])))
        return {*columns, *filter(None, folded)}, count
    finally:
        workbook.close()


def _read_sheet(sheet, file_name, departements, batch, progress):
    found = {}  # commune → (row, line), None after a conflict
    iterator = sheet.iter_rows(values_only=True)
    header_line, columns, folded = _find_header(iterator)
    documentation = documentation_url(SOURCE)
    if columns is None:
        raise FormatDrift(
            f"{file_name} : en-tête « Code commune INSEE » introuvable dans la feuille {sheet.title} — le format "
            f"publié a changé ? Documentation : {documentation}",
            missing=["Code commune INSEE"], documentation=documentation,
        )  # fmt: skip
    missing = [key for key in REQUIRED if key not in columns]
    if missing:
        raise FormatDrift(
            f"{file_name} : le format de la source a changé — colonne(s) obligatoire(s) absente(s) : "
            f"{', '.join(f'« {LABELS[key]}… »' for key in missing)} (colonnes trouvées : "
            f"{', '.join(f for f in folded if f)}) — documentation : {documentation}",
            missing=missing, closest=[f for f in folded if f], documentation=documentation,
        )  # fmt: skip
    width = len(folded)
    for line, cells in enumerate(iterator, start=header_line + 1):
        if progress:
            progress(1)
        first = cells[0] if cells else None
        if first is None or str(first).strip() == "":
            unit = cells[columns["apl"]] if cells and len(cells) > columns["apl"] else None
            if unit and "consultation" not in fold(str(unit)):
                raise SourceError(
                    f"{file_name} : l'unité annoncée a changé (« {unit} » au lieu de consultations par habitant) "
                    "— chargement bloqué, les données publiées sont conservées"
                )
            continue  # the units row, or a blank row
        code = commune_code(first)
        if not COMMUNE_CODE.match(code):
            if re.fullmatch(r"\d[0-9A-Z]{3,5}", code):  # looks like a damaged code, not a note
                batch.total_rows += 1
                batch.reject(line, f"code commune illisible : {first!r}")
            continue  # a note or a total under the table
        if departement_of(code) not in departements:
            continue
        batch.total_rows += 1
        parent = ARRONDISSEMENTS.get(code, code)
        keys = [(parent, "apl-generalistes"), (parent, "apl-generalistes-65")]
        if len(cells) < width:
            batch.reject(line, f"{len(cells)} cellules au lieu de {width}", code, keys=keys)
            continue
        try:
            row = {key: to_float(cells[position]) for key, position in columns.items()}
        except ValueError as exc:
            batch.reject(line, f"valeur invalide : {exc}", code, keys=keys)
            continue
        out_of_range = [
            k for k in ("apl", "apl65", "apl62", "apl60") if not 0 <= (row.get(k) or 0) <= MAX_APL
        ]
        if out_of_range or any((row.get(k) or 0) < 0 for k in ("population", "population_standardisee")):
            batch.reject(
                line,
                f"valeur hors plage plausible ({', '.join(out_of_range) or 'population'})",
                code,
                keys=keys,
            )
            continue
        batch.one_row_per_key(found, code, row, line, keys=keys)
    return {code: {**row, "line": line} for code, kept in found.items() if kept for row, line in [kept]}


def _merge_arrondissements(rows, refs, batch):
    """Paris, Lyon, Marseille: the mean of their arrondissements weighted by standardised population."""
    merged = {code: row for code, row in rows.items() if code not in ARRONDISSEMENTS}
    parts = {}
    for code, row in rows.items():
        if code in ARRONDISSEMENTS:
            parts.setdefault(ARRONDISSEMENTS[code], []).append(row)
    for parent, pieces in parts.items():
        if parent in merged or parent not in refs:
            continue
        weights = [p.get("population_standardisee") for p in pieces]
        if len(pieces) != ARRONDISSEMENT_COUNT[parent] or any(not w for w in weights):
            batch.skip("arrondissements incomplets ou sans population standardisée", len(pieces))
            continue
        total = sum(weights)
        row = {"line": pieces[0]["line"], "calcul": f"moyenne pondérée de {len(pieces)} arrondissements",
               "population_standardisee": total,
               "population": sum(p.get("population") or 0 for p in pieces) or None}  # fmt: skip
        for key in ("apl", "apl65", "apl62", "apl60"):
            values = [p.get(key) for p in pieces]
            row[key] = (
                None if None in values else sum(v * w for v, w in zip(values, weights, strict=True)) / total
            )
        merged[parent] = row
    return merged
