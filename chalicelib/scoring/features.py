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
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any, get_args

from chalicelib.domain.activity import (  # noqa: F401  (employer_subject is re-exported for ml/)
    ACTIVITY_ZONE,
    EMPLOYER_HISTORY_EVENTS,
    EVENT_TIME_FORMAT,
    HISTORY_FORMAT,
    HISTORY_HEADER,
    HISTORY_MAX,
    HISTORY_WEEKS,
    HISTORY_WIDE,
    MEMBER_HISTORY_EVENTS,
    PROFILE_FIELD_LAYOUT,
    PROFILE_FORMAT_VERSION,
    PROFILE_HAS_EMPLOYER,
    SERVICE_EVENT_CATEGORIES,
    employer_subject,
    history_size,
    is_legacy_history,
    pack_history,
    read_history,
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
    """Counter attribute name -> flat (event, week) position in the oldest-first layout, built once per week."""
    return {f"w{y}_{w:02d}_{e}": ei * WEEKS + (WEEKS - 1 - k) for k, (y, w) in enumerate(weeks)
            for ei, e in enumerate(events)}


_NOT_COUNTERS = frozenset(("member_id", "last_event", "last_event_at", "lt", "h", "hw", "p", "profiling_off", "sv"))


def _attribute(records: Sequence[Mapping[str, Any] | None], name: str, tag: str | None = None,
               missing: Any = None) -> list[Any]:
    """Attribute `name` of every record, `missing` where the record or the attribute is absent; `tag` unwraps
    DynamoDB's item format ({"N": "3"} -> "3" with tag "N")."""
    try:                       # a Scan page usually has it on every item: C-level lookups, no Python loop
        values = list(map(itemgetter(name), records))       # one level at a time: a just-decoded page is
        return list(map(itemgetter(tag), values)) if tag else values   # not in cache, and loads then overlap
    except (KeyError, TypeError):
        pass
    try:                       # some items lack it (e.g. a member with no event yet): still C-level
        values = list(map(dict.get, records, repeat(name), repeat(_ABSENT if tag else missing)))
        return list(map(dict.get, values, repeat(tag), repeat(missing))) if tag else values
    except TypeError:          # records that are None (no activity item) or not dicts: training, online
        values = [r.get(name) if r else None for r in records]
        values = [v.get(tag) if v else None for v in values] if tag else values
        return values if missing is None else [missing if v is None else v for v in values]


_ABSENT: Mapping[str, Any] = {}


@dataclass(frozen=True)
class _History:
    """A page's activity histories as features read them: `cumulative[i, r, k]` is row r's count over the
    k + 1 newest weeks of member i's history (rows: the events, then the active weeks; uint16 as stored,
    exact below 2**16, or wider), `lag[i]` how many weeks that newest week lies before the last complete week
    before `as_of` (None: none does)."""
    cumulative: Any
    lag: Any


def _page_history(records: Sequence[Mapping[str, Any] | None], events: tuple[str, ...], as_of: datetime, *,
                  raw: bool) -> _History:
    """The histories (`h`, chalicelib.domain.activity) and the live counters of complete weeks of `records`.

    `raw=True` reads DynamoDB's own item format ({"N": "3"}, {"B": b"..."}) as a Scan returns it. A page of
    format-2 histories without such live counters (the usual page after compaction) is the stored bytes
    themselves; only pages with live counters of the weeks counted are looked into item by item."""
    import numpy as np

    n, size = len(records), history_size(events)
    # the page's small objects first, while they are in cache, then its megabyte of histories
    blobs = _attribute(records, "h", "B" if raw else None, missing=_no_history(events))
    keys = set().union(*filter(None, records))            # the page's attribute names, in C
    joined = b"".join(blobs)
    if len(joined) != n * size:       # format-1 histories, until a run has rewritten them
        newest = _attribute(records, "hw", "N" if raw else None)
        joined = b"".join(_format_2(blob, events, hw) for blob, hw in zip(blobs, newest, strict=True))
    page = np.frombuffer(joined, dtype=_history_dtype(len(events)))
    kind = page["kind"]
    if n and ((kind & ~np.uint32(0xFF00)) != (HISTORY_FORMAT | len(events) << 16)).any():   # format and events
        raise ValueError(f"activity history must be format {HISTORY_FORMAT} of {len(events)} events")
    weeks = week_keys(as_of)
    lag = week_serial(*weeks[0]) - page["newest"]
    lag[page["newest"] == 0] = 0                          # no history: zeros, however aligned
    history = _History(page["cells"], lag if lag.any() else None)
    wide = (kind & np.uint32(HISTORY_WIDE << 8)) != 0
    if wide.any():                    # an event counted 2**16 or more: its weeks added up exactly
        exact = history.cumulative.astype(np.int64)
        exact[wide] = np.cumsum(_weekly_from(history.cumulative[wide]), axis=2, dtype=np.int64)
        history = _History(exact, history.lag)
    index = _counter_index(events, tuple(weeks))
    if index.keys().isdisjoint(keys):  # no live counters, or of this week only, which no window reaches yet
        return history
    # counted again week by week, with the live counters (saturating like the history's cells)
    found = [(i, pos, int(value["N"] if raw else value)) for i, record in enumerate(records)
             if record and not _NOT_COUNTERS.issuperset(record)
             for name, value in record.items() if (pos := index.get(name)) is not None]
    weekly = _weekly(history)
    if found:
        rows, cells, counts = np.array(found, dtype=np.int64).T
        flat = weekly.reshape(n, -1)
        np.add.at(flat, (rows, cells), counts)
        np.add.at(flat, (rows, len(events) * WEEKS + cells % WEEKS), counts)      # that week: active
        np.minimum(weekly, HISTORY_MAX, out=weekly)
        np.minimum(weekly[:, -1], 1, out=weekly[:, -1])
    return _History(np.cumsum(weekly[:, :, ::-1], axis=2, dtype=np.uint32), None)


def _cumulative_at(history: _History, columns: tuple[Any, Any]) -> np.ndarray:
    """(n, len(rows)) counts of `rows[j]` over the `weeks_back[j]` + 1 weeks before the week of `as_of`
    (each 0..WEEKS-1), with `columns` = _columns(rows, weeks_back), wherever each history's newest week
    lies; in the history's dtype."""
    import numpy as np

    cumulative = history.cumulative
    flat = cumulative.reshape(cumulative.shape[0], -1)
    rows, weeks_back, cells_at = columns
    if history.lag is None:
        return flat[:, cells_at]
    lag = history.lag[:, None]

    def cells(back: Any) -> Any:                          # cell `back - lag`; before the history's newest week: 0
        at = np.clip(back - lag, -1, WEEKS - 1)
        got = np.take_along_axis(flat, rows * WEEKS + np.maximum(at, 0), axis=1).astype(np.int64)
        return np.where(at >= 0, got, 0)

    # minus the weeks a history newer than the window has after it (negative lag; otherwise nothing)
    return (cells(weeks_back) - cells(np.full_like(weeks_back, -1))).astype(cumulative.dtype)


@lru_cache(maxsize=8)
def _columns(rows: tuple[int, ...], weeks_back: tuple[int, ...]) -> tuple[Any, Any, Any]:
    """_cumulative_at's reading of (row, weeks back) pairs: the two as arrays and their flat cell indices."""
    import numpy as np

    r, k = np.array(rows), np.array(weeks_back)
    return r, k, r * WEEKS + k


def _through_each_week(history: _History, rows: tuple[int, ...]) -> np.ndarray:
    """(n, len(rows), WEEKS): `rows`' counts over the k + 1 weeks before the week of `as_of`, k = 0..WEEKS-1."""
    if history.lag is None:
        return history.cumulative[:, list(rows)]
    through = _cumulative_at(history, _columns(tuple(r for r in rows for _ in range(WEEKS)), tuple(range(WEEKS)) * len(rows)))
    return through.reshape(-1, len(rows), WEEKS)


def _rows_through(history: _History, rows: tuple[int, ...]) -> list[np.ndarray]:
    """_through_each_week as one (n, WEEKS) array per row: the stored cells themselves when aligned."""
    if history.lag is None:
        return [history.cumulative[:, r] for r in rows]
    through = _through_each_week(history, rows)
    return [through[:, j] for j in range(len(rows))]


def _weekly_from(through: np.ndarray) -> np.ndarray:
    """Weekly counts (most recent first) from counts over the 1, 2, .. WEEKS most recent weeks (last axis),
    same dtype: uint16 wraps, and weekly counts (at most HISTORY_MAX) come back exactly. As one long
    difference, each row's first week put back: numpy is slow on many short rows."""
    import numpy as np

    flat = np.ascontiguousarray(through).reshape(-1)
    out = flat.copy()
    out[1:] -= flat[:-1]
    out[::WEEKS] = flat[::WEEKS]
    return out.reshape(through.shape)


def _first_week(counts: np.ndarray) -> np.ndarray:
    """Weeks since the most recent week with a count (0: the last complete week), NONE_WEEKS without one,
    from (n, WEEKS) counts most recent first, week by week or over the 1, 2, .. WEEKS most recent weeks: the
    first cell that is not 0 (a cell modulo 2**16 is 0 before that week, and its count alone at it)."""
    import numpy as np

    counted = counts != 0
    first = counted.argmax(axis=1)
    return np.where(counted[np.arange(len(first)), first], first, NONE_WEEKS)


def _weekly(history: _History) -> np.ndarray:
    """Every row's weekly counts, oldest week first (weekly_counts' layout); uint32."""
    import numpy as np

    weekly = _weekly_from(_through_each_week(history, tuple(range(history.cumulative.shape[1]))))
    return weekly[:, :, ::-1].astype(np.uint32)


def weekly_counts(records: Sequence[Mapping[str, Any] | None], events: Sequence[str], as_of: datetime, *,
                  raw: bool = False) -> np.ndarray:
    """(n, events + 1, WEEKS) weekly counts, oldest week first (column WEEKS-1 is the last complete week
    before the week of `as_of`), the last row 1 in the weeks in which any of the events happened: the history
    (`h`, chalicelib.domain.activity) plus the live counter attributes; absent counters are 0."""
    return _weekly(_page_history(records, tuple(events), as_of, raw=raw))


@lru_cache(maxsize=4)
def _no_history(events: tuple[str, ...]) -> bytes:
    """The history of a record without one: no newest week (0), all zeros."""
    return HISTORY_HEADER.pack(HISTORY_FORMAT, 0, len(events), 0) + bytes(history_size(events) - HISTORY_HEADER.size)


def _format_2(blob: bytes, events: tuple[str, ...], hw: Any) -> bytes:
    """A stored history in format 2 (format 1 is converted, with its separate newest week `hw`)."""
    if not is_legacy_history(blob, events):
        return blob
    newest, counts = read_history(blob, events, int(hw))
    return pack_history(counts, newest)  # type: ignore[arg-type]


@lru_cache(maxsize=4)
def _history_dtype(events: int) -> Any:
    """numpy's reading of a format-2 history (chalicelib.domain.activity.HISTORY_HEADER + cells): format,
    flags and events as one word."""
    import numpy as np

    if HISTORY_HEADER.format != "<BBHi":
        raise ValueError(f"history header {HISTORY_HEADER.format} is not read as format, flags, events, newest")
    return np.dtype([("kind", "<u4"), ("newest", "<i4"), ("cells", "<u2", (events + 1, HISTORY_WEEKS))])


@lru_cache(maxsize=1)
def _EWM_WEIGHTS() -> np.ndarray:  # noqa: N802
    """Weights of a weekly mean with a two-week half-life, most recent week first."""
    import numpy as np

    w = 0.5 ** (np.arange(WEEKS) / 2)
    return w / w.sum()


@lru_cache(maxsize=16)
def _epoch_us(as_of: datetime) -> int:
    """Microseconds since the Unix epoch of `as_of` (one run scores every page as of the same time)."""
    return (as_of - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def _days_before(as_of: datetime, stamps: Sequence[str | None], missing: float) -> np.ndarray:
    """Days from each stored UTC ISO stamp (`...Z`, as chalicelib.store.base.iso writes) to `as_of`, parsed
    for the whole page at once (_fixed_width_us, else numpy); `missing` where there is no stamp."""
    import numpy as np

    out = np.full(len(stamps), missing, dtype=np.float64)
    texts: list[str] = list(filter(None, stamps))           # type: ignore[arg-type]
    if texts:
        present = slice(None) if len(texts) == len(stamps) else np.fromiter(map(bool, stamps), dtype=bool)
        parsed = _fixed_width_us(texts)
        if parsed is None:
            parsed = np.array([s.removesuffix("Z") if s.endswith("Z")
                               else datetime.fromisoformat(s).astimezone(UTC).replace(tzinfo=None).isoformat()
                               for s in texts], dtype="datetime64[us]").astype(np.int64)
        out[present] = (_epoch_us(as_of) - parsed).astype(np.float64) / 86_400e6
    return out


# chalicelib.store.base.iso's form: 27 characters, digits where the template has 0, the other characters as they are
_ISO_TEMPLATE = "0000-00-00T00:00:00.000000Z"
# year, month, day, hour, minute, second, microsecond, second of the day: place value of each character
_ISO_FIELDS = ({0: 1000, 1: 100, 2: 10, 3: 1}, {5: 10, 6: 1}, {8: 10, 9: 1}, {11: 10, 12: 1}, {14: 10, 15: 1},
               {17: 10, 18: 1}, {20 + i: 10 ** (5 - i) for i in range(6)},
               {11: 36_000, 12: 3600, 14: 600, 15: 60, 17: 10, 18: 1})
_ISO_RANGE = ((0, 9999), (1, 12), (1, 31), (0, 23), (0, 59), (0, 59), (0, 999_999), (0, 86_399))
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)                 # February 29 checked apart


@lru_cache(maxsize=1)
def _iso_reading() -> tuple[np.ndarray, ...]:
    """The lowest and highest character at each position of _ISO_TEMPLATE; (8, 27) float32 place values of
    _ISO_FIELDS and the '0' offsets (each field below 2**24, so exact); the fields' lowest and highest."""
    import numpy as np

    template = np.frombuffer(_ISO_TEMPLATE.encode(), dtype=np.uint8)
    w = np.zeros((len(_ISO_FIELDS), len(_ISO_TEMPLATE)), dtype=np.float32)
    for k, places in enumerate(_ISO_FIELDS):
        w[k, list(places)] = list(places.values())
    low, high = np.array(_ISO_RANGE).T[:, :, None]
    return (template, np.where(template == ord("0"), ord("9"), template).astype(np.uint8), w,
            ord("0") * w.sum(axis=1, keepdims=True), low, high)


@lru_cache(maxsize=4)
def _iso_bounds(n: int) -> tuple[np.ndarray, np.ndarray]:
    """_iso_reading's character bounds repeated for n stamps: one flat comparison instead of n short ones."""
    import numpy as np

    lowest, highest = _iso_reading()[:2]
    return np.tile(lowest, n), np.tile(highest, n)


def _fixed_width_us(stamps: Sequence[str]) -> np.ndarray | None:
    """Microseconds since the Unix epoch of stamps all in iso()'s fixed-width form, read as digits for the
    whole page (numpy's parse of datetime64 strings costs more than the rest of a stamp's features); None
    when any stamp is in another form or not a valid time, for the general parse."""
    import numpy as np

    n, text = len(stamps), "".join(stamps)
    # read as rows of 27 characters: a stamp of another length would shift the rows from it on, and no
    # stamp that any writer produces (iso(), isoformat(), with or without offset) then leaves its row intact
    if len(text) != len(_ISO_TEMPLATE) * n or not text.isascii():
        return None
    chars = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    lowest, highest = _iso_bounds(n)
    if ((chars < lowest) | (chars > highest)).any():
        return None
    place_values, zeros, low, high = _iso_reading()[2:]
    fields = (place_values @ chars.reshape(n, -1).astype(np.float32).T - zeros).astype(np.int64)   # (fields, n)
    year, month, day, micro, second = fields[0], fields[1], fields[2], fields[6], fields[7]
    if ((fields < low) | (fields > high)).any() or (day > np.take(_DAYS_IN_MONTH, month - 1)).any():
        return None
    february_29 = (month == 2) & (day == 29)
    if february_29.any() and any(y % 4 or (y % 100 == 0 and y % 400) for y in year[february_29].tolist()):
        return None
    first = ((year - 1970) * 12 + month - 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return (first + day - 1) * 86_400_000_000 + second * 1_000_000 + micro


def _one_hot(values: Sequence[Any], vocabulary: Sequence[str]) -> np.ndarray:
    """(n, len(vocabulary)) indicators; values outside the vocabulary (or None) are all zeros."""
    import numpy as np

    position = {term: i for i, term in enumerate(vocabulary)}
    index = np.fromiter((position.get(v, -1) for v in values), dtype=np.int64, count=len(values))
    out = np.zeros((len(values), len(vocabulary) + 1))
    out[np.arange(len(values)), index] = 1.0          # -1 lands in the spare last column
    return out[:, :-1]


def _stack(columns: Mapping[str | tuple[str, ...], Any], names: tuple[str, ...]) -> np.ndarray:
    """(rows, len(names)) float32 in the order of `names` from columns by name; a tuple of names holds a 2-D
    block, one column per name, copied a run of adjacent columns at a time (a copy per column costs more
    than most features)."""
    import numpy as np

    rows = max((len(c) for c in columns.values() if hasattr(c, "__len__")), default=0)
    out = np.empty((rows, len(names)), dtype=np.float32)
    for values, runs in zip(columns.values(), _layout(names, tuple(columns)), strict=True):
        values = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=np.float64)
        for target, source in runs:
            out[:, target] = values if source is None else values[:, source]
    return out                                             # rounded to float32 once, here


@lru_cache(maxsize=16)
def _layout(names: tuple[str, ...], keys: tuple[str | tuple[str, ...], ...]) -> tuple[tuple[Any, ...], ...]:
    """For each key of the columns, where its values go in the matrix of `names`: (columns of the matrix,
    columns of the block or None for one column), a run of adjacent columns at a time."""
    computed = {name for key in keys for name in ((key,) if isinstance(key, str) else key)}
    if missing := [n for n in names if n not in computed]:
        raise KeyError(f"features not computed: {missing}")

    return tuple(((names.index(key), None),) if isinstance(key, str) else _runs([names.index(k) for k in key])
                 for key in keys)


def _runs(where: Sequence[int]) -> tuple[tuple[slice, slice], ...]:
    """Columns `where` of a block, as runs of adjacent columns: (columns of the matrix, of the block)."""
    starts = [i for i in range(len(where)) if i == 0 or where[i] != where[i - 1] + 1]
    return tuple((slice(where[a], where[b - 1] + 1), slice(a, b))
                 for a, b in zip(starts, [*starts[1:], len(where)], strict=True))


# --- members -------------------------------------------------------------------------------
# "<event> over the last <w> weeks" for every event and window is one cell of the event's cumulative
# history row (chalicelib.domain.activity), so the hot path of batch scoring gathers, it does not add up.


@dataclass(frozen=True)
class _Profiles:
    """The profile columns of n members, however they were read."""
    days_since_created: Any            # (n,) days from created_at to as_of; 0 when unknown
    has_employer: Any                  # (n,) 0/1
    membership: Any                    # (n, len(MEMBERSHIP_STATES)) indicators (0/1 or bool)
    group: Any                         # (n, len(WORKER_GROUPS)) indicators
    city: Any                          # (n, len(CITY_CODES)) indicators


def profile_of(member: Any) -> dict[str, Any]:
    """The profile fields features read, from a members item (PynamoDB model or dict)."""
    get = member.get if isinstance(member, Mapping) else lambda f: getattr(member, f, None)
    return {f: get(f) for f in PROFILE_FIELDS}


def _profiles(profiles: Sequence[Mapping[str, Any]], as_of: datetime) -> _Profiles:
    """From profile dicts (members items, synthetic or stored)."""
    import numpy as np

    return _Profiles(_days_before(as_of, [p.get("created_at") for p in profiles], 0.0),
                     np.array([1.0 if p.get("employer_id") else 0.0 for p in profiles]),
                     _one_hot([p.get("membership_status") for p in profiles], MEMBERSHIP_STATES),
                     _one_hot([p.get("worker_group") for p in profiles], WORKER_GROUPS),
                     _one_hot([p.get("city") for p in profiles], CITY_CODES))


@lru_cache(maxsize=1)
def _mirror_dtype() -> Any:
    """numpy's reading of the profile mirror (chalicelib.domain.activity.PROFILE_FIELD_LAYOUT); a text field
    is read as 8-byte words, so comparing a page's values with a vocabulary is a few integer comparisons."""
    import numpy as np

    kinds = {"B": "u1", "q": "<i8"}
    return np.dtype([(name, kinds.get(code) or ("<u8", _words(code))) for name, code in PROFILE_FIELD_LAYOUT])


def _words(code: str) -> int:
    width = int(code[:-1])
    if width % 8:
        raise ValueError(f"profile mirror text fields are whole 8-byte words: {code}")
    return width // 8


@lru_cache(maxsize=8)
def _vocabulary_words(field: str, vocabulary: tuple[str, ...]) -> np.ndarray:
    """(len(vocabulary), words) of each term as the mirror stores it (NUL-padded ASCII); a term the field
    cannot hold gets bytes no stored text has, so it matches nothing."""
    import numpy as np

    width = 8 * _words(dict(PROFILE_FIELD_LAYOUT)[field])
    stored = [t.encode().ljust(width, b"\0") if len(t.encode()) <= width else b"\xff" * width for t in vocabulary]
    return np.frombuffer(b"".join(stored), dtype="<u8").reshape(len(vocabulary), -1)


def _mirrored_profiles(blobs: Sequence[bytes], as_of: datetime) -> _Profiles:
    """From the activity items' profile mirrors (`p`), decoded for the whole page at once."""
    import numpy as np

    p = np.frombuffer(b"".join(blobs), dtype=_mirror_dtype())
    if len(p) and (p["version"] != PROFILE_FORMAT_VERSION).any():
        raise ValueError(f"profile mirror format is not {PROFILE_FORMAT_VERSION}")
    now = _epoch_us(as_of)
    created = p["created_us"]
    days = np.where(created != 0, (now - created).astype(np.float64) / 86_400e6, 0.0)

    def indicators(field: str, vocabulary: tuple[str, ...]) -> Any:
        words, terms = np.ascontiguousarray(p[field]), _vocabulary_words(field, vocabulary)
        equal = words[:, 0, None] == terms[:, 0]               # (n, terms), in the layout of the matrix
        for k in range(1, words.shape[1]):
            equal &= words[:, k, None] == terms[:, k]
        return equal

    return _Profiles(days, (p["flags"] & PROFILE_HAS_EMPLOYER).astype(bool),
                     indicators("membership_status", MEMBERSHIP_STATES), indicators("worker_group", WORKER_GROUPS),
                     indicators("city", CITY_CODES))


def member_matrix(profiles: Sequence[Mapping[str, Any]], records: Sequence[Mapping[str, Any] | None],
                  as_of: datetime, *, raw: bool = False) -> np.ndarray:
    """(n, len(MEMBER_FEATURES)) float32 from profiles and activity records (None = no activity yet).
    `raw=True`: the activity records are in DynamoDB's item format, as batch scoring scans them."""
    return _member_features(_page_history(records, MEMBER_EVENTS, as_of, raw=raw),
                            _days_since_event(records, as_of, raw=raw), _profiles(profiles, as_of))


def stored_member_matrix(items: Sequence[Mapping[str, Any]], as_of: datetime) -> np.ndarray:
    """Batch scoring's entry: activity items as a Scan returns them (DynamoDB's format), each carrying its
    member's profile mirror `p`; the same features as `member_matrix` with the members items."""
    return _member_features(_page_history(items, MEMBER_EVENTS, as_of, raw=True),
                            _days_since_event(items, as_of, raw=True),
                            _mirrored_profiles(_attribute(items, "p", "B"), as_of))


def _days_since_event(records: Sequence[Mapping[str, Any] | None], as_of: datetime, *, raw: bool) -> np.ndarray:
    """Days from each record's last event to `as_of` (MAX_DAYS without one): from the packed times (`lt`,
    chalicelib.domain.activity.pack_event_time), read for the whole page at once; records without one
    (no event yet, or last written before `lt` existed) from their stamp (`last_event_at`), if any."""
    import numpy as np

    times = np.frombuffer(b"".join(_attribute(records, "lt", "B" if raw else None, missing=_NO_TIME)),
                          dtype=EVENT_TIME_FORMAT)
    now = _epoch_us(as_of)
    absent = times == _NO_TIME_VALUE
    if not absent.any():
        return (now - times).astype(np.float64) / 86_400e6
    days = (now - np.where(absent, now, times)).astype(np.float64) / 86_400e6
    rows = np.flatnonzero(absent)
    stamps = _attribute([records[i] for i in rows.tolist()], "last_event_at", "S" if raw else None)
    days[rows] = _days_before(as_of, stamps, MAX_DAYS)
    return days


_NO_TIME_VALUE = -(2 ** 63)                   # no time: no stored time is 292,000 years before the epoch
_NO_TIME = struct.pack(EVENT_TIME_FORMAT, _NO_TIME_VALUE)


_APP_OPENS, _CHECKINS, _ALL = MEMBER_EVENTS.index("app_opens"), MEMBER_EVENTS.index("checkins"), len(MEMBER_EVENTS)
_PROFILE_BLOCKS = tuple(tuple(f"{prefix}_{term}" for term in vocabulary) for prefix, vocabulary in
                        (("membership", MEMBERSHIP_STATES), ("group", WORKER_GROUPS), ("city", CITY_CODES)))
_COLUMN = {name: j for j, name in enumerate(MEMBER_FEATURES)}


def _window_of(name: str) -> tuple[int, int]:
    """(history row, weeks) of an "<event>_<weeks>w" or "active_weeks_<weeks>w" feature."""
    event, weeks = name.rsplit("_", 1)
    return (_ALL if event == "active_weeks" else MEMBER_EVENTS.index(event)), int(weeks.removesuffix("w"))


# every "<event>_<weeks>w" feature, and the active weeks in a window, is one cell of a cumulative history row
_WINDOWS = tuple(name for name in MEMBER_FEATURES if (name.rsplit("_", 1)[0] in (*MEMBER_EVENTS, "active_weeks"))
                 and name.rsplit("_", 1)[1].removesuffix("w").isdigit() and name.endswith("w"))
_WINDOW_CELLS = tuple(zip(*(_window_of(name) for name in _WINDOWS), strict=True))
_WINDOW_RUNS = _runs([_COLUMN[name] for name in _WINDOWS])
_WINDOW_AT = {name: j for j, name in enumerate(_WINDOWS)}
# the window sums other features are derived from, read once as float64
_EXACT = (*(f"requests_{c}_{WEEKS}w" for c in SERVICE_CATEGORIES), f"request_rejected_{WEEKS}w", "app_opens_4w",
          f"app_opens_{WEEKS}w", "checkins_4w", f"checkins_{WEEKS}w", "no_shows_13w", "bookings_13w")
_EXACT_GATHER = [_WINDOW_AT[name] for name in _EXACT]


def _member_features(history: _History, days_since_event: np.ndarray, profiles: _Profiles) -> np.ndarray:
    """The one definition of the member features: the page's histories (_page_history), days since the
    last event, profile columns. Each feature is written straight into its column of the result."""
    import numpy as np

    n = history.cumulative.shape[0]
    out = np.empty((n, len(MEMBER_FEATURES)), dtype=np.float32)
    col = _COLUMN
    # every event over every window: one cell each (float32 is exact: integer counts far below 2**24)
    windows = _cumulative_at(history, _columns(_WINDOW_CELLS[0], tuple(w - 1 for w in _WINDOW_CELLS[1])))
    for target, source in _WINDOW_RUNS:
        out[:, target] = windows[:, source]
    exact = windows[:, _EXACT_GATHER].astype(np.float64)            # the sums features below are derived from
    e = {name: exact[:, k] for k, name in enumerate(_EXACT)}
    requests_all = exact[:, :len(SERVICE_CATEGORIES)].sum(axis=1)
    out[:, col["requests_all_26w"]] = requests_all
    out[:, col["rejected_share_26w"]] = e[f"request_rejected_{WEEKS}w"] / np.maximum(requests_all, 1.0)
    # app opens week by week (their weighted mean); when the member last checked in, and was active at all
    opens, checkins, active = _rows_through(history, (_APP_OPENS, _CHECKINS, _ALL))
    out[:, col["app_opens_ewm"]] = _weekly_from(opens).astype(np.float64) @ _EWM_WEIGHTS()
    out[:, col["weeks_since_checkin"]] = _first_week(checkins)
    out[:, col["weeks_since_active"]] = _first_week(active)
    out[:, col["days_since_last_event"]] = np.clip(days_since_event, 0.0, MAX_DAYS)
    out[:, col["app_opens_trend"]] = e["app_opens_4w"] / 4 - e[f"app_opens_{WEEKS}w"] / 26
    out[:, col["checkins_trend"]] = e["checkins_4w"] / 4 - e[f"checkins_{WEEKS}w"] / 26
    out[:, col["no_show_rate_13w"]] = e["no_shows_13w"] / np.maximum(e["bookings_13w"], 1.0)
    out[:, col["tenure_weeks"]] = np.maximum(np.floor(profiles.days_since_created), 0.0) / 7
    out[:, col["has_employer"]] = profiles.has_employer
    for names, block in zip(_PROFILE_BLOCKS, (profiles.membership, profiles.group, profiles.city), strict=True):
        out[:, col[names[0]]:col[names[-1]] + 1] = block
    return out


# --- employers -----------------------------------------------------------------------------

def employer_matrix(employers: Sequence[Mapping[str, Any]], records: Sequence[Mapping[str, Any] | None],
                    as_of: datetime) -> np.ndarray:
    """(n, len(EMPLOYER_FEATURES)) float32 from employers items and their activity records."""
    counts = weekly_counts(records, EMPLOYER_EVENTS, as_of)[:, :-1, ::-1].astype(float)  # most recent week first
    rights, joined, left = counts[:, 0, :], counts[:, 1, :], counts[:, 2, :]
    cols: dict[str, Any] = {
        **{f"rights_requests_{w}w": rights[:, :w].sum(axis=1) for w in (1, 2, 4, 8, 13, 26)},
        "weeks_since_rights_request": _first_week(rights),
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
