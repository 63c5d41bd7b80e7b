"""Per commune and layer: places in the commune, within 5/10/20 km of its centre, and the nearest one.

The one rule every page, the comparison, the finder, the API and the CSV read (stated on the commune page
by ``RULE_TEXT``):

- a place in the commune counts in the commune and in every radius, whether or not its position is
  known (a place without coordinates is listed as "position inconnue" and drawn nowhere);
- a place of another commune counts within r km when its distance to the commune's centre, rounded to
  ``DISTANCE_DECIMALS`` decimal (as every page shows it), is at most r;
- the nearest place is one in the commune when there is one (distance 0: "dans la commune"), else the
  closest located place, its distance rounded the same way; so "nearest ≤ r" always means "at least one
  within r", and in commune ≤ 5 km ≤ 10 km ≤ 20 km;
- where the layer has nothing published in the commune's département there is no row at all: pages say
  "pas de données", the API ``null``, the CSV an empty cell — never 0.

Points become 3-D unit vectors so that a k-d tree (scipy's cKDTree) answers great-circle questions:
a radius of d km on the sphere is a chord of 2·sin(d / 2R), and a chord c back to an arc of 2R·asin(c / 2).
"""

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from scipy.spatial import cKDTree

from osez.cache import bump_data_generation

from .geo import EARTH_RADIUS_KM
from .sources.publish import copy_rows, forget_queries

WRITE_BATCH = 5000
COLUMNS = ("commune_id", "layer_id", "in_commune", "within_5km", "within_10km", "within_20km", "nearest_id",
           "nearest_km", "computed_at")  # fmt: skip
FIELDS = COLUMNS
# Distances are stored and shown with one decimal, and a radius is judged on that shown figure.
DISTANCE_DECIMALS = 1
# Half of the last shown digit: a distance below r + HALF_STEP rounds to at most r.
HALF_STEP = 0.5 * 10**-DISTANCE_DECIMALS

RULE_TEXT = _(
    "Un lieu situé dans la commune compte dans la commune et dans chaque rayon, même si sa position exacte "
    "est inconnue. Un lieu d'une autre commune compte dans un rayon quand sa distance à vol d'oiseau au "
    "centre de la commune, arrondie à 100 m comme elle est affichée, ne le dépasse pas. Le lieu le plus "
    "proche est dans la commune quand il y en a un."
)


def rounded_km(km):
    """The distance as it is stored and shown (numpy arrays or floats)."""
    return np.round(np.asarray(km, dtype=np.float64), DISTANCE_DECIMALS)


def unit_vectors(lat, lon):
    lat, lon = np.radians(np.asarray(lat, dtype=np.float64)), np.radians(np.asarray(lon, dtype=np.float64))
    cos_lat = np.cos(lat)
    return np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)))


def chord_for_km(km):
    return 2.0 * np.sin(km / (2.0 * EARTH_RADIUS_KM))


def km_for_chord(chord):
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0))


def layer_figures(commune_xyz, commune_codes, places, radii):
    """Arrays for one layer under the module's rule: in_commune, counts per radius, nearest id and km.

    ``places``: (id, commune code, xyz or None, weight) for every active place of the layer with a
    commune; weights are a partner's "nombre" column (12 childminders in one row), 1 otherwise, and a
    place of weight 0 is not a place. Returns nearest ids as a list (None where there is none) and the
    distances rounded as shown (0 for a place in the commune).
    """
    n = len(commune_codes)
    code_pos = {code: i for i, code in enumerate(commune_codes)}
    places = [p for p in places if p[3] > 0]
    in_commune = np.zeros(n, dtype=np.int64)
    own_nearest = [None] * n  # an id of a place in the commune: located closest to the centre first
    own_best = np.full(n, np.inf)
    located = [p for p in places if p[2] is not None]
    for place_id, code, xyz, weight in places:
        i = code_pos.get(code)
        if i is None:
            continue
        in_commune[i] += weight
        # Located places first (by distance to the centre), then any place whose position is unknown.
        rank = float(np.linalg.norm(commune_xyz[i] - xyz)) if xyz is not None else 10.0
        if rank < own_best[i]:
            own_best[i], own_nearest[i] = rank, place_id
    counts = {r: in_commune.copy() for r in radii}
    nearest_ids, nearest_km = list(own_nearest), np.where(in_commune > 0, 0.0, np.nan)
    if located and n:
        place_xyz = np.asarray([p[2] for p in located])
        weights = np.asarray([p[3] for p in located], dtype=np.int64)
        own = np.asarray([code_pos.get(p[1], -1) for p in located], dtype=np.int64)
        # Chord from each located place to its own commune's centre (inf when that commune is not listed).
        own_chord = np.full(len(located), np.inf)
        mine = own >= 0
        own_chord[mine] = np.linalg.norm(place_xyz[mine] - commune_xyz[own[mine]], axis=1)
        tree = cKDTree(place_xyz)
        unweighted = bool(np.all(weights == 1))
        for r in radii:
            # A place of another commune counts when its shown (rounded) distance is at most r: every
            # located place within the radius, minus those of the commune itself (already counted).
            radius = chord_for_km(r + HALF_STEP)
            if unweighted:
                around = np.asarray(tree.query_ball_point(commune_xyz, radius, return_length=True))
            else:
                found = tree.query_ball_point(commune_xyz, radius)
                around = np.asarray([int(weights[idx].sum()) if idx else 0 for idx in found], dtype=np.int64)
            inside = mine & (own_chord <= radius)
            own_around = np.bincount(own[inside], weights=weights[inside], minlength=n).astype(np.int64)
            counts[r] += around - own_around
        chord, index = tree.query(commune_xyz, k=1)
        outside = in_commune == 0
        for i in np.flatnonzero(outside):
            nearest_ids[i] = located[int(index[i])][0]
        nearest_km = np.where(outside, rounded_km(km_for_chord(chord)), nearest_km)
    return in_commune, counts, nearest_ids, nearest_km


def _weight(attributes, weighted):
    if not weighted:
        return 1
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
            "code_insee", "latitude", "longitude", "departement_id"
        )
    )
    codes = [c[0] for c in communes]
    departement_of = dict(Commune.objects.values_list("code_insee", "departement_id"))
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
            rows = Place.objects.filter(layer_id=slug, is_active=True, commune__isnull=False).values_list(
                "id", "commune_id", "latitude", "longitude", *(["attributes"] if slug in weighted else [])
            )
            places = []
            for row in rows.iterator(chunk_size=20000):
                located = row[2] is not None and row[3] is not None
                point = unit_vectors([row[2]], [row[3]])[0] if located else None
                weight = _weight(row[4] if len(row) > 4 else None, slug in weighted)
                places.append((row[0], row[1], point, weight))
            # "No data" is a territory where the layer publishes nothing: no row, never a row of zeros.
            covered = {departement_of.get(p[1]) for p in places if p[3] > 0}
            in_commune, counts, nearest, distance = layer_figures(xyz, codes, places, radii)
            del places
            values = [
                (code, slug, int(in_commune[i]), int(counts[r5][i]), int(counts[r10][i]), int(counts[r20][i]),
                 nearest[i], float(distance[i]) if nearest[i] is not None else None, now)
                for i, code in enumerate(codes)
                if communes[i][3] in covered
            ]  # fmt: skip
            if connection.vendor == "postgresql":
                copy_rows(Proximity, COLUMNS, values)
                written += len(values)
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
