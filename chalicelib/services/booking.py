"""Book a seat, cancel it, list one's bookings.

Round trips: book = GetItem station and GetItem standing (concurrently) + one TransactWriteItems; cancel = GetItem
booking + one TransactWriteItems + one Query of the slot's waitlist (and, only when someone waits,
the offer of the freed seat). Idempotency bookkeeping (Powertools) comes on top.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from chalicelib.domain import activity as events
from chalicelib.domain import booking_errors as err
from chalicelib.domain import booking_rules as rules
from chalicelib.domain.access import Caller
from chalicelib.domain.bookings import BookingCreate, BookingOut
from chalicelib.services import activity, waitlist
from chalicelib.services.booking_tx import booking_view, reserve
from chalicelib.services.stations import load
from chalicelib.store import bookings as booking_store
from chalicelib.store import slots as slot_store
from chalicelib.store import standing as standing_store
from chalicelib.store.base import iso
from chalicelib.store.booking_tables import BookingRecord
from chalicelib.store.parallel import both
from chalicelib.store.transact import Cancelled, NamedTransaction


def book(caller: Caller, req: BookingCreate, now: datetime) -> BookingOut:
    """Every rule first (pure), then one transaction that cannot overbook. The station and the
    worker's standing are read at the same time."""
    station, standing = both(lambda: load(req.station_id), lambda: standing_store.get_standing(caller.member_id))
    rules.check_audience(station, is_member=caller.is_member, worker_group=caller.worker_group)
    slot = rules.bookable_slot(station, req.slot_start, now)
    record = reserve(caller.member_id, station, slot, now, source="direct", standing=standing,
                     seat=lambda tx: slot_store.take_seat(tx, station.station_id, slot.start, slot.end, station.seats))
    return booking_view(record)


def own_booking(member_id: str, booking_id: str) -> BookingRecord:
    """The caller's booking with this id. Someone else's id is simply not found (404)."""
    start = rules.slot_start_of(booking_id)
    record = booking_store.get_booking(member_id, start) if start else None
    if record is None:
        raise err.BookingNotFound()
    return record


def get_booking(caller: Caller, booking_id: str) -> BookingOut:
    return booking_view(own_booking(caller.member_id, booking_id))


def cancel(caller: Caller, booking_id: str, now: datetime) -> BookingOut:
    """Cancel until the station's cancellation window; the seat is released in the same transaction
    and, if people are waiting, offered to the first of them."""
    record = own_booking(caller.member_id, booking_id)
    if record.status != "confirmed":
        raise err.BookingNotActive()
    rules.check_cancel(datetime.fromisoformat(record.cancel_deadline), now, ZoneInfo(record.time_zone))
    start = datetime.fromisoformat(record.slot_start)
    tx = NamedTransaction()
    booking_store.cancel_in(tx, record, now)
    slot_store.release_seat(tx, record.station_id, start)
    standing_store.drop_upcoming_in(tx, caller.member_id, booking_id)
    activity.record_in(tx, caller.member_id, events.CANCELLED, now)
    try:
        tx.commit()
    except Cancelled as exc:
        raise err.BookingNotActive() from exc
    waitlist.settle_slot(record.station_id, start, now)
    record.status = "cancelled"
    record.history = [*(record.history or []), {"status": "cancelled", "at": iso(now)}]
    return booking_view(record)


def my_bookings(caller: Caller, status: str, now: datetime) -> list[BookingOut]:
    found = booking_store.upcoming(caller.member_id, now) if status == "upcoming" else booking_store.past(
        caller.member_id, now)
    return [booking_view(r) for r in found]
