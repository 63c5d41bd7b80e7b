"""The API's "places around a point" filter: a bounding box for SQL, then exact distances with numpy."""

import numpy as np

from communes.geo import bounding_box, haversine_km

__all__ = ["bounding_box", "rank_within"]


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
