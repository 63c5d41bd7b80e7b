"""Reads the geo.api.gouv.fr files of the raw cache and publishes départements, EPCIs and communes.

Reads the API's JSON array (``/departements/{dep}/communes?fields=…``) and its GeoJSON variant
(``format=geojson``: properties plus the contour as geometry). A commune's département comes from
``codeDepartement``, else ``departement.code``, else its code; its centre from ``centre``, else a point
on its contour's surface. A commune whose row is present but unreadable keeps its published version:
a bad field never takes a commune (and its places) off the site.
"""

import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from shapely.geometry import mapping, shape

from communes.departements import DEPARTEMENTS
from communes.text import fold

from ..download import meta_data_date, read_meta
from ..files import json_records, resolve
from ..publish import (
    PublishResult,
    check_batch_size,
    check_rejections,
    count_absent,
    deactivation_allowed,
    vanished_ids,
)
from ..rows import Batch, french_date, to_float
from .client import raw_file

SOURCE = "communes"
REQUIRED = ["code", "nom", ("centre", "contour", "geometry")]
FORMATS = {"communes": REQUIRED}
# About 50 m at French latitudes: a page map needs a few hundred points per commune, not thousands.
SIMPLIFY_DEGREES = 0.0005
# Generous boxes: a centre outside them is a wrong coordinate, not a commune at the edge.
METROPOLE_BOX = (41.0, 51.6, -5.8, 10.0)
OVERSEAS_BOX = (-23.0, 19.0, -63.5, 56.0)
# Positions in a commune row.
C_CODE, C_NAME, C_DEP, C_EPCI, C_EPCI_NAME, C_LINE = 0, 1, 3, 4, 5, 13


@dataclass
class RegistryBatch(Batch):
    """Rows are communes (see ``read``); the batch rules of ``rows.Batch`` apply, keyed by code INSEE."""

    def finish(self):
        if not self.finished:
            self.finished = True
            self.rows = [r for r in self.rows if r is not None and r[C_CODE] not in self.kept]
            self.keys = {}
        return self

    def add_commune(self, line, row):
        return self.add_unique(row[C_CODE], row, row[C_CODE], f"code INSEE {row[C_CODE]}")


def simplify_contour(geometry):
    """The contour simplified for the web, as GeoJSON with 5 decimals (≈1 m), or None if unusable."""
    if not geometry:
        return None
    try:
        geom = shape(geometry).simplify(SIMPLIFY_DEGREES, preserve_topology=True)
    except (ValueError, TypeError, AttributeError, KeyError):
        return None
    if geom.is_empty:
        return None

    def rounded(coords):
        if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
            return [round(coords[0], 5), round(coords[1], 5)]
        return [rounded(c) for c in coords]

    result = mapping(geom)
    return {"type": result["type"], "coordinates": rounded(result["coordinates"])}


def _departement(record, code):
    dep = str(record.get("codeDepartement") or (record.get("departement") or {}).get("code") or "").strip()
    if dep:
        return dep
    return code[:3] if code.startswith("97") else code[:2]


def _centre(record, contour_source):
    """(lon, lat) of the record's centre, or of a point on its contour's surface; (None, None) if neither."""
    centre = record.get("centre")
    if centre:
        coords = centre.get("coordinates") if isinstance(centre, dict) else None
        if not isinstance(coords, (list, tuple)) or len(coords) < 2:
            raise ValueError("centre illisible")
        lon, lat = to_float(coords[0]), to_float(coords[1])
        if (lat is None) != (lon is None):
            raise ValueError("centre incomplet")
        return lon, lat
    if contour_source:
        try:
            point = shape(contour_source).representative_point()
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            raise ValueError("contour illisible") from exc
        return round(point.x, 6), round(point.y, 6)
    return None, None


