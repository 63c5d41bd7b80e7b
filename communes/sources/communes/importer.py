"""Reads the geo.api.gouv.fr files of the raw cache and publishes départements, EPCIs and communes."""

import hashlib
import json

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from shapely.geometry import mapping, shape

from communes.departements import DEPARTEMENTS
from communes.text import fold

from ..base import (
    Batch,
    PublishResult,
    check_batch_size,
    json_records,
    to_float,
)
from .client import raw_file

REQUIRED = ["nom", "code", "codeDepartement", "centre"]
# About 50 m at French latitudes: a page map needs a few hundred points per commune, not thousands.
SIMPLIFY_DEGREES = 0.0005
# Generous boxes: a centre outside them is a wrong coordinate, not a commune at the edge.
METROPOLE_BOX = (41.0, 51.6, -5.8, 10.0)
OVERSEAS_BOX = (-23.0, 19.0, -63.5, 56.0)


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


def read(departements, progress=None):
    batch = Batch(departements=tuple(departements))
    seen = set()
    for dep, line, record in json_records(departements, raw_file, REQUIRED, batch, progress):
        batch.total_rows += 1
        box = OVERSEAS_BOX if dep.startswith("97") else METROPOLE_BOX
        code = str(record.get("code") or "").strip()
        name = str(record.get("nom") or "").strip()
        if len(code) != 5 or not name:
            batch.reject(line, "code INSEE ou nom manquant ou invalide", code)
            continue
        if str(record.get("codeDepartement") or "") != dep or not code.startswith(dep):
            batch.reject(line, f"commune d'un autre département que {dep}", code)
            continue
        if code in seen:
            batch.reject(line, f"code INSEE en double : {code}", code)
            continue
        try:
            lon, lat = (
                to_float(v) for v in (record.get("centre") or {}).get("coordinates", (None, None))[:2]
            )
            population = record.get("population")
            population = None if population in (None, "") else int(population)
            if population is not None and population < 0:
                raise ValueError(population)
            surface = to_float(record.get("surface"))
            if (lat is None) != (lon is None):
                raise ValueError("centre incomplet")
        except (ValueError, TypeError, AttributeError):
            batch.reject(line, "valeur invalide (centre, population ou surface)", code)
            continue
        # A commune without a centre (a few new communes nouvelles) is kept: it is part of the
        # registry, it just gets no distances. A centre far outside France is a wrong value.
        if lat is not None and not (box[0] <= lat <= box[1] and box[2] <= lon <= box[3]):
            batch.reject(line, f"centre hors du territoire ({lat}, {lon})", code)
            continue
        seen.add(code)
        postcodes = sorted({str(p).strip() for p in record.get("codesPostaux") or [] if str(p).strip()})
        epci = record.get("epci") or {}
        epci_code = str(record.get("codeEpci") or epci.get("code") or "").strip() or None
        contour = simplify_contour(record.get("contour"))
        batch.rows.append(
            (
                code, name, slugify(name)[:200] or code, dep, epci_code, (epci.get("nom") or "").strip(),
                postcodes, fold(" ".join([name, *postcodes]))[:400], population, surface, lat, lon,
                json.dumps(contour) if contour else "",
            )
        )  # fmt: skip
    return batch


def publish(source, batch, *, force=False, progress=None):
    from communes.models import EPCI, Commune, Departement

    scope = Commune.objects.filter(departement_id__in=batch.departements)
    check_batch_size(len(batch.rows), scope.filter(is_active=True).count(), force=force, what="communes")
    existing = dict(scope.values_list("code_insee", "row_hash"))
    active = set(scope.filter(is_active=True).values_list("code_insee", flat=True))
    now = timezone.now()
    result = PublishResult()
    to_create, to_update = [], []
    epcis = {}
    for row in batch.rows:
        if row[4]:
            epcis[row[4]] = row[5] or epcis.get(row[4]) or row[4]
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
            (
                code,
                name,
                slug,
                dep,
                epci,
                _epci_name,
                postcodes,
                search,
                population,
                surface,
                lat,
                lon,
                contour,
            ) = row
            digest = hashlib.blake2b(repr(row).encode(), digest_size=16).hexdigest()
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
        seen = {row[0] for row in batch.rows}
        Commune.objects.filter(code_insee__in=[c for c in seen if c in existing and c in active]).update(
            last_seen=now
        )
        vanished = [code for code in active if code not in seen]
        result.deactivated = Commune.objects.filter(code_insee__in=vanished).update(is_active=False)
    return result
