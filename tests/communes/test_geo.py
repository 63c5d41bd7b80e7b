"""The project's one distance function, and that every place in the code uses it."""

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from communes.geo import EARTH_RADIUS_KM, distance_km, haversine_km

ROOT = Path(__file__).resolve().parents[2]


def test_known_distances():
    assert distance_km(48.8566, 2.3522, 48.2973, 4.0744) == pytest.approx(141.3, abs=0.5)  # Paris–Troyes
    assert distance_km(48.0, 4.0, 49.0, 4.0) == pytest.approx(np.pi * EARTH_RADIUS_KM / 180, rel=1e-9)
    assert distance_km(48.0, 4.0, 48.0, 4.0) == 0
    assert distance_km(None, 4.0, 48.0, 4.0) is None


def test_one_point_against_many_and_antipodes_are_clipped():
    distances = haversine_km(48.0, 4.0, [48.0, 49.0, -48.0], [4.0, 4.0, -176.0])
    assert distances.shape == (3,)
    # Antipodal points: rounding can push the haversine term above 1; clipped, the result is half the
    # circumference, never NaN.
    assert distances[2] == pytest.approx(np.pi * EARTH_RADIUS_KM)
    assert not np.isnan(haversine_km(0.0, 0.0, 0.0, 180.0))


def test_no_other_copy_of_the_haversine_formula_in_the_project():
    tracked = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    offenders = []
    for name in tracked.stdout.split():
        if name == "communes/geo.py" or name.startswith("tests/"):
            continue
        text = (ROOT / name).read_text(encoding="utf-8")
        if re.search(r"6371\.|def haversine|arcsin\(np\.sqrt|asin\(.*sqrt", text):
            offenders.append(name)
    assert offenders == []