def read(departements, progress=None):
    batch = RegistryBatch(departements=tuple(departements))
    dates = []
    for dep, line, record in json_records(departements, raw_file, REQUIRED, batch, progress, SOURCE):
        batch.total_rows += 1
        box = OVERSEAS_BOX if dep.startswith("97") else METROPOLE_BOX
        code = str(record.get("code") or "").strip()
        name = str(record.get("nom") or "").strip()
        if len(code) != 5 or not name:
            batch.reject(
                line, "code INSEE ou nom manquant ou invalide", code, key=code if len(code) == 5 else None
            )
            continue
        commune_dep = _departement(record, code)
        if commune_dep != dep or not code.startswith(dep):
            batch.reject(line, f"commune d'un autre département que {dep}", code, key=code)
            continue
        contour_source = record.get("contour") or record.get("geometry")
        try:
            lon, lat = _centre(record, contour_source)
            population = record.get("population")
            population = None if population in (None, "") else int(population)
            if population is not None and population < 0:
                raise ValueError(population)
            surface = to_float(record.get("surface"))
        except (ValueError, TypeError, AttributeError):
            # Present but unreadable: the commune keeps what was published for it.
            batch.reject(
                line,
                "valeur invalide (centre, population ou surface) : version publiée conservée",
                code,
                key=code,
            )
            continue
        # A commune without a centre (a few new communes nouvelles) is kept: it is part of the
        # registry, it just gets no distances. A centre far outside France is a wrong value.
        if lat is not None and not (box[0] <= lat <= box[1] and box[2] <= lon <= box[3]):
            batch.reject(
                line, f"centre hors du territoire ({lat}, {lon}) : version publiée conservée", code, key=code
            )
            continue
        postcodes = sorted({str(p).strip() for p in record.get("codesPostaux") or [] if str(p).strip()})
        epci = record.get("epci") or {}
        epci_code = str(record.get("codeEpci") or epci.get("code") or "").strip() or None
        contour = simplify_contour(contour_source)
        batch.add_commune(
            line,
            (
                code, name, slugify(name)[:200] or code, dep, epci_code, (epci.get("nom") or "").strip(),
                postcodes, fold(" ".join([name, *postcodes]))[:400], population, surface, lat, lon,
                json.dumps(contour) if contour else "", line,
            ),
        )  # fmt: skip
    for dep in departements:
        path = resolve(raw_file(dep))
        dates.append(meta_data_date(path))
        batch.vintage = read_meta(path).get("data_vintage") or batch.vintage
    known = [d for d in dates if d]
    batch.data_date = max(known) if known else None
    batch.vintage = batch.vintage or (
        f"Découpage administratif au {french_date(batch.data_date)}"
        if batch.data_date
        else "Découpage administratif"
    )
    return batch


def publish(source, batch, *, force=False, progress=None):
    from communes.models import EPCI, Commune, Departement

    batch.finish()
    check_rejections(SOURCE, batch, force=force)
    scope = Commune.objects.filter(departement_id__in=batch.departements)
    published = {
        code: (code, digest, active)
        for code, digest, active in scope.values_list("code_insee", "row_hash", "is_active")
    }
    existing = {code: v[1] for code, v in published.items()}
    active = {code for code, v in published.items() if v[2]}
    seen = {row[C_CODE] for row in batch.rows}
    result = PublishResult()
    absent, result.kept = count_absent(published, seen, batch.kept.__contains__)
    check_batch_size(
        len(batch.rows), len(active), force=force, what="communes", present=len(batch.rows) + result.kept
    )
    remaining = {code: v for code, v in published.items() if code not in seen}
    deactivate = deactivation_allowed(batch, result, absent)
    vanished = vanished_ids(remaining, batch.kept.__contains__) if deactivate else []
    now = timezone.now()
    to_create, to_update = [], []
    epcis = {}
    for row in batch.rows:
        if row[C_EPCI]:
            epcis[row[C_EPCI]] = row[C_EPCI_NAME] or epcis.get(row[C_EPCI]) or row[C_EPCI]
    fields = ["name", "slug", "departement_id", "epci_id", "postcodes", "search_text", "population", "surface_ha",
              "latitude", "longitude", "contour", "row_hash", "is_active", "last_seen"]  # fmt: skip
    with transaction.atomic():
        for dep in batch.departements:
            Departement.objects.update_or_create(code=dep, defaults={"name": DEPARTEMENTS.get(dep, dep)})
        known = dict(EPCI.objects.filter(code__in=epcis).values_list("code", "name"))
        EPCI.objects.bulk_create([EPCI(code=c, name=n[:200]) for c, n in epcis.items() if c not in known])
        EPCI.objects.bulk_update(
            [EPCI(code=c, name=n[:200]) for c, n in epcis.items() if c in known and known[c] != n[:200]],
            ["name"],
        )
        for row in batch.rows:
            (code, name, slug, dep, epci, _epci_name, postcodes, search, population, surface, lat, lon,
             contour) = row[:C_LINE]  # fmt: skip
            digest = hashlib.blake2b(repr(row[:C_LINE]).encode(), digest_size=16).hexdigest()
            commune = Commune(
                code_insee=code, name=name, slug=slug, departement_id=dep, epci_id=epci, postcodes=postcodes,
                search_text=search, population=population, surface_ha=surface, latitude=lat, longitude=lon,
                contour=json.loads(contour) if contour else None, row_hash=digest, is_active=True, last_seen=now,
            )  # fmt: skip
            if code not in existing:
                commune.first_seen = now
                to_create.append(commune)
                result.created += 1
            elif existing[code] != digest or code not in active:
                to_update.append(commune)
                result.updated += 1
            else:
                result.unchanged += 1
            if progress:
                progress(1)
        Commune.objects.bulk_create(to_create, batch_size=1000)
        Commune.objects.bulk_update(to_update, fields, batch_size=1000)
        Commune.objects.filter(code_insee__in=[c for c in seen if c in existing and c in active]).update(
            last_seen=now
        )
        result.deactivated = Commune.objects.filter(code_insee__in=vanished).update(is_active=False)
    return result
