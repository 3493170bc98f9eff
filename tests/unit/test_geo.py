"""Geohash cells and distances for nearby search."""

import math
import random

import pytest

from chalicelib.domain import geo


def test_encode_matches_the_reference_geohash():
    assert geo.encode(57.64911, 10.40744, 11) == "u4pruydqqvj"
    assert geo.encode(31.2304, 121.4737, 5) == "wtw3s"


def test_cell_sizes_of_the_indexed_precisions():
    assert geo.cell_size(5) == pytest.approx((180 / 2**12, 360 / 2**13))
    height, width = geo.cell_size(4)
    assert height == pytest.approx(0.17578125) and width == pytest.approx(0.3515625)


def test_distance_between_peoples_square_and_tiananmen_is_about_1068_km():
    assert geo.distance_m(31.2304, 121.4737, 39.9087, 116.3975) == pytest.approx(1_068_000, rel=0.01)


def test_a_point_just_across_a_cell_border_is_covered():
    height, width = geo.cell_size(5)
    border_lng = 121.4737 - (121.4737 + 180) % width  # the western edge of the cell
    west, east = (31.2304, border_lng - 0.0005), (31.2304, border_lng + 0.0005)
    assert geo.encode(*west, 5) != geo.encode(*east, 5)  # ~95 m apart, different cells
    precision, cells = geo.covering_cells(*east, 300)
    assert precision == 5
    assert geo.encode(*west, 5) in cells


def test_small_radius_uses_fine_cells_and_large_radius_coarse_ones():
    p_small, small = geo.covering_cells(31.23, 121.47, 3000)
    p_large, large = geo.covering_cells(31.23, 121.47, 20_000)
    assert (p_small, p_large) == (5, 4)
    assert 1 <= len(small) <= geo.MAX_CELLS and 1 <= len(large) <= geo.MAX_CELLS


@pytest.mark.parametrize(
    "lat,lng,radius", [(31.23, 121.47, 3000), (22.54, 114.06, 10_000), (39.9, 116.4, 45_000), (0.01, 179.99, 5000)]
)
def test_every_point_inside_the_circle_lies_in_a_covering_cell(lat, lng, radius):
    precision, cells = geo.covering_cells(lat, lng, radius)
    rnd = random.Random(7)
    for _ in range(500):
        bearing, dist = rnd.uniform(0, 2 * math.pi), radius * math.sqrt(rnd.random())
        dlat = math.degrees(dist * math.cos(bearing) / geo.EARTH_RADIUS_M)
        dlng = math.degrees(dist * math.sin(bearing) / (geo.EARTH_RADIUS_M * math.cos(math.radians(lat))))
        p_lat, p_lng = lat + dlat, (lng + dlng + 180) % 360 - 180
        if geo.distance_m(lat, lng, p_lat, p_lng) <= radius:
            assert geo.encode(p_lat, p_lng, precision) in cells
