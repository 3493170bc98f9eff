"""When a station is open and which slots it offers, in the station's own time zone.

Slots start at the beginning of each opening range and follow each other every `slot_minutes`
while a whole slot still fits in the range. Times go in and out as aware datetimes; what is
stored is UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib.domain.stations import WEEKDAYS, Station, range_minutes


@dataclass(frozen=True, order=True)
class SlotTime:
    start: datetime  # aware, UTC
    end: datetime


def local_date(station: Station, at: datetime) -> date:
    return at.astimezone(station.zone).date()


def ranges_on(station: Station, day: date) -> list[str]:
    """The opening ranges of a local date: the dated exception if there is one, else the weekday's."""
    if day in station.exceptions:
        return station.exceptions[day]
    return station.hours.get(WEEKDAYS[day.weekday()], [])


def _wall(day: date, minutes: int, zone: ZoneInfo) -> datetime | None:
    """The instant of local wall time `minutes` after midnight of `day`; None if the clock skips it."""
    naive = datetime.combine(day, time(0)) + timedelta(minutes=minutes)
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return aware.astimezone(UTC)


def day_slots(station: Station, day: date) -> list[SlotTime]:
    """Every slot of a local date, in order."""
    slots: list[SlotTime] = []
    step = station.slot_minutes
    for text in ranges_on(station, day):
        begin, finish = range_minutes(text)
        for minute in range(begin, finish - step + 1, step):
            start = _wall(day, minute, station.zone)
            if start is not None:  # slots last `step` real minutes, also across a DST change
                slots.append(SlotTime(start, start + timedelta(minutes=step)))
    return slots


def day_bounds(station: Station, day: date) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next day) of a local date, in UTC."""
    zone = station.zone
    start = datetime.combine(day, time(0), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
    return start, end


def find_slot(station: Station, start: datetime) -> SlotTime | None:
    """The slot that starts exactly at `start`, if the station offers one."""
    start = start.astimezone(UTC)
    return next((s for s in day_slots(station, local_date(station, start)) if s.start == start), None)


def is_open(station: Station, at: datetime) -> bool:
    """Open at this instant: active and inside one of today's opening ranges."""
    if not station.active:
        return False
    local = at.astimezone(station.zone)
    minute = local.hour * 60 + local.minute
    return any(b <= minute < f for b, f in map(range_minutes, ranges_on(station, local.date())))


def current_slot(station: Station, at: datetime) -> SlotTime | None:
    """The slot running at this instant, if any."""
    return next((s for s in day_slots(station, local_date(station, at)) if s.start <= at < s.end), None)


def local_iso(at: datetime, zone: ZoneInfo) -> str:
    """ISO 8601 with the station's offset: 2026-11-27T10:00:00+08:00."""
    return at.astimezone(zone).isoformat(timespec="seconds")


def utc_iso(at: datetime) -> str:
    """ISO 8601 in UTC: 2026-11-27T02:00:00Z."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stamps(prefix: str, at: datetime, zone: ZoneInfo) -> dict[str, str]:
    """{prefix: local time, prefix_utc: UTC time}: how every time is shown in a response."""
    return {prefix: local_iso(at, zone), f"{prefix}_utc": utc_iso(at)}
