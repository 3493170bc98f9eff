"""The station features (station demand): one row per future slot of one station, from its stored slots'
`booked` counts (same-time lags of past weeks, recent daily totals) and the station's kind and size."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.scoring.feature_matrix import stack
from chalicelib.scoring.feature_names import LAG_WEEKS, STATION_FEATURES, STATION_KINDS

if TYPE_CHECKING:
    import numpy as np


def station_matrix(
    station: Mapping[str, Any], slot_starts: Sequence[datetime], history: Mapping[datetime, int], as_of: datetime
) -> np.ndarray:
    """(len(slot_starts), len(STATION_FEATURES)) float32: one row per future slot of one station.

    `history` maps slot starts (aware) to the `booked` count stored on the slot item; slots never
    booked have no item and count as 0. Only slots that started before `as_of` are used.
    """
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(station.get("time_zone") or "Asia/Shanghai")
    past = {t.astimezone(UTC): int(v) for t, v in history.items() if t < as_of}
    week_ago, fortnight_ago = as_of - timedelta(days=7), as_of - timedelta(days=14)
    last_7 = sum(v for t, v in past.items() if t >= week_ago)
    prev_7 = sum(v for t, v in past.items() if fortnight_ago <= t < week_ago)
    by_time: dict[tuple[int, int], int] = {}
    for t, v in past.items():
        if t >= week_ago:
            local = t.astimezone(zone)
            by_time[(local.hour, local.minute)] = by_time.get((local.hour, local.minute), 0) + v
    kind = [1.0 if station.get("kind") == k else 0.0 for k in STATION_KINDS]
    rows = []
    for start in slot_starts:
        local = start.astimezone(zone)
        lags = [past.get((local - timedelta(weeks=k)).astimezone(UTC), 0) for k in range(1, LAG_WEEKS + 1)]
        rows.append(
            [
                local.hour + local.minute / 60,
                local.weekday(),
                1.0 if local.weekday() >= 5 else 0.0,
                (start - as_of).total_seconds() / 86400,
                float(station.get("seats") or 0),
                float(station.get("slot_minutes") or 0),
                *lags,
                sum(lags) / LAG_WEEKS,
                last_7 / 7,
                prev_7 / 7,
                by_time.get((local.hour, local.minute), 0) / 7,
                *kind,
            ]
        )
    cols: dict[str, Any] = (
        dict(zip(STATION_FEATURES, zip(*rows, strict=True), strict=True)) if rows else {n: [] for n in STATION_FEATURES}
    )
    return stack(cols, STATION_FEATURES)
