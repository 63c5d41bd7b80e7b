"""Reads geo-DVF: the median price per m² of houses and of flats per commune over the complete years read.

What counts as a sale (the rules of Etalab's own DVF statistics, restricted to ordinary sales):
- one sale is one ``id_mutation``: its price (``valeur_fonciere``) is repeated on each of its lines, so
  lines are grouped by mutation before anything is counted; a line repeated word for word is counted
  once (rejected as a duplicate, with its reason);
- nature "Vente" only (no exchange, auction, off-plan sale: their prices mean something else);
- exactly one dwelling — one Maison or one Appartement, dependencies (garage, cellar) and land allowed;
  a sale with a shop or with several dwellings has no price per m² of one home;
- a price and a usable built surface (≥ 9 m²); price per m² between 20 € and 100,000 € (below is a
  symbolic sale, above a data error: Etalab's own guard).
A line lacking coordinates is still a sale: the commune comes from ``code_commune``.

A median is shown from ``OSEZ_DVF_MIN_SALES`` sales; below that ``value`` is null and ``count`` keeps
the number of sales. Files are streamed (a national year is millions of lines): memory holds one
département-year's mutations at a time, then only one float per retained sale.
"""

import re
import statistics
from array import array
from datetime import date

from django.conf import settings

from ..download import combined_checksum, raw_dir
from ..errors import MissingRawFile, SourceError
from ..files import CsvFile
from ..indicators import commune_refs, ensure_indicators, newest
from ..indicators import publish as publish_figures
from ..publish import check_batch_size, check_rejections
from ..rows import ARRONDISSEMENTS, COMMUNE_CODE, I_COUNT, IndicatorBatch, departement_of, to_float
from . import NOT_PUBLISHED, YEAR_COUNT
from .client import LABEL, raw_file

SOURCE = "dvf"
TYPES = {"Maison": "dvf-prix-m2-maisons", "Appartement": "dvf-prix-m2-appartements"}
SLUGS = tuple(TYPES.values())
REQUIRED = ["id_mutation", "date_mutation", "nature_mutation", "valeur_fonciere", "code_commune", "id_parcelle",
            "type_local", "surface_reelle_bati"]  # fmt: skip
FORMATS = {LABEL: REQUIRED}
MIN_SURFACE = 9.0  # m²: below, not a dwelling's surface (décret "logement décent")
PRICE_RANGE = (20.0, 100_000.0)  # €/m²
# A year's file whose last sale is before this day is a half-year edition, not a complete year.
COMPLETE_AFTER = "-10-01"
FILE_NAME = re.compile(r"^dvf-(?P<dep>[0-9AB]{2,3})-(?P<year>\d{4})\.csv(\.gz)?$")


class Mutation:
    __slots__ = ("communes", "date", "dwellings", "first_line", "hashes", "lines", "nature", "others", "price",
                 "problem")  # fmt: skip

    def __init__(self, line):
        self.first_line = line
        self.lines = 0
        self.nature = None
        self.price = None
        self.date = ""
        self.problem = None
        self.others = 0
        self.dwellings = {}
        self.communes = set()
        self.hashes = set()


def years_to_read(departements):
    """OSEZ_DVF_YEARS, else the newest three consecutive years every département has in the cache."""
    if settings.OSEZ_DVF_YEARS:
        return sorted(settings.OSEZ_DVF_YEARS)
    folder = raw_dir("dvf")
    present = {}
    for path in folder.glob("dvf-*.csv*") if folder.is_dir() else []:
        match = FILE_NAME.match(path.name)
        if match:
            present.setdefault(match["dep"], set()).add(int(match["year"]))
    wanted = [d for d in departements if d not in NOT_PUBLISHED]
    common = set.intersection(*(present.get(d, set()) for d in wanted)) if wanted else set()
    if not common:
        raise MissingRawFile(
            f"aucun fichier DVF commun aux départements {', '.join(wanted)} dans {folder} "
            "(dvf-{dep}-{année}.csv.gz)"
        )
    last = max(common)
    years = list(range(last - YEAR_COUNT + 1, last + 1))
    missing = [y for y in years if y not in common]
    if missing:
        raise MissingRawFile(
            f"DVF : années {', '.join(map(str, missing))} absentes du cache pour lire {years[0]}–{last}"
        )
    return years


def input_file(dep, year):
    path = newest([raw_file(dep, year), raw_file(dep, year, ".csv")])
    if path is None:
        raise MissingRawFile(f"fichier absent du cache : {raw_file(dep, year)}")
    return path


