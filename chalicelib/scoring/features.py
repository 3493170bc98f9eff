"""The one feature module: training (ml/) and serving compute features with this code only.

Inputs are the records the live system stores, exactly as stored:
  member    profile fields of the members item + the member's activity item
            ({"member_id", "last_event", "last_event_at", "w2026_48_bookings": 3, ...})
  employer  the employers item + the employer's activity item (subject id `employer#<id>` in the
            same activity table, written with the same `activity.record`)
  station   the stations item + its slot items' `booked` counts by slot start
Windows are the complete ISO weeks (Asia/Shanghai, as the counters) before the week of `as_of`.

Each `*_matrix` returns rows in the order of `*_FEATURES`; a single row is the matrix of one,
so online and batch scoring cannot drift apart. numpy is imported inside the functions: app.py
imports this module's names without paying for numpy.
"""
from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, get_args

from chalicelib.domain.activity import (  # noqa: F401  (employer_subject is re-exported for ml/)
    ACTIVITY_ZONE,
    EMPLOYER_HISTORY_EVENTS,
    HISTORY_WEEKS,
    MEMBER_HISTORY_EVENTS,
    SERVICE_EVENT_CATEGORIES,
    employer_subject,
    week_serial,
)
from chalicelib.domain.members import CITIES, WorkerGroup
from chalicelib.domain.stations import StationKind

if TYPE_CHECKING:
    import numpy as np

FEATURES_VERSION = 1              # bump when a feature's meaning changes without its name changing
WEEKS = 26
NONE_WEEKS = WEEKS + 1            # "weeks since" when nothing happened in the window
MAX_DAYS = 400.0
LAG_WEEKS = 4

# the scenario categories (chalicelib.domain.scenarios.Category) a member may be offered; requests count as
# `requests_<category>` events (chalicelib.domain.cases.category_event)
SERVICE_CATEGORIES: tuple[str, ...] = SERVICE_EVENT_CATEGORIES
MEMBER_EVENTS: tuple[str, ...] = MEMBER_HISTORY_EVENTS
EMPLOYER_EVENTS: tuple[str, ...] = EMPLOYER_HISTORY_EVENTS
WORKER_GROUPS: tuple[str, ...] = get_args(WorkerGroup)
CITY_CODES: tuple[str, ...] = tuple(CITIES)
MEMBERSHIP_STATES: tuple[str, ...] = ("active", "grace", "lapsed")
STATION_KINDS: tuple[str, ...] = get_args(StationKind)
INDUSTRIES: tuple[str, ...] = ("delivery_platform", "ride_hailing", "logistics", "manufacturing", "construction",
                               "sanitation", "domestic_services")
PROFILE_FIELDS: tuple[str, ...] = ("worker_group", "city", "employer_id", "membership_status", "created_at")
_ROLLED = ("app_opens", "bookings", "checkins", "no_shows", "cancellations")
_WINDOWS: dict[str, tuple[int, ...]] = {"app_opens": (1, 2, 4, 8, 13, 26), "bookings": (4, 8, 13, 26),
                                        "checkins": (2, 4, 8, 13, 26), "no_shows": (4, 13, 26), "cancellations": (4, 13, 26)}


MEMBER_FEATURES: tuple[str, ...] = (
    *(f"{e}_{w}w" for e in _ROLLED for w in _WINDOWS[e]),
    "waitlist_joins_13w",
    *(f"requests_{c}_{w}" for c in SERVICE_CATEGORIES for w in ("4w", "26w")),
    "requests_all_26w", "request_rejected_26w", "request_withdrawn_26w", "request_ratings_26w", "rejected_share_26w",
    "active_weeks_4w", "active_weeks_8w", "active_weeks_26w", "app_opens_ewm", "weeks_since_active", "weeks_since_checkin", "days_since_last_event",
    "app_opens_trend", "checkins_trend", "no_show_rate_13w",
    "tenure_weeks", *(f"membership_{s}" for s in MEMBERSHIP_STATES), "has_employer",
    *(f"group_{g}" for g in WORKER_GROUPS), *(f"city_{c}" for c in CITY_CODES),
)
STATION_FEATURES: tuple[str, ...] = (
    "hour", "weekday", "is_weekend", "days_ahead", "seats", "slot_minutes",
    *(f"lag_{k}w" for k in range(1, LAG_WEEKS + 1)), "lag_mean_4w",
    "station_daily_7d", "station_daily_prev_7d", "same_time_daily_7d",
    *(f"kind_{k}" for k in STATION_KINDS),
)
EMPLOYER_FEATURES: tuple[str, ...] = (
    *(f"rights_requests_{w}w" for w in (1, 2, 4, 8, 13, 26)), "rights_requests_trend",
    "weeks_since_rights_request", "members_joined_26w", "members_left_13w", "members_left_26w",
    "left_per_joined_26w", "rights_per_joined_26w", "has_union", *(f"industry_{i}" for i in INDUSTRIES),
)
FEATURE_SETS: dict[str, tuple[str, ...]] = {"member": MEMBER_FEATURES, "station": STATION_FEATURES,
                                            "employer": EMPLOYER_FEATURES}


