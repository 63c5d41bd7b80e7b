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

from ..base import MissingRawFile, SourceError, file_checksum
from ..indicators import (
    ARRONDISSEMENT_COUNT,
    ARRONDISSEMENTS,
    COMMUNE_CODE,
    DOCUMENTATION,
    IndicatorBatch,
    check_head,
    commune_refs,
    departement_of,
    ensure_indicators,
    normalize_code,
    parse_number,
    publish_indicators,
)
from .client import raw_folder

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


def _sheet_year(name):
    match = SHEET.match(name)
    return int(match.group(1)) if match else None


def _open(path):
    from openpyxl import load_workbook

    with open(path, "rb") as fh:
        head = fh.read(4096)
    check_head(head, path.name)
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
    batch = IndicatorBatch(source=SOURCE, departements=departements)
    refs = commune_refs(departements, batch)
    path = input_file()
    workbook = _open(path)
    try:
        sheets = [(y, name) for name in workbook.sheetnames if (y := _sheet_year(name))]
        if not sheets:
            raise SourceError(
                f"{path.name} : aucune feuille « APL <année> » (feuilles : {', '.join(workbook.sheetnames)}) — "
                f"documentation : {DOCUMENTATION[SOURCE]}"
            )
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
            batch.put(
                code, slug, value=round(value, 2) if value is not None else None, count=count,
                attributes={k: v for k, v in attributes.items() if v is not None}, vintage=vintage,
                data_date=date(year, 12, 31),
            )  # fmt: skip
    batch.data_vintage = vintage
    batch.data_date = date(year, 12, 31)
    batch.notes.append(f"feuille « {sheet_name} » de {path.name}")
    batch.checksum = file_checksum(path)
    return batch.finish()


def _read_sheet(sheet, file_name, departements, batch, progress):
    rows = {}
    conflicts = set()
    iterator = sheet.iter_rows(values_only=True)
    columns = None
    header_line = 0
    for header_line, cells in enumerate(iterator, start=1):
        if cells and fold(str(cells[0] or "")) == "code commune insee":
            columns, folded = _columns(cells)
            break
        if header_line > 50:
            break
    if columns is None:
        raise SourceError(
            f"{file_name} : en-tête « Code commune INSEE » introuvable dans la feuille {sheet.title} — le format "
            f"publié a changé ? Documentation : {DOCUMENTATION[SOURCE]}"
        )
    missing = [f"« {LABELS[key]}… »" for key in REQUIRED if key not in columns]
    if missing:
        raise SourceError(
            f"{file_name} : colonne(s) obligatoire(s) absente(s) : {', '.join(missing)} (colonnes trouvées : "
            f"{', '.join(f for f in folded if f)}) — documentation : {DOCUMENTATION[SOURCE]}"
        )
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
        code = normalize_code(first)
        if not COMMUNE_CODE.match(code):
            if re.fullmatch(r"\d[0-9A-Z]{3,5}", code):  # looks like a damaged code, not a note
                batch.total_rows += 1
                batch.reject(line, f"code commune illisible : {first!r}", keys=None)
            continue  # a note or a total under the table
        if departement_of(code) not in departements:
            continue
        batch.total_rows += 1
        parent = ARRONDISSEMENTS.get(code, code)
        keys = [(parent, "apl-generalistes"), (parent, "apl-generalistes-65")]
        if len(cells) < width:
            batch.reject(line, f"{len(cells)} cellules au lieu de {width}", code, keys)
            continue
        try:
            row = {key: parse_number(cells[position]) for key, position in columns.items()}
        except ValueError as exc:
            batch.reject(line, f"valeur invalide : {exc}", code, keys)
            continue
        out_of_range = [
            k for k in ("apl", "apl65", "apl62", "apl60") if not 0 <= (row.get(k) or 0) <= MAX_APL
        ]
        if out_of_range or any((row.get(k) or 0) < 0 for k in ("population", "population_standardisee")):
            batch.reject(
                line, f"valeur hors plage plausible ({', '.join(out_of_range) or 'population'})", code, keys
            )
            continue
        row["line"] = line
        comparable = {k: v for k, v in row.items() if k != "line"}
        if code in rows:
            if {k: v for k, v in rows[code].items() if k != "line"} == comparable:
                batch.reject(line, "ligne en double (mêmes valeurs, comptée une fois)", code, keys=())
            else:
                batch.reject(line, "valeurs contradictoires pour une même commune", code, keys, rows=2)
                rows.pop(code)
                conflicts.add(code)
            continue
        if code in conflicts:
            batch.reject(line, "valeurs contradictoires pour une même commune", code, keys)
            continue
        rows[code] = row
    return rows


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


def publish(source, batch, *, force=False, progress=None):
    return publish_indicators(source, batch, force=force, progress=progress)
