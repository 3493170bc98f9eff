"""Times as features read them: days from stored times to `as_of`, for a whole page at once.

The last event's time comes packed (`lt`, chalicelib.domain.activity.pack_event_time: 8 bytes per record,
one numpy read per page); stored ISO stamps (`last_event_at` of records written before `lt` existed,
`created_at` of members items) are parsed by numpy for the whole page.
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

_NO_TIME_VALUE = -(2**63)  # no time: no stored time is 292,000 years before the epoch
_NO_TIME = struct.pack(EVENT_TIME_FORMAT, _NO_TIME_VALUE)


def days_since_event(records: Sequence[Mapping[str, Any] | None], as_of: datetime, *, raw: bool) -> np.ndarray:
    """Days from each record's last event to `as_of` (MAX_DAYS without one): from the packed times (`lt`,
    chalicelib.domain.activity.pack_event_time), read for the whole page at once; records without one
    (no event yet, or last written before `lt` existed) from their stamp (`last_event_at`), if any."""
    import numpy as np

    times = np.frombuffer(
        b"".join(attribute(records, "lt", "B" if raw else None, missing=_NO_TIME)), dtype=EVENT_TIME_FORMAT
    )
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
    """Days from each stored ISO stamp (`...Z`, as chalicelib.store.base.iso writes, or with an offset) to
    `as_of`, parsed by numpy for the whole page at once; `missing` where there is no stamp."""
    import numpy as np

    out = np.full(len(stamps), missing, dtype=np.float64)
    texts: list[str] = list(filter(None, stamps))
    if texts:
        present = slice(None) if len(texts) == len(stamps) else np.fromiter(map(bool, stamps), dtype=bool)
        parsed = np.array(
            [
                s.removesuffix("Z")
                if s.endswith("Z")
                else datetime.fromisoformat(s).astimezone(UTC).replace(tzinfo=None).isoformat()
                for s in texts
            ],
            dtype="datetime64[us]",
        ).astype(np.int64)
        out[present] = (epoch_us(as_of) - parsed).astype(np.float64) / 86_400e6
    return out