def feature_hash(names: Sequence[str]) -> str:
    """Identifies a feature list (names, order, FEATURES_VERSION): artifacts carry it, serving checks it."""
    return hashlib.sha256(f"v{FEATURES_VERSION}:{','.join(names)}".encode()).hexdigest()[:16]


# --- weekly counters -----------------------------------------------------------------------

def week_keys(as_of: datetime) -> list[tuple[int, int]]:
    """(ISO year, week) of the WEEKS complete weeks before the week of `as_of`, most recent first."""
    local = as_of.astimezone(ACTIVITY_ZONE).date()
    return list(_weeks_before(local - timedelta(days=local.weekday())))


@lru_cache(maxsize=16)
def _weeks_before(monday: date) -> tuple[tuple[int, int], ...]:
    return tuple(tuple((monday - timedelta(weeks=k)).isocalendar())[:2] for k in range(1, WEEKS + 1))  # type: ignore[misc]


@lru_cache(maxsize=16)
def _counter_index(events: tuple[str, ...], weeks: tuple[tuple[int, int], ...]) -> dict[str, int]:
    """Counter attribute name -> flat (event, week) position, built once per week (it is the same all week)."""
    return {f"w{y}_{w:02d}_{e}": ei * WEEKS + k for k, (y, w) in enumerate(weeks) for ei, e in enumerate(events)}


_NOT_COUNTERS = ("member_id", "last_event", "last_event_at", "h", "hw", "profiling_off")


def weekly_counts(records: Sequence[Mapping[str, Any] | None], events: Sequence[str], as_of: datetime, *,
                  raw: bool = False) -> np.ndarray:
    """(n, events, WEEKS) counts: the compacted history (`h`/`hw`, chalicelib.domain.activity) plus the live
    counter attributes; absent counters are 0.

    `raw=True` reads DynamoDB's own item format ({"N": "3"}, {"B": b"..."}) as a Scan returns it, so batch
    scoring does not convert attributes to Python values first. One pass over the records; only items
    with live counters are looked into attribute by attribute (after compaction, few are).
    """
    import numpy as np

    index = _counter_index(tuple(events), tuple(week_keys(as_of)))
    stride = len(events) * WEEKS
    positions: list[int] = []
    values: list[Any] = []
    hist_rows: list[int] = []
    blobs: list[Any] = []
    newest: list[Any] = []
    get = index.get
    for i, record in enumerate(records):       # the hot loop of batch scoring
        if not record:
            continue
        h = record.get("h")
        if h is not None:
            hist_rows.append(i)
            blobs.append(h["B"] if raw else h)
            newest.append(record["hw"]["N"] if raw else record["hw"])
        if len(record) <= sum(1 for k in _NOT_COUNTERS if k in record):
            continue                           # nothing live
        base = i * stride
        for name, value in record.items():
            pos = get(name)
            if pos is not None:
                positions.append(base + pos)
                values.append(value["N"] if raw else value)
    out = np.zeros(len(records) * stride)
    out[positions] = np.asarray(values, dtype=np.float64)
    out = out.reshape(len(records), len(events), WEEKS)
    if hist_rows:
        _add_history(out, hist_rows, blobs, np.asarray(newest, dtype=np.int64), len(events), as_of)
    return out


def _add_history(out: np.ndarray, rows: list[int], blobs: list[Any], newest: np.ndarray, n_events: int,
                 as_of: datetime) -> None:
    """Add compacted histories to `out` week by week (rows grouped by how old their newest week is)."""
    import numpy as np

    width = n_events * HISTORY_WEEKS * 2
    if any(len(b) != width for b in blobs):
        raise ValueError(f"activity history of {n_events} events must be {width} bytes")
    history = np.frombuffer(b"".join(blobs), dtype="<u2").reshape(len(rows), n_events, HISTORY_WEEKS)
    lag = week_serial(*week_keys(as_of)[0]) - newest
    at = np.asarray(rows)
    for d in np.unique(lag).tolist():
        # out column k holds week (last - k); stored column j holds week (newest - (HISTORY_WEEKS-1-j))
        column = HISTORY_WEEKS - 1 - np.arange(WEEKS) + d
        keep = (column >= 0) & (column < HISTORY_WEEKS)
        group = lag == d
        out[at[group][:, None], :, np.flatnonzero(keep)[None, :]] += \
            history[group][:, :, column[keep]].transpose(0, 2, 1)


