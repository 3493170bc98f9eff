"""Geohash cells and great-circle distance: what nearby search needs, in plain Python.

A station is indexed under its geohash cell at a few precisions. A search covers the circle's
bounding box with every cell of one precision that touches it (not just the centre cell and its
eight neighbours, which misses stations when the radius is larger than a cell), so a station just
across a cell border is always found.
"""

from __future__ import annotations

import math

BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"
EARTH_RADIUS_M = 6_371_008.8
INDEXED_PRECISIONS = (5, 4)  # ~4.9 km and ~39 km cells; finer first
MAX_CELLS = 12  # queries one search may issue


def encode(lat: float, lng: float, precision: int) -> str:
    """The geohash of a point (standard base-32 alphabet, longitude bit first)."""
    lat_lo, lat_hi, lng_lo, lng_hi = -90.0, 90.0, -180.0, 180.0
    chars: list[str] = []
    bits, value, even = 0, 0, True
    while len(chars) < precision:
        if even:
            mid = (lng_lo + lng_hi) / 2
            value = value * 2 + (lng >= mid)
            lng_lo, lng_hi = (mid, lng_hi) if lng >= mid else (lng_lo, mid)
        else:
            mid = (lat_lo + lat_hi) / 2
            value = value * 2 + (lat >= mid)
            lat_lo, lat_hi = (mid, lat_hi) if lat >= mid else (lat_lo, mid)
        even, bits = not even, bits + 1
        if bits == 5:
            chars.append(BASE32[value])
            bits, value = 0, 0
    return "".join(chars)


def cell_size(precision: int) -> tuple[float, float]:
    """(height in degrees of latitude, width in degrees of longitude) of a cell."""
    lng_bits = (5 * precision + 1) // 2
    lat_bits = 5 * precision // 2
    return 180.0 / 2**lat_bits, 360.0 / 2**lng_bits


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Haversine distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a box that contains the circle."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    coslat = max(math.cos(math.radians(lat)), 1e-6)
    dlng = min(180.0, math.degrees(radius_m / (EARTH_RADIUS_M * coslat)))
    return max(-90.0, lat - dlat), lng - dlng, min(90.0, lat + dlat), lng + dlng


def _cells(box: tuple[float, float, float, float], precision: int) -> list[str]:
    south, west, north, east = box
    height, width = cell_size(precision)
    cells: list[str] = []
    row = math.floor((south + 90) / height)
    while row * height - 90 <= north and row * height < 180:
        col = math.floor((west + 180) / width)
        while col * width - 180 <= east:
            centre_lng = ((col + 0.5) * width) % 360 - 180
            cells.append(encode(row * height - 90 + height / 2, centre_lng, precision))
            col += 1
        row += 1
    return sorted(set(cells))


def covering_cells(lat: float, lng: float, radius_m: float) -> tuple[int, list[str]]:
    """The finest indexed precision whose cells covering the circle number at most MAX_CELLS,
    and those cells. Falls back to the coarsest precision for very large circles."""
    box = bounding_box(lat, lng, radius_m)
    for precision in INDEXED_PRECISIONS:
        cells = _cells(box, precision)
        if len(cells) <= MAX_CELLS:
            return precision, cells
    coarsest = INDEXED_PRECISIONS[-1]
    return coarsest, _cells(box, coarsest)
