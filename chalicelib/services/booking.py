"""Book a seat, cancel it, list one's bookings.

Round trips: book = GetItem station and GetItem standing (concurrently) + one TransactWriteItems (it
also checks the station's seats: no extra trip); cancel = GetItem booking + one TransactWriteItems +
one Query of the slot's waitlist (and, only when someone waits, GetItem slot and station + the offer). Idempotency bookkeeping (Powertools) comes on top.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import activity as events
from chalicelib.domain import booking_errors as err
from chalicelib.domain import booking_rules as rules
from chalicelib.domain.access import Caller
from chalicelib.domain.bookings import Booking, BookingCreate, BookingOut, booking_view
from chalicelib.domain.schedule import SlotTime
from chalicelib.domain.stations import Station
from chalicelib.services import activity, waitlist
from chalicelib.services.seat_reservation import reserve
from chalicelib.services.stations import load
from chalicelib.store import bookings as booking_store
from chalicelib.store import slots as slot_store
from chalicelib.store import standing as standing_store
from chalicelib.store import stations as station_store
from chalicelib.store.bookings import BOOKING
from chalicelib.store.parallel import both
from chalicelib.store.slots import SEAT
from chalicelib.store.unit_of_work import UnitOfWork, unit_of_work


def book(caller: Caller, req: BookingCreate, now: datetime) -> BookingOut:
    """Every rule first (pure), then one transaction that cannot overbook. The station and the
    worker's standing are read at the same time."""
    station, standing = both(lambda: load(req.station_id), lambda: standing_store.get_standing(caller.member_id))
    rules.check_audience(station, is_member=caller.is_member, worker_group=caller.worker_group)
    slot = rules.bookable_slot(station, req.slot_start, now)
    booking = reserve(
        caller.member_id,
        station,
        slot,
        now,
        source="direct",
        standing=standing,
        seat=lambda uow: take_seat(uow, station, slot, now),
    )
    return booking_view(booking)


def take_seat(uow: UnitOfWork, station: Station, slot: SlotTime, now: datetime) -> None:
    """One of the seats the station has now, while it still has them (a seat cut or a slot-length
    change committed after our read refuses the booking: StationTermsChanged)."""
    slot_store.take_seat(uow, station.station_id, slot.start, slot.end, station.seats)
    station_store.terms_unchanged_in(uow, station, now)


def own_booking(member_id: str, booking_id: str) -> Booking:
    """The caller's booking with this id. Someone else's id is simply not found (404)."""
    start = rules.slot_start_of(booking_id)
    found = booking_store.get_booking(member_id, start) if start else None
    if found is None:
        raise err.BookingNotFound()
    return found


def get_booking(caller: Caller, booking_id: str) -> BookingOut:
    return booking_view(own_booking(caller.member_id, booking_id))


def cancel(caller: Caller, booking_id: str, now: datetime) -> BookingOut:
    """Cancel until the station's cancellation window; the seat is released in the same transaction
    and, if people are waiting, offered to the first of them (the release marks the slot, so when that
    offer fails the sweep makes it)."""
    booking = own_booking(caller.member_id, booking_id)
    if booking.status != "confirmed":
        raise err.BookingNotActive()
    rules.check_cancel(booking.cancel_deadline, now, booking.zone)
    return booking_view(release(booking, now))


def release(booking: Booking, now: datetime) -> Booking:
    """Cancel a confirmed booking whatever its window (the worker's cancel, erasure): the seat is
    released in the same transaction and offered to the first waiter, if anyone waits."""
    with unit_of_work(now, refuse={BOOKING: err.BookingNotActive, SEAT: err.BookingNotActive}) as uow:
        booking_store.cancel_in(uow, booking.ref, now)
        slot_store.release_seat(uow, booking.station_id, booking.slot.start, now)
        standing_store.drop_upcoming_in(uow, booking.member_id, booking.booking_id)
        activity.record_in(uow, booking.member_id, events.CANCELLED, now)
    waitlist.offer_freed_seats(booking.station_id, booking.slot.start, now)
    return booking.moved("cancelled", now)


def my_bookings(caller: Caller, status: str, now: datetime) -> list[BookingOut]:
    found = (
        booking_store.upcoming(caller.member_id, now)
        if status == "upcoming"
        else booking_store.past(caller.member_id, now)
    )
    return [booking_view(b) for b in found]