def _EWM_WEIGHTS() -> np.ndarray:  # noqa: N802
    """Weights of a weekly mean with a two-week half-life, most recent week first."""
    import numpy as np

    w = 0.5 ** (np.arange(WEEKS) / 2)
    return w / w.sum()


def _weeks_since(mask: np.ndarray) -> np.ndarray:
    import numpy as np

    return np.where(mask.any(axis=1), mask.argmax(axis=1), NONE_WEEKS)


def _days_before(as_of: datetime, stamps: Sequence[str | None], missing: float) -> np.ndarray:
    """Days from each stored UTC ISO stamp (`...Z`, as chalicelib.store.base.iso writes) to `as_of`, parsed
    by numpy at once; `missing` where there is no stamp."""
    import numpy as np

    present = [i for i, s in enumerate(stamps) if s]
    out = np.full(len(stamps), missing, dtype=np.float64)
    if present:
        parsed = np.array([stamps[i].removesuffix("Z") if stamps[i].endswith("Z")      # type: ignore[union-attr]
                           else datetime.fromisoformat(stamps[i]).astimezone(UTC).replace(tzinfo=None).isoformat()  # type: ignore[arg-type]
                           for i in present], dtype="datetime64[us]")
        now = np.datetime64(as_of.astimezone(UTC).replace(tzinfo=None), "us")
        out[present] = (now - parsed).astype(np.float64) / 86_400e6
    return out


def _one_hot(values: Sequence[Any], vocabulary: Sequence[str]) -> np.ndarray:
    """(n, len(vocabulary)) indicators; values outside the vocabulary (or None) are all zeros."""
    import numpy as np

    position = {term: i for i, term in enumerate(vocabulary)}
    index = np.fromiter((position.get(v, -1) for v in values), dtype=np.int64, count=len(values))
    out = np.zeros((len(values), len(vocabulary) + 1))
    out[np.arange(len(values)), index] = 1.0          # -1 lands in the spare last column
    return out[:, :-1]


def _stack(columns: dict[str, Any], names: Sequence[str]) -> np.ndarray:
    import numpy as np

    missing = [n for n in names if n not in columns]
    if missing:
        raise KeyError(f"features not computed: {missing}")
    return np.column_stack([np.asarray(columns[n], dtype=np.float64) for n in names]).astype(np.float32)


# --- members -------------------------------------------------------------------------------

def profile_of(member: Any) -> dict[str, Any]:
    """The profile fields features read, from a members item (PynamoDB model or dict)."""
    get = member.get if isinstance(member, Mapping) else lambda f: getattr(member, f, None)
    return {f: get(f) for f in PROFILE_FIELDS}


