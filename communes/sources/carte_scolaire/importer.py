"""Reads the carte scolaire: for each commune whose whole territory is served by one public collège, that
collège (its UAI, ``Code_RNE``), linked to the collège's place when the Annuaire has published it.

A commune is served by one collège when every row of the commune says ``Secteur_unique`` = O and names
the same collège. Communes cut into street ranges (N), or whose unique sector is shared by several
collèges (the "secteurs multi-collèges" some départements set up for social mix), get no value: the
collège then depends on the address, and the page must not name one. Headers are read case-insensitively
(the labelled CSV export writes ``Code_RNE``, the JSON export ``code_rne``).
"""

import re

from communes.models import Place

from ..download import combined_checksum, read_meta
from ..errors import MissingRawFile
from ..files import CsvFile, load_json_records, require_fields, sniff_kind
from ..indicators import commune_refs, ensure_indicators, newest
from ..indicators import publish as publish  # the shared rules of every indicator source
from ..rows import COMMUNE_CODE, IndicatorBatch, commune_code, departement_of, french_date, parse_date
from .client import raw_file

SOURCE = "carte-scolaire"
SLUG = "college-secteur"
REQUIRED = ["code_insee", "code_rne", "secteur_unique"]
FORMATS = {"carte-scolaire": REQUIRED}
UAI = re.compile(r"^\d{7}[A-Z]$")
FLAGS = {"O": True, "OUI": True, "N": False, "NON": False}


def input_file(dep):
    path = newest([raw_file(dep), raw_file(dep, ".json")])
    if path is None:
        raise MissingRawFile(f"fichier absent du cache : {raw_file(dep)} (ni .json)")
    return path


def _rows(path):
    """(line, lines spanned, code, uai, flag, whole row) from a CSV or JSON file, told apart by content."""
    if sniff_kind(path) == "json":
        records = load_json_records(path)
        records = [{str(k).lower(): v for k, v in r.items()} if isinstance(r, dict) else r for r in records]
        found = set().union(*(r.keys() for r in records if isinstance(r, dict))) if records else set()
        if records:
            require_fields(found, REQUIRED, path.name, SOURCE)
        for line, record in enumerate(records, start=1):
            if not isinstance(record, dict):
                yield line, 1, None, None, None, None
                continue
            yield (line, 1, record.get("code_insee"), record.get("code_rne"), record.get("secteur_unique"),
                   tuple(sorted((k, str(v)) for k, v in record.items())))  # fmt: skip
        return
    with CsvFile(path, required=REQUIRED, source_slug=SOURCE) as csv_file:
        col = csv_file.index
        for line, span, fields in csv_file.rows():
            if len(fields) != csv_file.width:
                code = fields[col["code_insee"]] if col["code_insee"] < len(fields) else None
                yield line, span, code, None, None, len(fields)
                continue
            yield (line, span, fields[col["code_insee"]], fields[col["code_rne"]], fields[col["secteur_unique"]],
                   tuple(fields))  # fmt: skip


def read(departements, progress=None):
    ensure_indicators(SOURCE)
    departements = tuple(departements)
    batch = IndicatorBatch(departements=departements)
    refs = commune_refs(departements, batch)
    paths = [input_file(dep) for dep in departements]
    sectors = {}  # commune → ({flags}, {uai}, first line)
    seen_rows = set()
    for path in paths:
        batch.next_file()
        for line, span, raw_code, raw_uai, raw_flag, whole in _rows(path):
            if progress:
                progress(1)
            code = commune_code(raw_code)
            readable = whole is not None and bool(COMMUNE_CODE.match(code))
            if readable and departement_of(code) not in departements:
                continue
            batch.total_rows += span
            keys = [(code, SLUG)] if readable else None
            if isinstance(whole, int):
                batch.reject(
                    line, f"{whole} champs au lieu de ceux de l'en-tête (colonne décalée ?)", code, keys=keys,
                    lines=span,
                )  # fmt: skip
                continue
            if not readable:
                batch.reject(line, f"code commune illisible : {raw_code!r}")
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
                batch.reject(line, f"UAI du collège invalide : {raw_uai!r}", code, keys=keys)
                continue
            if flag is None:
                batch.reject(line, f"Secteur_unique ni O ni N : {raw_flag!r}", code, keys=keys)
                continue
            flags, uais, _first = sectors.setdefault(code, (set(), set(), line))
            flags.add(flag)
            uais.add(uai)
    unique = {
        code: (next(iter(uais)), first)
        for code, (flags, uais, first) in sectors.items()
        if flags == {True} and len(uais) == 1
    }
    places = {
        ref: (pk, name)
        for pk, ref, name in Place.objects.filter(
            source_id="ecoles",
            layer_id="colleges",
            source_ref__in={uai for uai, _line in unique.values()},
            is_active=True,
        ).values_list("pk", "source_ref", "name")
    }
    vintage, data_date = _vintage(paths)
    for code, (uai, line) in unique.items():
        place_id, name = places.get(uai, (None, ""))
        batch.add_value(
            line, commune=code, indicator=SLUG, text=name or uai, place_id=place_id, vintage=vintage,
            data_date=data_date, attributes={"uai": uai, "nom": name or None, "secteur_unique": True},
        )  # fmt: skip
    shared = len(sectors) - len(unique)
    linked = sum(1 for uai, _line in unique.values() if uai in places)
    batch.note(
        f"{len(unique)} commune(s) à collège de secteur unique ({linked} reliés à l'Annuaire), {shared} "
        "partagée(s) entre plusieurs collèges selon l'adresse"
    )
    batch.vintage, batch.data_date = vintage, data_date
    batch.checksum = combined_checksum(paths)
    return batch


def _vintage(paths):
    """("Carte scolaire du 1 septembre 2025", its date) from the dataset's modification date the download
    recorded (the export itself has none, and its download date says nothing of the data); ("", None)
    without one: the page then gives the import date alone, never a made-up one."""
    dates = [day for day in (parse_date(read_meta(p).get("data_date")) for p in paths) if day]
    if not dates:
        return "", None
    newest_date = max(dates)
    return f"Carte scolaire du {french_date(newest_date)}", newest_date
