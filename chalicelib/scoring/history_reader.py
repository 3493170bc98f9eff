"""The activity histories of a page of records, as features read them: the compacted history `h`
(chalicelib.domain.activity, format 2, or format 1 converted) plus the live counters of complete weeks,
as cumulative counts over the newest weeks, aligned to the weeks before `as_of`.

Windows are the complete ISO weeks (Asia/Shanghai, as the counters) before the week of `as_of`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.domain.activity import (
    ACTIVITY_ZONE,
    HISTORY_FORMAT,
    HISTORY_HEADER,
    HISTORY_MAX,
    HISTORY_WEEKS,
    HISTORY_WIDE,
    history_size,
    is_legacy_history,
    pack_history,
    read_history,
    week_serial,
)
from chalicelib.scoring.feature_names import NONE_WEEKS, WEEKS
from chalicelib.scoring.page_attributes import attribute

if TYPE_CHECKING:
    import numpy as np


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
    return {
        f"w{y}_{w:02d}_{e}": ei * WEEKS + (WEEKS - 1 - k)
        for k, (y, w) in enumerate(weeks)
        for ei, e in enumerate(events)
    }


_NOT_COUNTERS = frozenset(("member_id", "last_event", "last_event_at", "lt", "h", "hw", "p", "profiling_off", "sv"))


@dataclass(frozen=True)
class History:
    """A page's activity histories as features read them: `cumulative[i, r, k]` is row r's count over the
    k + 1 newest weeks of member i's history (rows: the events, then the active weeks; uint16 as stored,
    exact below 2**16, or wider), `lag[i]` how many weeks that newest week lies before the last complete week
    before `as_of` (None: none does)."""

    cumulative: Any
    lag: Any


def page_history(
    records: Sequence[Mapping[str, Any] | None], events: tuple[str, ...], as_of: datetime, *, raw: bool
) -> History:
    """The histories (`h`, chalicelib.domain.activity) and the live counters of complete weeks of `records`.

    `raw=True` reads DynamoDB's own item format ({"N": "3"}, {"B": b"..."}) as a Scan returns it. A page of
    format-2 histories without such live counters (the usual page after compaction) is the stored bytes
    themselves; only pages with live counters of the weeks counted are looked into item by item."""
    import numpy as np

    n, size = len(records), history_size(events)
    # the page's small objects first, while they are in cache, then its megabyte of histories
    blobs = attribute(records, "h", "B" if raw else None, missing=_no_history(events))
    keys = set().union(*filter(None, records))  # the page's attribute names, in C
    joined = b"".join(blobs)
    if len(joined) != n * size:  # format-1 histories, until a run has rewritten them
        newest = attribute(records, "hw", "N" if raw else None)
        joined = b"".join(_format_2(blob, events, hw) for blob, hw in zip(blobs, newest, strict=True))
    page = np.frombuffer(joined, dtype=_history_dtype(len(events)))
    kind = page["kind"]
    if n and ((kind & ~np.uint32(0xFF00)) != (HISTORY_FORMAT | len(events) << 16)).any():  # format and events
        raise ValueError(f"activity history must be format {HISTORY_FORMAT} of {len(events)} events")
    weeks = week_keys(as_of)
    lag = week_serial(*weeks[0]) - page["newest"]
    lag[page["newest"] == 0] = 0  # no history: zeros, however aligned
    history = History(page["cells"], lag if lag.any() else None)
    wide = (kind & np.uint32(HISTORY_WIDE << 8)) != 0
    if wide.any():  # an event counted 2**16 or more: its weeks added up exactly
        exact = history.cumulative.astype(np.int64)
        exact[wide] = np.cumsum(weekly_from(history.cumulative[wide]), axis=2, dtype=np.int64)
        history = History(exact, history.lag)
    index = _counter_index(events, tuple(weeks))
    if index.keys().isdisjoint(keys):  # no live counters, or of this week only, which no window reaches yet
        return history
    # counted again week by week, with the live counters (saturating like the history's cells)
    found = [
        (i, pos, int(value["N"] if raw else value))
        for i, record in enumerate(records)
        if record and not _NOT_COUNTERS.issuperset(record)
        for name, value in record.items()
        if (pos := index.get(name)) is not None
    ]
    weekly = _weekly(history)
    if found:
        rows, cells, counts = np.array(found, dtype=np.int64).T
        flat = weekly.reshape(n, -1)
        np.add.at(flat, (rows, cells), counts)
        np.add.at(flat, (rows, len(events) * WEEKS + cells % WEEKS), counts)  # that week: active
        np.minimum(weekly, HISTORY_MAX, out=weekly)
        np.minimum(weekly[:, -1], 1, out=weekly[:, -1])
    return History(np.cumsum(weekly[:, :, ::-1], axis=2, dtype=np.uint32), None)


def cumulative_at(history: History, columns: tuple[Any, Any, Any]) -> np.ndarray:
    """(n, len(rows)) counts of `rows[j]` over the `weeks_back[j]` + 1 weeks before the week of `as_of`
    (each 0..WEEKS-1), with `columns` = cells(rows, weeks_back), wherever each history's newest week
    lies; in the history's dtype."""
    import numpy as np

    cumulative = history.cumulative
    flat = cumulative.reshape(cumulative.shape[0], -1)
    rows, weeks_back, cells_at = columns
    if history.lag is None:
        return flat[:, cells_at]
    lag = history.lag[:, None]

    def cells_back(back: Any) -> Any:  # cell `back - lag`; before the history's newest week: 0
        at = np.clip(back - lag, -1, WEEKS - 1)
        got = np.take_along_axis(flat, rows * WEEKS + np.maximum(at, 0), axis=1).astype(np.int64)
        return np.where(at >= 0, got, 0)

    # minus the weeks a history newer than the window has after it (negative lag; otherwise nothing)
    return (cells_back(weeks_back) - cells_back(np.full_like(weeks_back, -1))).astype(cumulative.dtype)


