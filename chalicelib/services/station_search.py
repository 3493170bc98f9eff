"""What workers see: stations near them, and a station's slots for a day.

Search: one geohash-index Query per covering cell, issued concurrently, then one BatchGet of the
slots running now. Availability: one GetItem (the station) and one Query (the day's slots).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from chalicelib.domain import geo
from chalicelib.domain.booking_rules import SlotCounts, seats_left
from chalicelib.domain.schedule import SlotTime, current_slot, day_bounds, day_slots, is_open, ranges_on, stamps
from chalicelib.domain.station_views import AvailabilityOut, SlotOut, StationHit, StationSearch
from chalicelib.domain.stations import Station
from chalicelib.services.stations import load
from chalicelib.store import slots as slot_store
from chalicelib.store import stations as station_store


def _matches(station: Station, q: StationSearch, distance: float, now: datetime) -> bool:
    return (
        station.active
        and distance <= q.radius_km * 1000
        and (q.kind is None or station.kind == q.kind)
        and set(q.amenity) <= set(station.amenities)
        and (not q.open_now or is_open(station, now))
    )


def search(q: StationSearch, now: datetime) -> list[StationHit]:
    """Stations within the radius, nearest first, with open-now and the free seats of the current slot."""
    precision, cells = geo.covering_cells(q.lat, q.lng, q.radius_km * 1000)
    found = station_store.stations_in_cells(precision, cells)
    near = sorted(((geo.distance_m(q.lat, q.lng, s.lat, s.lng), s) for s in found), key=lambda p: p[0])
    near = [(d, s) for d, s in near if _matches(s, q, d, now)][: q.limit]
    open_now = {s.station_id for _, s in near if is_open(s, now)}
    running = {s.station_id: current_slot(s, now) for _, s in near if s.station_id in open_now}
    keys = [(sid, slot.start) for sid, slot in running.items() if slot is not None]
    counts = slot_store.counts_of(keys) if keys else {}
    return [_hit(s, d, s.station_id in open_now, running.get(s.station_id), counts) for d, s in near]


def _hit(
    station: Station,
    distance: float,
    open_now: bool,
    slot: SlotTime | None,
    counts: dict[tuple[str, datetime], SlotCounts],
) -> StationHit:
    free = seats_left(counts.get((station.station_id, slot.start)), station.seats) if slot else 0
    times = {}
    if slot is not None:
        times = {
            **stamps("current_slot_start", slot.start, station.zone),
            **stamps("current_slot_end", slot.end, station.zone),
        }
    return StationHit.model_validate(
        {
            **station.model_dump(include=set(StationHit.model_fields)),
            "distance_m": round(distance),
            "open_now": open_now,
            "free_seats_now": free,
            **times,
        }
    )


def availability(station_id: str, day: date, now: datetime) -> AvailabilityOut:
    """Every slot of a local day with its seats left; slots nobody booked yet have all seats free."""
    station = load(station_id)
    slots = day_slots(station, day) if station.active else []
    counts = slot_store.day_counts(station_id, *day_bounds(station, day)) if slots else {}
    notice = now + timedelta(minutes=station.rules.min_notice_minutes)
    horizon = now + timedelta(days=station.rules.max_days_ahead)
    out = []
    for slot in slots:
        c = counts.get(slot.start)
        left = seats_left(c, station.seats)
        out.append(
            SlotOut(
                **stamps("slot_start", slot.start, station.zone),
                **stamps("slot_end", slot.end, station.zone),
                capacity=station.seats,
                seats_left=left,
                waitlist=c.waiting if c else 0,
                bookable=left > 0 and notice <= slot.start <= horizon,
            )
        )
    return AvailabilityOut(
        station_id=station_id,
        date=day.isoformat(),
        time_zone=station.time_zone,
        closed=not slots,
        hours=ranges_on(station, day) if station.active else [],
        slots=out,
    )
