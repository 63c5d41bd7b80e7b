"""Straight-line distances on the sphere (haversine), vectorised with numpy for the finder and the pages."""

import numpy as np

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km; any argument may be a numpy array (broadcast)."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def distance_km(a_lat, a_lon, b_lat, b_lon):
    """Distance between two points as a float, or None when a coordinate is missing."""
    if None in (a_lat, a_lon, b_lat, b_lon):
        return None
    return float(haversine_km(a_lat, a_lon, b_lat, b_lon))
