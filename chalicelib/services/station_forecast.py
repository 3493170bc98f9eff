"""Station demand: expected bookings per slot for the coming days vs seats, with a suggested seat count.

Reads: GetItem station + one Query of the station's slots over the last 29 days.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.schedule import SlotTime, day_slots
from chalicelib.domain.scoring_models import STATION_DEMAND
from chalicelib.domain.station_errors import StationNotFound
from chalicelib.domain.stations import Station
from chalicelib.scoring import features, model
from chalicelib.scoring.views import SlotForecast, StationForecastOut
from chalicelib.store import scoring_inputs
from chalicelib.store.base import iso
from chalicelib.store.stations import get_station

HISTORY = timedelta(days=7 * features.LAG_WEEKS + 1)
SEAT_QUANTILE = 0.9


def poisson_quantile(mean: float, q: float = SEAT_QUANTILE) -> int:
    """Smallest c with P(Poisson(mean) <= c) >= q: seats that cover demand in 9 slots out of 10."""
    term = total = math.exp(-mean)
    c = 0
    while total < q and c < 1000:
        c += 1
        term *= mean / c
        total += term
    return c


def upcoming_slots(station: Station, now: datetime, days: int) -> list[SlotTime]:
    end = now + timedelta(days=days)
    first = now.astimezone(station.zone).date()
    return [s for d in range(days + 1) for s in day_slots(station, first + timedelta(days=d)) if now <= s.start < end]


def expected(station: Station, slots: list[SlotTime], now: datetime) -> Any:
    """The model's expected bookings for each slot (numpy array)."""
    history = scoring_inputs.slot_history(station.station_id, now - HISTORY, now)
    item = station.model_dump(include={"kind", "seats", "slot_minutes", "time_zone"})
    x = features.station_matrix(item, [s.start for s in slots], history, now)
    return model.get(STATION_DEMAND).predict(x) if len(slots) else []


def station_forecast(station_id: str, days: int, now: datetime) -> StationForecastOut:
    found = get_station(station_id)
    if found is None:
        raise StationNotFound()
    station = found[0]
    slots = upcoming_slots(station, now, days) if station.active else []
    means = expected(station, slots, now)
    out = [
        SlotForecast(
            slot_start=iso(s.start),
            slot_start_local=s.start.astimezone(station.zone).isoformat(),
            expected_bookings=round(float(mu), 2),
            seats=station.seats,
            suggested_seats=poisson_quantile(float(mu)),
            expected_utilisation=round(float(mu) / station.seats, 3),
        )
        for s, mu in zip(slots, means, strict=True)
    ]
    return StationForecastOut(
        station_id=station_id,
        as_of=iso(now),
        days=days,
        model_version=model.get(STATION_DEMAND).version,
        expected_bookings_total=round(sum(s.expected_bookings for s in out), 1),
        seats_total=station.seats * len(out),
        slots=out,
    )
