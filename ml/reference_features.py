"""A slow, plain reference of the member features, for tests: one member at a time, loops over the
documented history format (chalicelib.domain.activity) and the live counters, no numpy.

It is written from the definitions (the feature names, DESIGN §8, the activity module's layout notes), not
from the fast code in chalicelib.scoring, so a test comparing the two proves the fast one right:
  - the windows are the WEEKS complete ISO weeks (China time) before the week of `as_of`;
  - a member's count of an event in a week is the compacted history's (`h`: format 2, cumulative cells from
    the newest week back modulo 2**16; format 1, weekly counts with the newest week in `hw`) plus the live
    counter `w<year>_<week>_<event>`, saturated at HISTORY_MAX; a week is active when any event counted;
  - "<event>_<w>w" sums an event's w most recent weeks; "weeks since" is the most recent week (0: the last
    complete one) with a count, WEEKS + 1 without; days since the last event come from the packed time
    `lt`, else the stamp `last_event_at`, else MAX_DAYS.
Serving never imports this module.
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.scoring.features import (
    CITY_CODES,
    MAX_DAYS,
    MEMBER_EVENTS,
    MEMBER_FEATURES,
    MEMBERSHIP_STATES,
    SERVICE_CATEGORIES,
    WEEKS,
    WORKER_GROUPS,
)

CHINA = ZoneInfo("Asia/Shanghai")
SATURATED = 65535  # a weekly count is kept up to this (a uint16 cell)
HEADER = struct.Struct("<BBHi")  # format, flags, number of events, newest week
COUNTER = re.compile(r"^w(\d{4})_(\d{2})_(.+)$")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
HALF_LIFE_WEEKS = 2


def monday_number(year: int, week: int) -> int:
    """A number per ISO week, one more each week (across years too)."""
    return date.fromisocalendar(year, week, 1).toordinal() // 7


def last_complete_week(as_of: datetime) -> int:
    year, week, _ = as_of.astimezone(CHINA).isocalendar()
    return monday_number(year, week) - 1


def history_weeks(record: Mapping[str, Any]) -> dict[tuple[str, int], int]:
    """(event, week number) -> count, from the compacted history `h` of a plain activity record."""
    blob = record.get("h")
    if not blob:
        return {}
    blob = bytes(blob)
    counts: dict[tuple[str, int], int] = {}
    if len(blob) == len(MEMBER_EVENTS) * WEEKS * 2:  # format 1: weekly, oldest week first
        newest = int(record["hw"])
        for e, event in enumerate(MEMBER_EVENTS):
            for j in range(WEEKS):
                (count,) = struct.unpack_from("<H", blob, 2 * (e * WEEKS + j))
                counts[(event, newest - (WEEKS - 1 - j))] = count
        return counts
    fmt, _flags, events, newest = HEADER.unpack_from(blob)
    assert (fmt, events) == (2, len(MEMBER_EVENTS)), (fmt, events)
    for e, event in enumerate(MEMBER_EVENTS):  # the active-weeks row is not read: derived
        previous = 0
        for k in range(WEEKS):
            (cell,) = struct.unpack_from("<H", blob, HEADER.size + 2 * (e * WEEKS + k))
            counts[(event, newest - k)] = (cell - previous) % 65536
            previous = cell
    return counts


def weekly(record: Mapping[str, Any] | None, as_of: datetime) -> tuple[dict[str, list[int]], list[int]]:
    """Each event's counts and the active weeks (0/1) in the window, most recent week first."""
    if record is None:
        return {event: [0] * WEEKS for event in MEMBER_EVENTS}, [0] * WEEKS
    counts = history_weeks(record) if record.get("h") else {}
    for name, value in record.items():
        m = COUNTER.match(name)
        if m and m.group(3) in MEMBER_EVENTS:
            key = (m.group(3), monday_number(int(m.group(1)), int(m.group(2))))
            counts[key] = counts.get(key, 0) + int(value)
    last = last_complete_week(as_of)
    by_event = {
        event: [min(counts.get((event, last - k), 0), SATURATED) for k in range(WEEKS)] for event in MEMBER_EVENTS
    }
    active = [1 if any(by_event[event][k] for event in MEMBER_EVENTS) else 0 for k in range(WEEKS)]
    return by_event, active


def microseconds(at: str | datetime) -> int:
    when = datetime.fromisoformat(at) if isinstance(at, str) else at
    return (when - EPOCH) // timedelta(microseconds=1)


def days_since_last_event(record: Mapping[str, Any] | None, as_of: datetime) -> float:
    if record is None:
        return MAX_DAYS
    if record.get("lt") is not None:
        (last,) = struct.unpack("<q", bytes(record["lt"]))
    elif record.get("last_event_at"):
        last = microseconds(record["last_event_at"])
    else:
        return MAX_DAYS
    return min(max((microseconds(as_of) - last) / 86_400e6, 0.0), MAX_DAYS)


def weeks_since(counts: list[int]) -> int:
    for k, count in enumerate(counts):
        if count:
            return k
    return WEEKS + 1


def member_features(profile: Mapping[str, Any], record: Mapping[str, Any] | None, as_of: datetime) -> dict[str, float]:
    """Every member feature of one member, by name: the profile fields of the members item and the plain
    activity record (None: no activity yet)."""
    events, active = weekly(record, as_of)
    f: dict[str, float] = {}
    for name in MEMBER_FEATURES:  # "<event>_<w>w": a sum over w weeks
        head, _, tail = name.rpartition("_")
        if head in events and tail.endswith("w") and tail[:-1].isdigit():
            f[name] = float(sum(events[head][: int(tail[:-1])]))
    for w in (4, 8, 26):
        f[f"active_weeks_{w}w"] = float(sum(active[:w]))
    f["requests_all_26w"] = sum(f[f"requests_{c}_26w"] for c in SERVICE_CATEGORIES)
    f["rejected_share_26w"] = f["request_rejected_26w"] / max(f["requests_all_26w"], 1.0)
    weights = [0.5 ** (k / HALF_LIFE_WEEKS) for k in range(WEEKS)]
    f["app_opens_ewm"] = sum(c * w for c, w in zip(events["app_opens"], weights, strict=True)) / sum(weights)
    f["weeks_since_active"] = float(weeks_since(active))
    f["weeks_since_checkin"] = float(weeks_since(events["checkins"]))
    f["days_since_last_event"] = days_since_last_event(record, as_of)
    f["app_opens_trend"] = f["app_opens_4w"] / 4 - f["app_opens_26w"] / 26
    f["checkins_trend"] = f["checkins_4w"] / 4 - f["checkins_26w"] / 26
    f["no_show_rate_13w"] = f["no_shows_13w"] / max(f["bookings_13w"], 1.0)
    created = profile.get("created_at")
    days = (microseconds(as_of) - microseconds(created)) / 86_400e6 if created else 0.0
    f["tenure_weeks"] = max(math.floor(days), 0) / 7
    f["has_employer"] = 1.0 if profile.get("employer_id") else 0.0
    for prefix, field, vocabulary in (
        ("membership", "membership_status", MEMBERSHIP_STATES),
        ("group", "worker_group", WORKER_GROUPS),
        ("city", "city", CITY_CODES),
    ):
        for term in vocabulary:
            f[f"{prefix}_{term}"] = 1.0 if profile.get(field) == term else 0.0
    return f