@lru_cache(maxsize=8)
def cells(rows: tuple[int, ...], weeks_back: tuple[int, ...]) -> tuple[Any, Any, Any]:
    """cumulative_at's reading of (row, weeks back) pairs: the two as arrays and their flat cell indices."""
    import numpy as np

    r, k = np.array(rows), np.array(weeks_back)
    return r, k, r * WEEKS + k


def _through_each_week(history: History, rows: tuple[int, ...]) -> np.ndarray:
    """(n, len(rows), WEEKS): `rows`' counts over the k + 1 weeks before the week of `as_of`, k = 0..WEEKS-1."""
    if history.lag is None:
        return history.cumulative[:, list(rows)]
    through = cumulative_at(
        history, cells(tuple(r for r in rows for _ in range(WEEKS)), tuple(range(WEEKS)) * len(rows))
    )
    return through.reshape(-1, len(rows), WEEKS)


def rows_through(history: History, rows: tuple[int, ...]) -> list[np.ndarray]:
    """_through_each_week as one (n, WEEKS) array per row: the stored cells themselves when aligned."""
    if history.lag is None:
        return [history.cumulative[:, r] for r in rows]
    through = _through_each_week(history, rows)
    return [through[:, j] for j in range(len(rows))]


def weekly_from(through: np.ndarray) -> np.ndarray:
    """Weekly counts (most recent first) from counts over the 1, 2, .. WEEKS most recent weeks (last axis),
    same dtype: uint16 wraps, and weekly counts (at most HISTORY_MAX) come back exactly. As one long
    difference, each row's first week put back: numpy is slow on many short rows."""
    import numpy as np

    flat = np.ascontiguousarray(through).reshape(-1)
    out = flat.copy()
    out[1:] -= flat[:-1]
    out[::WEEKS] = flat[::WEEKS]
    return out.reshape(through.shape)


def first_week(counts: np.ndarray) -> np.ndarray:
    """Weeks since the most recent week with a count (0: the last complete week), NONE_WEEKS without one,
    from (n, WEEKS) counts most recent first, week by week or over the 1, 2, .. WEEKS most recent weeks: the
    first cell that is not 0 (a cell modulo 2**16 is 0 before that week, and its count alone at it)."""
    import numpy as np

    counted = counts != 0
    first = counted.argmax(axis=1)
    return np.where(counted[np.arange(len(first)), first], first, NONE_WEEKS)


def _weekly(history: History) -> np.ndarray:
    """Every row's weekly counts, oldest week first (weekly_counts' layout); uint32."""
    import numpy as np

    weekly = weekly_from(_through_each_week(history, tuple(range(history.cumulative.shape[1]))))
    return weekly[:, :, ::-1].astype(np.uint32)


def weekly_counts(
    records: Sequence[Mapping[str, Any] | None], events: Sequence[str], as_of: datetime, *, raw: bool = False
) -> np.ndarray:
    """(n, events + 1, WEEKS) weekly counts, oldest week first (column WEEKS-1 is the last complete week
    before the week of `as_of`), the last row 1 in the weeks in which any of the events happened: the history
    (`h`, chalicelib.domain.activity) plus the live counter attributes; absent counters are 0."""
    return _weekly(page_history(records, tuple(events), as_of, raw=raw))


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
