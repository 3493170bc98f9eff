"""Stations for pure-rule tests (no AWS)."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.stations import Station

EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def a_station(**overrides: Any) -> Station:
    data: dict[str, Any] = {
        "station_id": "st1",
        "code": "SH-001",
        "kind": "rider_station",
        "name_zh": "驿站",
        "name_en": "Station",
        "address": "路 1 号",
        "city": "shanghai",
        "district": "黄浦区",
        "lat": 31.23,
        "lng": 121.47,
        "hours": {d: ["08:00-12:00", "13:00-20:00"] for d in EVERY_DAY},
        "slot_minutes": 30,
        "seats": 2,
        "created_at": "2026-11-01T00:00:00Z",
        "updated_at": "2026-11-01T00:00:00Z",
    }
    data.update(overrides)
    return Station.model_validate(data)