def read(departements, progress=None):
    ensure_indicators(SOURCE)
    departements = tuple(departements)
    batch = IndicatorBatch(departements=departements)
    refs = commune_refs(departements, batch)
    covered = [d for d in departements if d not in NOT_PUBLISHED]
    if not covered:
        raise MissingRawFile(f"DVF n'est pas publié pour {', '.join(departements)} (Alsace-Moselle, Mayotte)")
    years = years_to_read(departements)
    prices = {}  # commune → (houses, flats) prices per m²
    paths = []
    for dep in covered:
        for year in years:
            path = input_file(dep, year)
            paths.append(path)
            _read_file(path, year, refs, prices, batch, progress)
    period = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    minimum = settings.OSEZ_DVF_MIN_SALES
    vintage = f"DVF {period}"
    data_date = date(years[-1], 12, 31)
    for code in refs:
        if departement_of(code) in NOT_PUBLISHED:
            continue
        houses, flats = prices.get(code, ((), ()))
        for slug, values in ((TYPES["Maison"], houses), (TYPES["Appartement"], flats)):
            count = len(values)
            attributes = {"periode": period, "ventes": count, "ventes_minimum": minimum}
            value = None
            if count >= minimum:
                ordered = sorted(values)
                value = round(statistics.median(ordered))
                if count >= 2:
                    q1, _median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
                    attributes.update(premier_quartile=round(q1), troisieme_quartile=round(q3))
            batch.add_value(None, commune=code, indicator=slug, value=value, count=count, attributes=attributes,
                            vintage=vintage, data_date=data_date)  # fmt: skip
    batch.vintage = vintage
    batch.data_date = data_date
    uncovered = sorted(set(departements) & NOT_PUBLISHED)
    if uncovered:
        batch.note(f"DVF non publié pour {', '.join(uncovered)} (Alsace-Moselle, Mayotte)")
    batch.checksum = combined_checksum(paths)
    return batch


def _read_file(path, year, refs, prices, batch, progress):
    """Group one département-year's lines into mutations, then keep the prices of single-dwelling sales."""
    mutations = {}
    year_prefix = str(year)
    batch.next_file()
    with CsvFile(path, required=REQUIRED, source_slug=SOURCE) as csv_file:
        col = csv_file.index
        width = csv_file.width
        i_id, i_date, i_nature = col["id_mutation"], col["date_mutation"], col["nature_mutation"]
        i_price, i_commune, i_parcel = col["valeur_fonciere"], col["code_commune"], col["id_parcelle"]
        i_type, i_surface = col["type_local"], col["surface_reelle_bati"]
        i_rooms, i_lot = col.get("nombre_pieces_principales"), col.get("lot1_numero")
        latest = ""
        for line, span, fields in csv_file.rows():
            batch.total_rows += span
            if progress:
                progress(1)
            mutation_id = fields[i_id].strip() if fields else ""
            if len(fields) != width:
                reason = f"{len(fields)} champs au lieu de {width} (colonne décalée ?)"
                if not mutation_id:
                    batch.reject(line, reason, lines=span)
                    continue
                mutation = mutations.get(mutation_id) or mutations.setdefault(mutation_id, Mutation(line))
                mutation.lines += span
                mutation.problem = mutation.problem or reason
                code = fields[i_commune].strip() if i_commune < len(fields) else ""
                if COMMUNE_CODE.match(code):
                    mutation.communes.add(ARRONDISSEMENTS.get(code, code))
                else:
                    batch.unkeyed += 1  # the line's commune is unreadable: deactivate nothing
                continue
            if not mutation_id:
                batch.reject(line, "identifiant de mutation manquant")
                continue
            mutation = mutations.get(mutation_id)
            if mutation is None:
                mutation = mutations[mutation_id] = Mutation(line)
            digest = hash(tuple(fields))
            if digest in mutation.hashes:
                batch.reject(line, "ligne en double (comptée une fois)", mutation_id, keys=())
                continue
            mutation.hashes.add(digest)
            mutation.lines += 1
            nature, price, day = fields[i_nature], fields[i_price], fields[i_date]
            if mutation.nature is None:
                mutation.nature, mutation.price = nature, price
            elif (nature, price) != (mutation.nature, mutation.price):
                mutation.problem = "nature ou prix différents entre les lignes d'une même vente"
            if not day.startswith(year_prefix):
                mutation.problem = mutation.problem or f"date {day!r} hors de l'année {year} du fichier"
            elif day > latest:
                latest = day
            code = fields[i_commune].strip()
            code = ARRONDISSEMENTS.get(code, code)
            mutation.communes.add(code)
            kind = fields[i_type]
            if kind in TYPES:
                key = (fields[i_parcel], kind, fields[i_surface], fields[i_rooms] if i_rooms is not None else "",
                       fields[i_lot] if i_lot is not None else "")  # fmt: skip
                mutation.dwellings[key] = (code, kind, fields[i_surface])
            elif kind and kind != "Dépendance":
                mutation.others += 1
    if latest and latest < year_prefix + COMPLETE_AFTER:
        raise SourceError(
            f"{path.name} : année {year} incomplète (dernière vente le {latest}) — fichier d'une édition "
            "semestrielle ? Lot refusé, les données publiées sont conservées"
        )
    for mutation_id, mutation in mutations.items():
        _keep_sale(mutation_id, mutation, refs, prices, batch)


