"""Working days in mainland China, for deadlines (SLAs).

`holidays.China` knows the public holidays and the make-up workdays (调休: a Saturday or Sunday that is
a working day because a holiday was moved), so `is_working_day` is right across Golden Week and Spring
Festival. Deadlines are counted in China time.

SLA semantics: `add_working_hours` counts hours around the clock, but only on working days. A request
filed on a holiday starts its clock at 00:00 of the next working day; 24 SLA hours = one working day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
MAX_DAYS = 3660  # no deadline is ten years away: bounds the walk below


@lru_cache(maxsize=32)
def _calendar(year: int) -> Any:
    import holidays  # ~120 ms to import and ~130 ms for a first year: only when a deadline is computed

    return holidays.China(years=year)


def is_working_day(day: date) -> bool:
    """Monday-Friday unless a public holiday, plus the make-up Saturdays/Sundays."""
    return bool(_calendar(day.year).is_working_day(day))


def add_working_days(day: date, days: int) -> date:
    """The `days`-th working day after `day` (the day itself does not count)."""
    found = 0
    for step in range(1, MAX_DAYS):
        candidate = day + timedelta(days=step)
        if is_working_day(candidate):
            found += 1
            if found >= days:
                return candidate
    raise ValueError(f"no {days} working days within {MAX_DAYS} days of {day}")


def china_date(at: datetime) -> date:
    return at.astimezone(CHINA).date()


def add_working_hours(start: datetime, hours: float) -> datetime:
    """The instant `hours` working hours after `start` (aware), in UTC."""
    local, remaining = start.astimezone(CHINA), timedelta(hours=hours)
    for _ in range(MAX_DAYS):
        midnight = datetime.combine(local.date() + timedelta(days=1), time(0), CHINA)
        if is_working_day(local.date()):
            if local + remaining <= midnight:
                return (local + remaining).astimezone(UTC)
            remaining -= midnight - local
        local = midnight
    raise ValueError(f"{hours} working hours do not fit in {MAX_DAYS} days")
