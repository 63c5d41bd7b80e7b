"""Reads ARCEP's wired speed classes per commune: the share of premises eligible to 8, 30, 100 Mbit/s and
1 Gbit/s or more, with the number of premises as the base of each share.

The classes are cumulative (a premises eligible to 1 Gbit/s is eligible to 100 Mbit/s): a row where they
are not is refused. Shares are rounded to one decimal and never read 100 % while some premises lack it.
The national file is filtered to the configured départements.
"""

from collections import Counter
from datetime import date
from itertools import pairwise

from ..download import file_checksum
from ..errors import MissingRawFile
from ..files import CsvFile, resolve
from ..indicators import commune_refs, ensure_indicators, share_percent
from ..indicators import publish as publish  # the shared rules of every indicator source
from ..rows import COMMUNE_CODE, IndicatorBatch, commune_code, departement_of, to_float
from .client import LABEL, raw_file

SOURCE = "arcep"
# indicator → column, from the slowest class to the fastest (each a subset of the previous one)
CLASSES = {
    "arcep-bon-haut-debit": "elig_bhd8",
    "arcep-thd-30": "elig_thd30",
    "arcep-thd-100": "elig_thd100",
    "arcep-thd-1g": "elig_thd1g",
}
REQUIRED = ["code_insee", "nbr", *CLASSES.values(), "date"]
FORMATS = {LABEL: REQUIRED}


def _count(value):
    number = to_float(value)
    if number is None:
        raise ValueError("valeur manquante")
    if number < 0 or not number.is_integer():
        raise ValueError(f"{value!r} n'est pas un nombre de locaux")
    return int(number)


def quarter_label(day):
    return f"T{(day.month - 1) // 3 + 1} {day.year}"


def read(departements, progress=None):
    ensure_indicators(SOURCE)
    departements = tuple(departements)
    batch = IndicatorBatch(departements=departements)
    refs = commune_refs(departements, batch)
    path = resolve(raw_file())
    if not path.exists():
        raise MissingRawFile(f"fichier absent du cache : {path}")
    slugs = list(CLASSES)
    rows = {}  # commune → ((premises, eligible, day), line), None after a conflict
    dates = Counter()
    with CsvFile(path, required=REQUIRED, source_slug=SOURCE) as csv_file:
        col = csv_file.index
        code_at, type_at = col["code_insee"], col.get("type")
        for line, span, fields in csv_file.rows():
            if progress:
                progress(1)
            code = commune_code(fields[code_at]) if code_at < len(fields) else ""
            readable = bool(COMMUNE_CODE.match(code))
            if readable and departement_of(code) not in departements:
                continue  # the national file is filtered here
            batch.total_rows += span
            keys = [(code, slug) for slug in slugs] if readable else None
            if len(fields) != csv_file.width:
                reason = f"{len(fields)} champs au lieu de {csv_file.width} (colonne décalée ?)"
                batch.reject(line, reason, code, keys=keys, lines=span)
                continue
            if not readable:
                batch.reject(line, f"code commune illisible : {code!r}")
                continue
            if code not in refs:
                batch.reject(line, f"commune inconnue du référentiel : {code}", code, keys=())
                continue
            if type_at is not None and fields[type_at].strip().lower() not in ("all", ""):
                batch.reject(line, f"type de locaux inattendu : {fields[type_at]!r}", code, keys=keys)
                continue
            try:
                premises = _count(fields[col["nbr"]])
                eligible = {slug: _count(fields[col[column]]) for slug, column in CLASSES.items()}
                day = date.fromisoformat(fields[col["date"]].strip()[:10])
            except ValueError as exc:
                batch.reject(line, f"valeur invalide : {exc}", code, keys=keys)
                continue
            chain = [premises, *eligible.values()]
            if any(later > earlier for earlier, later in pairwise(chain)):
                batch.reject(line, "classes de débit incohérentes (une classe rapide dépasse une plus lente)",
                             code, keys=keys)  # fmt: skip
                continue
            if batch.one_row_per_key(rows, code, (premises, eligible, day), line, keys=keys):
                dates[day] += 1
        encoding = csv_file.encoding
    if not dates:
        raise MissingRawFile(f"{path.name} : aucune commune des départements {', '.join(departements)}")
    newest = max(dates)
    for code, ((premises, eligible, day), line) in ((c, r) for c, r in rows.items() if r):
        for slug, count in eligible.items():
            batch.add_value(
                line, commune=code, indicator=slug, value=share_percent(count, premises), count=premises,
                attributes={"locaux": premises, "locaux_eligibles": count, "date": day.isoformat()},
                vintage=f"Arcep {quarter_label(day)}", data_date=day,
            )  # fmt: skip
    batch.vintage = f"Arcep, Ma connexion internet {quarter_label(newest)} (filaire)"
    batch.data_date = newest
    if len(dates) > 1:
        batch.note("dates différentes selon les communes : " + ", ".join(str(d) for d in sorted(dates)))
    batch.note(f"fichier {path.name} lu en {encoding}")
    batch.checksum = file_checksum(path)
    return batch
