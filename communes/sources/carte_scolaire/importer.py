"""Reads the carte scolaire: for each commune whose whole territory is served by one public collège, that
collège (its UAI, ``Code_RNE``), linked to the collège's place when the Annuaire has published it.

A commune is served by one collège when every row of the commune says ``Secteur_unique`` = O and names
the same collège. Communes cut into street ranges (N), or whose unique sector is shared by several
collèges (the "secteurs multi-collèges" some départements set up for social mix), get no value: the
collège then depends on the address, and the page must not name one. Headers are read case-insensitively
(the labelled CSV export writes ``Code_RNE``, the JSON export ``code_rne``).
"""

import re
from datetime import date

from communes.models import Place

from ..base import MissingRawFile, combined_checksum, read_meta
from ..indicators import (
    COMMUNE_CODE,
    CsvFile,
    IndicatorBatch,
    commune_refs,
    departement_of,
    ensure_indicators,
    load_json_records,
    newest,
    normalize_code,
    publish_indicators,
    require_columns,
)
from .client import raw_file

SOURCE = "carte-scolaire"
SLUG = "college-secteur"
REQUIRED = ["code_insee", "code_rne", "secteur_unique"]
UAI = re.compile(r"^\d{7}[A-Z]$")
FLAGS = {"O": True, "OUI": True, "N": False, "NON": False}


def input_file(dep):
    path = newest([raw_file(dep), raw_file(dep, ".json")])
    if path is None:
        raise MissingRawFile(f"fichier absent du cache : {raw_file(dep)} (ni .json)")
    return path


def _rows(path):
    """(line, code, uai, flag, whole row) from a CSV or JSON file, told apart by content."""
    with open(path, "rb") as fh:
        head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"[", b"{")):
        records = load_json_records(path, SOURCE)
        records = [{str(k).lower(): v for k, v in r.items()} if isinstance(r, dict) else r for r in records]
        found = set().union(*(r.keys() for r in records if isinstance(r, dict))) if records else set()
        if records:
            require_columns(found, REQUIRED, path.name, SOURCE)
        for line, record in enumerate(records, start=1):
            if not isinstance(record, dict):
                yield line, None, None, None, None
                continue
            yield (line, record.get("code_insee"), record.get("code_rne"), record.get("secteur_unique"),
                   tuple(sorted((k, str(v)) for k, v in record.items())))  # fmt: skip
        return
    with CsvFile(path, source=SOURCE, required=REQUIRED) as csv_file:
        col = csv_file.index
        for line, fields in csv_file.rows():
            if len(fields) != csv_file.width:
                code = fields[col["code_insee"]] if col["code_insee"] < len(fields) else None
                yield line, code, None, None, len(fields)
                continue
            yield (line, fields[col["code_insee"]], fields[col["code_rne"]], fields[col["secteur_unique"]],
                   tuple(fields))  # fmt: skip


def read(departements, progress=None):
    ensure_indicators(SOURCE)
    departements = tuple(departements)
    batch = IndicatorBatch(source=SOURCE, departements=departements)
    refs = commune_refs(departements, batch)
    paths = [input_file(dep) for dep in departements]
    sectors = {}  # commune → ({flags}, {uai})
    seen_rows = set()
    for path in paths:
        for line, raw_code, raw_uai, raw_flag, whole in _rows(path):
            if progress:
                progress(1)
            code = normalize_code(raw_code)
            readable = whole is not None and bool(COMMUNE_CODE.match(code))
            if readable and departement_of(code) not in departements:
                continue
            batch.total_rows += 1
            keys = [(code, SLUG)] if readable else None
            if isinstance(whole, int):
                batch.reject(
                    line, f"{whole} champs au lieu de ceux de l'en-tête (colonne décalée ?)", code, keys
                )
                continue
            if not readable:
                batch.reject(line, f"code commune illisible : {raw_code!r}", keys=None)
                continue
            if whole in seen_rows:
                batch.reject(line, "ligne en double (comptée une fois)", code, keys=())
                continue
            seen_rows.add(whole)
            if code not in refs:
                batch.reject(line, f"commune inconnue du référentiel : {code}", code, keys=())
                continue
            uai = str(raw_uai or "").strip().upper()
            flag = FLAGS.get(str(raw_flag or "").strip().upper())
            if not UAI.match(uai):
                batch.reject(line, f"UAI du collège invalide : {raw_uai!r}", code, keys)
                continue
            if flag is None:
                batch.reject(line, f"Secteur_unique ni O ni N : {raw_flag!r}", code, keys)
                continue
            flags, uais = sectors.setdefault(code, (set(), set()))
            flags.add(flag)
            uais.add(uai)
    unique = {
        code: next(iter(uais))
        for code, (flags, uais) in sectors.items()
        if flags == {True} and len(uais) == 1
    }
    places = {
        ref: (pk, name)
        for pk, ref, name in Place.objects.filter(
            source_id="ecoles", layer_id="colleges", source_ref__in=set(unique.values()), is_active=True
        ).values_list("pk", "source_ref", "name")
    }
    vintage, data_date = _vintage(paths)
    for code, uai in unique.items():
        place_id, name = places.get(uai, (None, ""))
        batch.put(
            code, SLUG, text=name or uai, place_id=place_id, vintage=vintage, data_date=data_date,
            attributes={"uai": uai, "nom": name or None, "secteur_unique": True},
        )  # fmt: skip
    shared = len(sectors) - len(unique)
    batch.notes.append(
        f"{len(unique)} commune(s) à collège de secteur unique ({sum(1 for u in unique.values() if u in places)} "
        f"reliés à l'Annuaire), {shared} partagée(s) entre plusieurs collèges selon l'adresse"
    )
    batch.data_vintage, batch.data_date = vintage, data_date
    batch.checksum = combined_checksum(paths)
    return batch.finish()


def _vintage(paths):
    """The dataset's modification date when the download recorded it (the export itself has none)."""
    dates = []
    for path in paths:
        try:
            dates.append(date.fromisoformat(read_meta(path).get("data_modified", "")[:10]))
        except ValueError:
            continue
    if not dates:
        return "Carte scolaire des collèges publics", None
    newest_date = max(dates)
    return f"Carte scolaire des collèges publics du {newest_date:%d/%m/%Y}", newest_date


def publish(source, batch, *, force=False, progress=None):
    return publish_indicators(source, batch, force=force, progress=progress)
