"""The project's one great-circle distance (haversine on a spherical Earth), vectorised with numpy.

Every distance the product shows or ranks by — places around a commune, the finder's commute, the
advisors' pinned places, spouse-job suggestions, the sources' "is this point in its commune" check —
comes from here, so they all agree to the metre. The proximity k-d tree (``communes.proximity``) uses
the same Earth radius for its chords.
"""

import math

import numpy as np

# IUGG mean Earth radius: the usual choice for haversine distances.
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_KM / 180


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km between points given in degrees; any argument may be an array.

    Arguments broadcast like numpy arrays (one point against many, or pairwise). The haversine term is
    clipped to [0, 1] before the arcsine: rounding can push it a hair above 1 for antipodal points, and
    below 0 never happens but costs nothing to exclude.
    """
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=np.float64)) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def distance_km(a_lat, a_lon, b_lat, b_lon):
    """Distance between two points as a float, or None when a coordinate is missing."""
    if None in (a_lat, a_lon, b_lat, b_lon):
        return None
    return float(haversine_km(a_lat, a_lon, b_lat, b_lon))


def bounding_box(lat, lon, radius_km):
    """(min_lat, min_lon, max_lat, max_lon) enclosing the circle, for an indexed SQL pre-filter."""
    dlat = radius_km / KM_PER_DEGREE_LAT
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = min(radius_km / (KM_PER_DEGREE_LAT * cos_lat), 180.0)
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon
