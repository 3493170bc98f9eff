"""Activity counters: one number per member, event and ISO week (China time), e.g. w2026_48_bookings.

Scoring reads rolling windows from these; every area records its events under its own names.
"""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

_EVENT = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
ACTIVITY_ZONE = ZoneInfo("Asia/Shanghai")

# Booking events (the booking area's vocabulary).
BOOKED = "bookings"
CANCELLED = "cancellations"
CHECKED_IN = "checkins"
NO_SHOW = "no_shows"
WAITLIST_JOINED = "waitlist_joins"
WAITLIST_OFFERED = "waitlist_offers"
WAITLIST_LAPSED = "waitlist_lapses"
WAITLIST_LEFT = "waitlist_leaves"

# Each login or token refresh (the app coming back to the foreground after the 15-minute access token).
APP_OPENED = "app_opens"

# Employer counters, kept under the subject `employer#<id>` in the same table (labour-risk features).
EMPLOYER_RIGHTS_REQUEST = "rights_requests"    # a rights-protection request naming the employer
EMPLOYER_MEMBER_JOINED = "members_joined"      # one of its workers became a union member
EMPLOYER_MEMBER_LEFT = "members_left"          # one of its workers left the union or let membership lapse


def employer_subject(employer_id: str) -> str:
    """The activity-table key under which an employer's weekly counters are kept."""
    return f"employer#{employer_id}"


def week_counter(event: str, at: datetime) -> str:
    """The attribute that counts `event` in the ISO week of `at`: w<year>_<week>_<event>."""
    if not _EVENT.match(event):
        raise ValueError(f"activity event names are lower_snake_case: {event!r}")
    year, week, _ = at.astimezone(ACTIVITY_ZONE).isocalendar()
    return f"w{year}_{week:02d}_{event}"
