"""Great-circle distances with numpy for the API's "places around a point" filter."""

import math

import numpy as np

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_KM / 180


def bounding_box(lat, lon, radius_km):
    """(min_lat, min_lon, max_lat, max_lon) enclosing the circle, for an indexed SQL pre-filter."""
    dlat = radius_km / KM_PER_DEGREE_LAT
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = min(radius_km / (KM_PER_DEGREE_LAT * cos_lat), 180.0)
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon


def haversine_km(lat, lon, lats, lons):
    """Distances in km from one point to arrays of points (haversine, spherical Earth)."""
    lat1, lon1 = np.radians(lat), np.radians(lon)
    lat2, lon2 = np.radians(np.asarray(lats, dtype=float)), np.radians(np.asarray(lons, dtype=float))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def rank_within(rows, lat, lon, radius_km):
    """[(id, distance_km)] of the (id, lat, lon) rows within the radius, nearest first (ties by id)."""
    if not rows:
        return []
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    distances = haversine_km(lat, lon, [r[1] for r in rows], [r[2] for r in rows])
    keep = distances <= radius_km
    ids, distances = ids[keep], distances[keep]
    order = np.lexsort((ids, distances))
    return [(int(i), float(d)) for i, d in zip(ids[order], distances[order], strict=True)]
