"""The one transaction that creates a booking, shared by direct booking and waitlist confirmation:

  seat             the slot counter (take a free seat, or turn the seat held for this waiter into a booking)
  not_booked_yet   put the booking (none at this slot time yet, or only a cancelled one)
  standing         the worker's standing: still as read (rev) and not suspended; upcoming += this booking
  activity         +1 booking this week
  (entry)          for a waitlist confirmation: the offer is still held for this worker
When DynamoDB cancels it, the names of the failed conditions say which error to give.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from chalicelib.domain import activity as events
from chalicelib.domain import booking_errors as err
from chalicelib.domain import booking_rules as rules
from chalicelib.domain.booking_rules import Standing
from chalicelib.domain.bookings import BookingOut, HistoryEntry
from chalicelib.domain.errors import Conflict
from chalicelib.domain.schedule import SlotTime, local_iso, stamps, utc_iso
from chalicelib.domain.stations import Station
from chalicelib.services import activity
from chalicelib.store import bookings as booking_store
from chalicelib.store import standing as standing_store
from chalicelib.store.booking_tables import BookingRecord, StandingRecord
from chalicelib.store.transact import Cancelled, NamedTransaction

TxStep = Callable[[NamedTransaction], None]


def reserve(member_id: str, station: Station, slot: SlotTime, now: datetime, *, seat: TxStep,
            extra: TxStep | None = None, source: str = "direct", standing: Standing | None = None) -> BookingRecord:
    """Book `slot` for the worker in one TransactWriteItems; re-checks once if their standing changed
    between our read (or the caller's: `standing`) and our write (e.g. a parallel booking of theirs)."""
    for attempt in range(2):
        if attempt or standing is None:
            standing = standing_store.get_standing(member_id)
        rules.check_standing(standing, slot, now, max_active=station.rules.max_active)
        record = booking_store.new_booking(member_id, station, slot, now=now, source=source,
                                           cancel_deadline=rules.cancel_deadline(station, slot))
        tx = NamedTransaction()
        seat(tx)
        booking_store.put_booking(tx, record)
        standing_store.save_in(tx, member_id, standing, upcoming=standing.with_booking(slot, now), bookable_at=now)
        activity.record_in(tx, member_id, events.BOOKED, now)
        if extra is not None:
            extra(tx)
        try:
            tx.commit()
            return record
        except Cancelled as exc:
            if "not_booked_yet" in exc:
                raise err.AlreadyBooked() from exc
            if "standing" in exc:
                rules.check_not_suspended(standing_store.to_domain(exc.old(StandingRecord, "standing")), now)
                if attempt == 0 and "seat_left" not in exc:
                    continue
            if "seat_left" in exc:
                raise err.SlotFull() from exc
            if "seat_held" in exc or "entry" in exc:
                raise err.NoOffer() from exc
            raise Conflict() from exc
    raise Conflict()


def booking_view(r: BookingRecord) -> BookingOut:
    zone = ZoneInfo(r.time_zone)
    at = datetime.fromisoformat
    checked = stamps("checked_in_at", at(r.checked_in_at), zone) if r.checked_in_at else {}
    return BookingOut(
        booking_id=booking_store.id_of(r), status=r.status, station_id=r.station_id,
        station_name_zh=r.station_name_zh, station_name_en=r.station_name_en, time_zone=r.time_zone,
        **stamps("slot_start", at(r.slot_start), zone), **stamps("slot_end", at(r.slot_end), zone),
        **stamps("cancel_deadline", at(r.cancel_deadline), zone), **stamps("booked_at", at(r.booked_at), zone),
        **checked, source=r.source,
        history=[HistoryEntry(status=h["status"], at=local_iso(at(h["at"]), zone), at_utc=utc_iso(at(h["at"])))
                 for h in (_plain(h) for h in r.history or [])])


def _plain(entry: object) -> dict[str, str]:
    return entry.as_dict() if hasattr(entry, "as_dict") else dict(entry)  # type: ignore[call-overload]
