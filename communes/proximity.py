"""Per commune and layer: places in the commune, within 5/10/20 km of its centre, and the nearest one.

Points become 3-D unit vectors so that a k-d tree (scipy's cKDTree) answers great-circle questions:
a radius of d km on the sphere is a chord of 2·sin(d / 2R), and a chord c back to an arc of 2R·asin(c / 2).
"""

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from scipy.spatial import cKDTree

from osez.cache import bump_data_generation

from .geo import EARTH_RADIUS_KM
from .sources.publish import copy_rows, forget_queries

WRITE_BATCH = 5000
COLUMNS = ("commune_id", "layer_id", "in_commune", "within_5km", "within_10km", "within_20km", "nearest_id",
           "nearest_km", "computed_at")  # fmt: skip
FIELDS = COLUMNS


def unit_vectors(lat, lon):
    lat, lon = np.radians(np.asarray(lat, dtype=np.float64)), np.radians(np.asarray(lon, dtype=np.float64))
    cos_lat = np.cos(lat)
    return np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)))


def chord_for_km(km):
    return 2.0 * np.sin(km / (2.0 * EARTH_RADIUS_KM))


def km_for_chord(chord):
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0))


def layer_figures(
    commune_xyz,
    commune_codes,
    place_ids,
    place_xyz,
    place_communes_all,
    radii,
    weights_all=None,
    weights=None,
):
    """Arrays for one layer: in_commune, counts per radius, nearest place id and distance (km).

    With weights (a partner's "nombre" column: 12 childminders in one row), counts are sums of weights.
    """
    code_pos = {code: i for i, code in enumerate(commune_codes)}
    in_commune = np.zeros(len(commune_codes), dtype=np.int64)
    kept = [(code_pos[c], i) for i, c in enumerate(place_communes_all) if c in code_pos]
    if kept:
        positions = np.asarray([k[0] for k in kept], dtype=np.int64)
        added = 1 if weights_all is None else np.asarray([weights_all[k[1]] for k in kept], dtype=np.int64)
        np.add.at(in_commune, positions, added)
    counts = {}
    if len(place_ids) == 0:
        for r in radii:
            counts[r] = np.zeros(len(commune_codes), dtype=np.int64)
        return in_commune, counts, [None] * len(commune_codes), [None] * len(commune_codes)
    tree = cKDTree(place_xyz)
    for r in radii:
        if weights is None:
            counts[r] = tree.query_ball_point(commune_xyz, chord_for_km(r), return_length=True)
        else:
            w = np.asarray(weights, dtype=np.int64)
            found = tree.query_ball_point(commune_xyz, chord_for_km(r))
            counts[r] = np.asarray([int(w[idx].sum()) if idx else 0 for idx in found], dtype=np.int64)
    chord, index = tree.query(commune_xyz, k=1)
    return in_commune, counts, np.asarray(place_ids)[index], km_for_chord(chord)


def _weight(attributes):
    try:
        return max(0, int((attributes or {}).get("nombre", 1)))
    except (TypeError, ValueError):
        return 1


def compute(layers=None, progress=None):
    """Recompute every (commune, layer) figure and replace the table in one transaction; returns rows."""
    from .models import Commune, Layer, Place, Proximity

    radii = tuple(settings.OSEZ_PROXIMITY_RADII_KM)
    r5, r10, r20 = radii[:3]
    communes = list(
        Commune.objects.filter(is_active=True, latitude__isnull=False, longitude__isnull=False).values_list(
            "code_insee", "latitude", "longitude"
        )
    )
    codes = [c[0] for c in communes]
    xyz = unit_vectors([c[1] for c in communes], [c[2] for c in communes]) if communes else np.zeros((0, 3))
    layer_slugs = layers or list(Layer.objects.values_list("slug", flat=True))
    now = timezone.now()
    written = 0
    with transaction.atomic():
        Proximity.objects.filter(layer_id__in=layer_slugs).delete()
        weighted = {
            slug for slug, columns in Layer.objects.filter(slug__in=layer_slugs).values_list("slug", "columns")
            if "nombre" in (columns or [])
        }  # fmt: skip
        for slug in layer_slugs:
            fields = ["id", "commune_id", "latitude", "longitude"] + (
                ["attributes"] if slug in weighted else []
            )
            rows = list(
                Place.objects.filter(layer_id=slug, is_active=True, commune__isnull=False).values_list(
                    *fields
                )
            )
            located = [r for r in rows if r[2] is not None and r[3] is not None]
            place_xyz = unit_vectors([r[2] for r in located], [r[3] for r in located]) if located else None
            weights_all = weights = None
            if slug in weighted:
                weights_all = [_weight(r[4]) for r in rows]
                weights = [_weight(r[4]) for r in located]
            in_commune, counts, nearest, distance = layer_figures(
                xyz,
                codes,
                [r[0] for r in located],
                place_xyz,
                [r[1] for r in rows],
                radii,
                weights_all,
                weights,
            )
            del rows, located, place_xyz
            values = (
                (code, slug, int(in_commune[i]), int(counts[r5][i]), int(counts[r10][i]), int(counts[r20][i]),
                 int(nearest[i]) if nearest[i] is not None else None,
                 round(float(distance[i]), 3) if nearest[i] is not None else None, now)
                for i, code in enumerate(codes)
            )  # fmt: skip
            if connection.vendor == "postgresql":
                copy_rows(Proximity, COLUMNS, values)
                written += len(codes)
            else:
                batch = []
                for row in values:
                    batch.append(Proximity(**dict(zip(FIELDS, row, strict=True))))
                    if len(batch) >= WRITE_BATCH:
                        Proximity.objects.bulk_create(batch)
                        written += len(batch)
                        batch = []
                        forget_queries()
                Proximity.objects.bulk_create(batch)
                written += len(batch)
            forget_queries()
            if progress:
                progress(slug)
    # Proximity rows are bulk-written (no signals): tell the public cache that its figures changed.
    bump_data_generation(reason="communes.Proximity")
    return written