def member_matrix(profiles: Sequence[Mapping[str, Any]], records: Sequence[Mapping[str, Any] | None],
                  as_of: datetime, *, raw: bool = False) -> np.ndarray:
    """(n, len(MEMBER_FEATURES)) float32 from profiles and activity records (None = no activity yet).
    `raw=True`: the activity records are in DynamoDB's item format, as batch scoring scans them."""
    import numpy as np

    counts = weekly_counts(records, MEMBER_EVENTS, as_of, raw=raw)
    ev = {e: counts[:, i, :] for i, e in enumerate(MEMBER_EVENTS)}
    upto = counts.cumsum(axis=2)                     # upto[:, e, w-1] = event e over the last w weeks
    last = {e: upto[:, i, :] for i, e in enumerate(MEMBER_EVENTS)}
    cols: dict[str, Any] = {}
    for e in _ROLLED:
        for w in _WINDOWS[e]:
            cols[f"{e}_{w}w"] = last[e][:, w - 1]
    cols["waitlist_joins_13w"] = last["waitlist_joins"][:, 12]
    for c in SERVICE_CATEGORIES:
        cols[f"requests_{c}_4w"] = last[f"requests_{c}"][:, 3]
        cols[f"requests_{c}_26w"] = last[f"requests_{c}"][:, WEEKS - 1]
    cols["requests_all_26w"] = sum(cols[f"requests_{c}_26w"] for c in SERVICE_CATEGORIES)
    for e in ("request_rejected", "request_withdrawn", "request_ratings"):
        cols[f"{e}_26w"] = last[e][:, WEEKS - 1]
    cols["rejected_share_26w"] = cols["request_rejected_26w"] / np.maximum(cols["requests_all_26w"], 1.0)
    active = counts.sum(axis=1) > 0
    cols["active_weeks_4w"] = active[:, :4].sum(axis=1)
    cols["active_weeks_8w"] = active[:, :8].sum(axis=1)
    cols["active_weeks_26w"] = active.sum(axis=1)
    cols["app_opens_ewm"] = ev["app_opens"] @ _EWM_WEIGHTS()
    cols["weeks_since_active"] = _weeks_since(active)
    cols["weeks_since_checkin"] = _weeks_since(ev["checkins"] > 0)
    stamps = [((r or {}).get("last_event_at") or {}).get("S") for r in records] if raw else \
        [(r or {}).get("last_event_at") for r in records]
    cols["days_since_last_event"] = np.clip(_days_before(as_of, stamps, MAX_DAYS), 0.0, MAX_DAYS)
    cols["app_opens_trend"] = cols["app_opens_4w"] / 4 - cols["app_opens_26w"] / 26
    cols["checkins_trend"] = cols["checkins_4w"] / 4 - cols["checkins_26w"] / 26
    cols["no_show_rate_13w"] = cols["no_shows_13w"] / np.maximum(cols["bookings_13w"], 1.0)
    cols["tenure_weeks"] = np.maximum(np.floor(_days_before(as_of, [p.get("created_at") for p in profiles], 0.0)),
                                      0.0) / 7
    for name, column in zip((f"membership_{s}" for s in MEMBERSHIP_STATES),
                            _one_hot([p.get("membership_status") for p in profiles], MEMBERSHIP_STATES).T, strict=True):
        cols[name] = column
    cols["has_employer"] = [1.0 if p.get("employer_id") else 0.0 for p in profiles]
    for prefix, field, vocab in (("group", "worker_group", WORKER_GROUPS), ("city", "city", CITY_CODES)):
        for term, column in zip(vocab, _one_hot([p.get(field) for p in profiles], vocab).T, strict=True):
            cols[f"{prefix}_{term}"] = column
    return _stack(cols, MEMBER_FEATURES)


# --- employers -----------------------------------------------------------------------------

def employer_matrix(employers: Sequence[Mapping[str, Any]], records: Sequence[Mapping[str, Any] | None],
                    as_of: datetime) -> np.ndarray:
    """(n, len(EMPLOYER_FEATURES)) float32 from employers items and their activity records."""
    counts = weekly_counts(records, EMPLOYER_EVENTS, as_of)
    rights, joined, left = counts[:, 0, :], counts[:, 1, :], counts[:, 2, :]
    cols: dict[str, Any] = {
        **{f"rights_requests_{w}w": rights[:, :w].sum(axis=1) for w in (1, 2, 4, 8, 13, 26)},
        "weeks_since_rights_request": _weeks_since(rights > 0),
        "members_joined_26w": joined.sum(axis=1), "members_left_13w": left[:, :13].sum(axis=1),
        "members_left_26w": left.sum(axis=1),
        "has_union": [1.0 if e.get("has_union") else 0.0 for e in employers],
    }
    cols["rights_requests_trend"] = cols["rights_requests_4w"] / 4 - cols["rights_requests_26w"] / 26
    cols["left_per_joined_26w"] = cols["members_left_26w"] / (cols["members_joined_26w"] + 1)
    cols["rights_per_joined_26w"] = cols["rights_requests_26w"] / (cols["members_joined_26w"] + 1)
    for term, column in zip(INDUSTRIES, _one_hot([e.get("industry") for e in employers], INDUSTRIES).T, strict=True):
        cols[f"industry_{term}"] = column
    return _stack(cols, EMPLOYER_FEATURES)


# --- stations ------------------------------------------------------------------------------

def station_matrix(station: Mapping[str, Any], slot_starts: Sequence[datetime], history: Mapping[datetime, int],
                   as_of: datetime) -> np.ndarray:
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
        rows.append([local.hour + local.minute / 60, local.weekday(), 1.0 if local.weekday() >= 5 else 0.0,
                     (start - as_of).total_seconds() / 86400, float(station.get("seats") or 0),
                     float(station.get("slot_minutes") or 0), *lags, sum(lags) / LAG_WEEKS,
                     last_7 / 7, prev_7 / 7, by_time.get((local.hour, local.minute), 0) / 7, *kind])
    cols = dict(zip(STATION_FEATURES, zip(*rows, strict=True), strict=True)) if rows else {n: [] for n in STATION_FEATURES}
    return _stack(cols, STATION_FEATURES)
