"""The feature lists: names, order and vocabularies of the member, station and employer features, and the
hash that artifacts carry so serving refuses a model trained on another list. No numpy here."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import get_args

from chalicelib.domain.activity import EMPLOYER_HISTORY_EVENTS, MEMBER_HISTORY_EVENTS, SERVICE_EVENT_CATEGORIES
from chalicelib.domain.members import CITIES, WorkerGroup
from chalicelib.domain.stations import StationKind

FEATURES_VERSION = 1  # bump when a feature's meaning changes without its name changing
WEEKS = 26
NONE_WEEKS = WEEKS + 1  # "weeks since" when nothing happened in the window
MAX_DAYS = 400.0
LAG_WEEKS = 4

# the scenario categories (chalicelib.domain.scenarios.Category) a member may be offered; requests count as
# `requests_<category>` events (chalicelib.domain.activity.request_filed)
SERVICE_CATEGORIES: tuple[str, ...] = SERVICE_EVENT_CATEGORIES
MEMBER_EVENTS: tuple[str, ...] = MEMBER_HISTORY_EVENTS
EMPLOYER_EVENTS: tuple[str, ...] = EMPLOYER_HISTORY_EVENTS
WORKER_GROUPS: tuple[str, ...] = get_args(WorkerGroup)
CITY_CODES: tuple[str, ...] = tuple(CITIES)
MEMBERSHIP_STATES: tuple[str, ...] = ("active", "grace", "lapsed")
STATION_KINDS: tuple[str, ...] = get_args(StationKind)
INDUSTRIES: tuple[str, ...] = (
    "delivery_platform",
    "ride_hailing",
    "logistics",
    "manufacturing",
    "construction",
    "sanitation",
    "domestic_services",
)
PROFILE_FIELDS: tuple[str, ...] = ("worker_group", "city", "employer_id", "membership_status", "created_at")
_ROLLED = ("app_opens", "bookings", "checkins", "no_shows", "cancellations")
_ROLLED_WINDOWS: dict[str, tuple[int, ...]] = {
    "app_opens": (1, 2, 4, 8, 13, 26),
    "bookings": (4, 8, 13, 26),
    "checkins": (2, 4, 8, 13, 26),
    "no_shows": (4, 13, 26),
    "cancellations": (4, 13, 26),
}


MEMBER_FEATURES: tuple[str, ...] = (
    *(f"{e}_{w}w" for e in _ROLLED for w in _ROLLED_WINDOWS[e]),
    "waitlist_joins_13w",
    *(f"requests_{c}_{w}" for c in SERVICE_CATEGORIES for w in ("4w", "26w")),
    "requests_all_26w",
    "request_rejected_26w",
    "request_withdrawn_26w",
    "request_ratings_26w",
    "rejected_share_26w",
    "active_weeks_4w",
    "active_weeks_8w",
    "active_weeks_26w",
    "app_opens_ewm",
    "weeks_since_active",
    "weeks_since_checkin",
    "days_since_last_event",
    "app_opens_trend",
    "checkins_trend",
    "no_show_rate_13w",
    "tenure_weeks",
    *(f"membership_{s}" for s in MEMBERSHIP_STATES),
    "has_employer",
    *(f"group_{g}" for g in WORKER_GROUPS),
    *(f"city_{c}" for c in CITY_CODES),
)
STATION_FEATURES: tuple[str, ...] = (
    "hour",
    "weekday",
    "is_weekend",
    "days_ahead",
    "seats",
    "slot_minutes",
    *(f"lag_{k}w" for k in range(1, LAG_WEEKS + 1)),
    "lag_mean_4w",
    "station_daily_7d",
    "station_daily_prev_7d",
    "same_time_daily_7d",
    *(f"kind_{k}" for k in STATION_KINDS),
)
EMPLOYER_FEATURES: tuple[str, ...] = (
    *(f"rights_requests_{w}w" for w in (1, 2, 4, 8, 13, 26)),
    "rights_requests_trend",
    "weeks_since_rights_request",
    "members_joined_26w",
    "members_left_13w",
    "members_left_26w",
    "left_per_joined_26w",
    "rights_per_joined_26w",
    "has_union",
    *(f"industry_{i}" for i in INDUSTRIES),
)
FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "member": MEMBER_FEATURES,
    "station": STATION_FEATURES,
    "employer": EMPLOYER_FEATURES,
}


def feature_hash(names: Sequence[str]) -> str:
    """Identifies a feature list (names, order, FEATURES_VERSION): artifacts carry it, serving checks it."""
    return hashlib.sha256(f"v{FEATURES_VERSION}:{','.join(names)}".encode()).hexdigest()[:16]