def _keys(communes, refs):
    return [(code, slug) for code in communes if code in refs for slug in SLUGS]


def _keep_sale(mutation_id, mutation, refs, prices, batch):
    if mutation.problem:
        if not any(COMMUNE_CODE.match(c) for c in mutation.communes):
            batch.unkeyed += 1
        batch.reject(mutation.first_line, mutation.problem, mutation_id, keys=_keys(mutation.communes, refs),
                     lines=mutation.lines)  # fmt: skip
        return
    if mutation.nature != "Vente":
        batch.skip(f"nature « {mutation.nature} »", mutation.lines)
        return
    if mutation.others:
        batch.skip("vente avec un local d'activité", mutation.lines)
        return
    if len(mutation.dwellings) != 1:
        reason = "sans maison ni appartement" if not mutation.dwellings else "plusieurs logements"
        batch.skip(reason, mutation.lines)
        return
    ((code, kind, surface_text),) = mutation.dwellings.values()
    if code not in refs:
        if COMMUNE_CODE.match(code):
            batch.reject(mutation.first_line, f"commune inconnue du référentiel : {code}", mutation_id, keys=(),
                         lines=mutation.lines)  # fmt: skip
        else:
            batch.reject(mutation.first_line, f"code commune illisible : {code!r}", mutation_id,
                         lines=mutation.lines)  # fmt: skip
        return
    if not mutation.price.strip():
        batch.skip("prix absent", mutation.lines)
        return
    try:
        price = to_float(mutation.price)
        surface = to_float(surface_text)
    except ValueError:
        batch.reject(mutation.first_line, f"valeur invalide : prix {mutation.price!r}, surface {surface_text!r}",
                     mutation_id, keys=_keys([code], refs), lines=mutation.lines)  # fmt: skip
        return
    if surface is None or surface < MIN_SURFACE:
        batch.skip("surface bâtie absente ou inférieure à 9 m²", mutation.lines)
        return
    per_m2 = price / surface
    if not PRICE_RANGE[0] <= per_m2 <= PRICE_RANGE[1]:
        batch.skip("prix au m² hors bornes (vente symbolique ou erreur)", mutation.lines)
        return
    houses_flats = prices.get(code)
    if houses_flats is None:
        houses_flats = prices[code] = (array("d"), array("d"))
    houses_flats[0 if kind == "Maison" else 1].append(per_m2)


def publish(source, batch, *, force=False, progress=None):
    """The indicator rows exist for every commune whatever the file holds (a count of 0 is a figure), so
    a collapsed file is judged on the sales it retained, against the sales behind what is published."""
    from django.db.models import Sum

    from communes.models import CommuneIndicator

    batch.finish()
    check_rejections(source.slug, batch, force=force)  # the first thing to say when lines were refused
    published = CommuneIndicator.objects.filter(
        indicator__source=source, commune__departement_id__in=batch.departements, is_active=True
    )
    # Like for like: values kept as published (a commune with a broken line) are in neither total.
    previous = (published.aggregate(total=Sum("count"))["total"] or 0) - sum(
        count or 0
        for commune, indicator, count in published.values_list("commune_id", "indicator_id", "count")
        if (commune, indicator) in batch.kept
    )
    retained = sum(row[I_COUNT] or 0 for row in batch.rows)
    if previous:  # an empty batch is judged by publish_indicators itself
        check_batch_size(retained, previous, force=force, what="ventes retenues")
    return publish_figures(source, batch, force=force, progress=progress)
