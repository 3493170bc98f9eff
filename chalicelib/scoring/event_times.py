"""Times as features read them: days from stored times to `as_of`, for a whole page at once.

The last event's time comes packed (`lt`, chalicelib.domain.activity.pack_event_time: 8 bytes per record,
one numpy read per page); stored ISO stamps (`last_event_at` of records written before `lt` existed,
`created_at` of members items) are parsed for the whole page (_fixed_width_us, else numpy).
"""
from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.domain.activity import EVENT_TIME_FORMAT
from chalicelib.scoring.feature_names import MAX_DAYS
from chalicelib.scoring.page_attributes import attribute

if TYPE_CHECKING:
    import numpy as np

_NO_TIME_VALUE = -(2 ** 63)                   # no time: no stored time is 292,000 years before the epoch
_NO_TIME = struct.pack(EVENT_TIME_FORMAT, _NO_TIME_VALUE)


def days_since_event(records: Sequence[Mapping[str, Any] | None], as_of: datetime, *, raw: bool) -> np.ndarray:
    """Days from each record's last event to `as_of` (MAX_DAYS without one): from the packed times (`lt`,
    chalicelib.domain.activity.pack_event_time), read for the whole page at once; records without one
    (no event yet, or last written before `lt` existed) from their stamp (`last_event_at`), if any."""
    import numpy as np

    times = np.frombuffer(b"".join(attribute(records, "lt", "B" if raw else None, missing=_NO_TIME)),
                          dtype=EVENT_TIME_FORMAT)
    now = epoch_us(as_of)
    absent = times == _NO_TIME_VALUE
    if not absent.any():
        return (now - times).astype(np.float64) / 86_400e6
    days = (now - np.where(absent, now, times)).astype(np.float64) / 86_400e6
    rows = np.flatnonzero(absent)
    stamps = attribute([records[i] for i in rows.tolist()], "last_event_at", "S" if raw else None)
    days[rows] = days_before(as_of, stamps, MAX_DAYS)
    return days


@lru_cache(maxsize=16)
def epoch_us(as_of: datetime) -> int:
    """Microseconds since the Unix epoch of `as_of` (one run scores every page as of the same time)."""
    return (as_of - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def days_before(as_of: datetime, stamps: Sequence[str | None], missing: float) -> np.ndarray:
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
        out[present] = (epoch_us(as_of) - parsed).astype(np.float64) / 86_400e6
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
