"""The member features: one definition (_member_features) over the page's histories, days since the last
event and profile columns, whether those come from members items and plain activity records (online
scoring, training) or from activity items as a Scan returns them (batch scoring).

"<event> over the last <w> weeks" for every event and window is one cell of the event's cumulative
history row (chalicelib.domain.activity), so the hot path of batch scoring gathers, it does not add up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.scoring.event_times import days_since_event
from chalicelib.scoring.feature_matrix import runs
from chalicelib.scoring.feature_names import (
    CITY_CODES,
    MAX_DAYS,
    MEMBER_EVENTS,
    MEMBER_FEATURES,
    MEMBERSHIP_STATES,
    SERVICE_CATEGORIES,
    WEEKS,
    WORKER_GROUPS,
)
from chalicelib.scoring.history_reader import (
    History,
    cells,
    cumulative_at,
    first_week,
    page_history,
    rows_through,
    weekly_from,
)
from chalicelib.scoring.page_attributes import attribute
from chalicelib.scoring.profile_columns import Profiles, mirrored_profiles, profiles_of

if TYPE_CHECKING:
    import numpy as np


def member_matrix(
    profiles: Sequence[Mapping[str, Any]],
    records: Sequence[Mapping[str, Any] | None],
    as_of: datetime,
    *,
    raw: bool = False,
) -> np.ndarray:
    """(n, len(MEMBER_FEATURES)) float32 from profiles and activity records (None = no activity yet).
    `raw=True`: the activity records are in DynamoDB's item format, as batch scoring scans them."""
    return _member_features(
        page_history(records, MEMBER_EVENTS, as_of, raw=raw),
        days_since_event(records, as_of, raw=raw),
        profiles_of(profiles, as_of),
    )


def stored_member_matrix(items: Sequence[Mapping[str, Any]], as_of: datetime) -> np.ndarray:
    """Batch scoring's entry: activity items as a Scan returns them (DynamoDB's format), each carrying its
    member's profile mirror `p`; the same features as `member_matrix` with the members items."""
    return _member_features(
        page_history(items, MEMBER_EVENTS, as_of, raw=True),
        days_since_event(items, as_of, raw=True),
        mirrored_profiles(attribute(items, "p", "B"), as_of),
    )


_APP_OPENS, _CHECKINS, _ALL = MEMBER_EVENTS.index("app_opens"), MEMBER_EVENTS.index("checkins"), len(MEMBER_EVENTS)
_PROFILE_BLOCKS = tuple(
    tuple(f"{prefix}_{term}" for term in vocabulary)
    for prefix, vocabulary in (("membership", MEMBERSHIP_STATES), ("group", WORKER_GROUPS), ("city", CITY_CODES))
)
_COLUMN = {name: j for j, name in enumerate(MEMBER_FEATURES)}


def _window_of(name: str) -> tuple[int, int]:
    """(history row, weeks) of an "<event>_<weeks>w" or "active_weeks_<weeks>w" feature."""
    event, weeks = name.rsplit("_", 1)
    return (_ALL if event == "active_weeks" else MEMBER_EVENTS.index(event)), int(weeks.removesuffix("w"))


# every "<event>_<weeks>w" feature, and the active weeks in a window, is one cell of a cumulative history row
_WINDOWS = tuple(
    name
    for name in MEMBER_FEATURES
    if (name.rsplit("_", 1)[0] in (*MEMBER_EVENTS, "active_weeks"))
    and name.rsplit("_", 1)[1].removesuffix("w").isdigit()
    and name.endswith("w")
)
_WINDOW_CELLS = tuple(zip(*(_window_of(name) for name in _WINDOWS), strict=True))
_WINDOW_RUNS = runs([_COLUMN[name] for name in _WINDOWS])
_WINDOW_AT = {name: j for j, name in enumerate(_WINDOWS)}
# the window sums other features are derived from, read once as float64
_EXACT = (
    *(f"requests_{c}_{WEEKS}w" for c in SERVICE_CATEGORIES),
    f"request_rejected_{WEEKS}w",
    "app_opens_4w",
    f"app_opens_{WEEKS}w",
    "checkins_4w",
    f"checkins_{WEEKS}w",
    "no_shows_13w",
    "bookings_13w",
)
_EXACT_GATHER = [_WINDOW_AT[name] for name in _EXACT]


def _member_features(history: History, days_since_event: np.ndarray, profiles: Profiles) -> np.ndarray:
    """The one definition of the member features: the page's histories (page_history), days since the
    last event, profile columns. Each feature is written straight into its column of the result."""
    import numpy as np

    n = history.cumulative.shape[0]
    out = np.empty((n, len(MEMBER_FEATURES)), dtype=np.float32)
    col = _COLUMN
    # every event over every window: one cell each (float32 is exact: integer counts far below 2**24)
    windows = cumulative_at(history, cells(_WINDOW_CELLS[0], tuple(w - 1 for w in _WINDOW_CELLS[1])))
    for target, source in _WINDOW_RUNS:
        out[:, target] = windows[:, source]
    exact = windows[:, _EXACT_GATHER].astype(np.float64)  # the sums features below are derived from
    e = {name: exact[:, k] for k, name in enumerate(_EXACT)}
    requests_all = exact[:, : len(SERVICE_CATEGORIES)].sum(axis=1)
    out[:, col["requests_all_26w"]] = requests_all
    out[:, col["rejected_share_26w"]] = e[f"request_rejected_{WEEKS}w"] / np.maximum(requests_all, 1.0)
    # app opens week by week (their weighted mean); when the member last checked in, and was active at all
    opens, checkins, active = rows_through(history, (_APP_OPENS, _CHECKINS, _ALL))
    out[:, col["app_opens_ewm"]] = weekly_from(opens).astype(np.float64) @ _ewm_weights()
    out[:, col["weeks_since_checkin"]] = first_week(checkins)
    out[:, col["weeks_since_active"]] = first_week(active)
    out[:, col["days_since_last_event"]] = np.clip(days_since_event, 0.0, MAX_DAYS)
    out[:, col["app_opens_trend"]] = e["app_opens_4w"] / 4 - e[f"app_opens_{WEEKS}w"] / 26
    out[:, col["checkins_trend"]] = e["checkins_4w"] / 4 - e[f"checkins_{WEEKS}w"] / 26
    out[:, col["no_show_rate_13w"]] = e["no_shows_13w"] / np.maximum(e["bookings_13w"], 1.0)
    out[:, col["tenure_weeks"]] = np.maximum(np.floor(profiles.days_since_created), 0.0) / 7
    out[:, col["has_employer"]] = profiles.has_employer
    for names, block in zip(_PROFILE_BLOCKS, (profiles.membership, profiles.group, profiles.city), strict=True):
        out[:, col[names[0]] : col[names[-1]] + 1] = block
    return out


@lru_cache(maxsize=1)
def _ewm_weights() -> np.ndarray:
    """Weights of a weekly mean with a two-week half-life, most recent week first."""
    import numpy as np

    w = 0.5 ** (np.arange(WEEKS) / 2)
    return w / w.sum()
