"""Reserving a seat: the one unit of work that creates a booking, shared by direct booking and
waitlist confirmation. Its named conditions and the error each one gives, first failed first:

  NOT_BOOKED_YET   the booking: none at this slot time yet (or only a cancelled one)   AlreadyBooked
  STANDING         the worker's standing: still as read (rev), and not suspended       Suspended (when it is)
  TERMS            the station still has the seats and slot length read (direct)      StationTermsChanged
  SEAT_LEFT        the slot counter: a free seat (direct booking)                      SlotFull
  SEAT_HELD, ENTRY a waitlist confirmation: the seat and the offer are still held      NoOffer
Anything else is a retryable Conflict. When only the standing changed between our read and our
write (a parallel booking of the same worker, say), it is read again and the rules re-checked once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from chalicelib.domain import activity as events
from chalicelib.domain import booking_errors as err
from chalicelib.domain import booking_rules as rules
from chalicelib.domain.booking_rules import Standing
from chalicelib.domain.bookings import Booking
from chalicelib.domain.schedule import SlotTime
from chalicelib.domain.station_errors import StationTermsChanged
from chalicelib.domain.stations import Station
from chalicelib.services import activity
from chalicelib.store import bookings as booking_store
from chalicelib.store import standing as standing_store
from chalicelib.store.bookings import NOT_BOOKED_YET
from chalicelib.store.slots import SEAT_HELD, SEAT_LEFT
from chalicelib.store.standing import STANDING
from chalicelib.store.stations import TERMS
from chalicelib.store.unit_of_work import Refusal, UnitOfWork, attempt
from chalicelib.store.waitlist import ENTRY

Step = Callable[[UnitOfWork], None]


def _suspension(now: datetime) -> Refusal:
    """Suspended, when the standing that refused the booking suspends the worker at `now`."""
    return lambda exc: rules.suspension(standing_store.standing_held(exc), now)


def reserve(
    member_id: str,
    station: Station,
    slot: SlotTime,
    now: datetime,
    *,
    seat: Step,
    extra: Step | None = None,
    source: str = "direct",
    standing: Standing | None = None,
) -> Booking:
    """Book `slot` for the worker in one TransactWriteItems. `seat` adds the slot counter's write,
    `extra` any other write of the use case; `standing` is the caller's read of it, if any."""
    given = [standing] if standing is not None else []

    def build(uow: UnitOfWork) -> Booking:
        read = given.pop() if given else standing_store.get_standing(member_id)
        rules.check_standing(read, slot, now, max_active=station.rules.max_active)
        seat(uow)
        booking = booking_store.book_in(
            uow, member_id, station, slot, now=now, source=source, cancel_deadline=rules.cancel_deadline(station, slot)
        )
        standing_store.save_in(uow, member_id, read, upcoming=read.with_booking(slot, now), bookable_at=now)
        activity.record_in(uow, member_id, events.BOOKED, now)
        if extra is not None:
            extra(uow)
        return booking

    return attempt(
        build,
        now,
        retry_on={STANDING},
        attempts=2,
        refuse={
            NOT_BOOKED_YET: err.AlreadyBooked,
            STANDING: _suspension(now),
            TERMS: StationTermsChanged,
            SEAT_LEFT: err.SlotFull,
            SEAT_HELD: err.NoOffer,
            ENTRY: err.NoOffer,
        },
    )
