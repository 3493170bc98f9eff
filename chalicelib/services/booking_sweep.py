"""The scheduled housekeeping of bookings (app.py runs `sweep()` every few minutes):

- no-shows: confirmed bookings not checked in by start + grace become `no_show`. They are found on
  the sparse no-show index (one Query per due day, never a table scan). The third no-show within 30 days
  suspends new bookings for 7 days.
- waitlist holds that ran out lapse and their seats pass to the next waiter.
- seats freed (a cancel, a declined or lapsed offer, more seats) whose offer to the waitlist did not
  follow (a failure between the two steps) are offered: found on the sparse hand-over index of the
  slots (one Query per day), marked in the same transaction as the release.
The schedule (app.py `booking_sweep`) runs it every 5 minutes, so no freed seat waits longer than that.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.domain import activity as events
from chalicelib.domain import booking_rules as rules
from chalicelib.domain.bookings import BookingRef
from chalicelib.domain.errors import Conflict
from chalicelib.runtime import runtime
from chalicelib.services import activity, waitlist
from chalicelib.store import bookings as booking_store
from chalicelib.store import standing as standing_store
from chalicelib.store.standing import STANDING
from chalicelib.store.unit_of_work import UnitOfWork, attempt

LOOK_BACK_DAYS = 2  # due days re-checked each run, so a missed run is caught up


def sweep() -> dict[str, int]:
    """What the schedule runs: mark no-shows, expire waitlist holds, offer seats left stranded."""
    now = runtime().clock.now()
    return {
        "no_shows": mark_no_shows(now),
        "holds_settled": waitlist.expire_holds(now),
        "handovers_settled": waitlist.settle_pending_handovers(now),
    }


def mark_no_shows(now: datetime) -> int:
    """Mark every overdue confirmed booking; returns how many were marked."""
    utc_now = now.astimezone(UTC)
    days = [(utc_now - timedelta(days=d)).strftime("%Y-%m-%d") for d in range(LOOK_BACK_DAYS, -1, -1)]
    return sum(_mark(booking, now) for booking in booking_store.due_no_shows(days, now))


def _mark(booking: BookingRef, now: datetime) -> bool:
    """One transaction: the booking becomes no_show (only if still confirmed), the worker's standing
    counts it (suspending them at the limit), and the activity counter goes up. Re-reads the standing
    once if it changed meanwhile; False when the booking was checked in or cancelled meanwhile."""

    def build(uow: UnitOfWork) -> None:
        standing = standing_store.get_standing(booking.member_id)
        recent, until = rules.after_no_show(standing, booking.slot_start, now)
        booking_store.no_show_in(uow, booking, now)
        standing_store.save_in(
            uow,
            booking.member_id,
            standing,
            no_shows=recent,
            suspended_until=until if until != standing.suspended_until else None,
        )
        activity.record_in(uow, booking.member_id, events.NO_SHOW, now)

    try:
        attempt(build, now, retry_on={STANDING}, attempts=2)
    except Conflict:  # BOOKING failed: not confirmed any more (or the standing kept changing)
        return False
    return True
