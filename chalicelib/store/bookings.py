"""Booking items: created, cancelled, checked in, marked no-show - each a named conditional write
that a service puts into one unit of work with the slot counter and the worker's standing.

  NOT_BOOKED_YET   put a new booking: the worker holds none at this slot time (or only a cancelled one)
  BOOKING          change a booking: it is still confirmed, and still the very one that was read (rev)
Reads return `domain.bookings.Booking`, never the record.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from pynamodb.attributes import MapAttribute
from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.bookings import Booking, BookingRef, StatusChange
from chalicelib.domain.schedule import SlotTime, local_date
from chalicelib.domain.stations import Station
from chalicelib.store.base import as_dict, from_iso, iso
from chalicelib.store.booking_tables import BookingRecord
from chalicelib.store.parallel import concurrently
from chalicelib.store.transact import NamedTransaction

NOT_BOOKED_YET = "not_booked_yet"
BOOKING = "booking"

B = BookingRecord
not_booked_yet = B.member_id.does_not_exist() | (B.status == "cancelled")
MAX_SLOT = timedelta(hours=8)  # longest slot a station may set: bounds the "still running" look-back


def _change_of(entry: Any) -> StatusChange:
    plain = as_dict(entry)
    return StatusChange(plain["status"], from_iso(plain["at"]))


def to_domain(r: BookingRecord) -> Booking:
    return Booking(
        member_id=r.member_id,
        station_id=r.station_id,
        station_name_zh=r.station_name_zh,
        station_name_en=r.station_name_en,
        time_zone=r.time_zone,
        slot=SlotTime(from_iso(r.slot_start), from_iso(r.slot_end)),
        status=r.status,
        booked_at=from_iso(r.booked_at),
        cancel_deadline=from_iso(r.cancel_deadline),
        source=r.source,
        rev=r.booked_at,
        checked_in_at=from_iso(r.checked_in_at) if r.checked_in_at else None,
        history=tuple(_change_of(h) for h in r.history or ()),
    )


def roster_key(station_id: str, day: str) -> str:
    return f"{station_id}#{day}"


def book_in(
    tx: NamedTransaction,
    member_id: str,
    station: Station,
    slot: SlotTime,
    *,
    now: datetime,
    cancel_deadline: datetime,
    source: str,
) -> Booking:
    """Put a confirmed booking (NOT_BOOKED_YET: a cancelled one at this slot time is replaced); it
    joins the station's roster and the no-show index (due at start + grace)."""
    due = slot.start + timedelta(minutes=station.rules.no_show_grace_minutes)
    record = BookingRecord(
        member_id,
        iso(slot.start),
        slot_end=iso(slot.end),
        station_id=station.station_id,
        station_name_zh=station.name_zh,
        station_name_en=station.name_en,
        time_zone=station.time_zone,
        status="confirmed",
        booked_at=iso(now),
        cancel_deadline=iso(cancel_deadline),
        source=source,
        history=[MapAttribute(status="confirmed", at=iso(now))],
        roster_key=roster_key(station.station_id, local_date(station, slot.start).isoformat()),
        noshow_day=iso(due)[:10],
        noshow_at=iso(due),
    )
    tx.put(NOT_BOOKED_YET, record, condition=not_booked_yet)
    return to_domain(record)


def _change(tx: NamedTransaction, ref: BookingRef, status: str, now: datetime, *extra: object) -> None:
    """Move a confirmed booking (this very one: same rev) to `status`; it leaves the no-show index."""
    actions = [
        B.status.set(status),
        B.history.set(B.history.append([MapAttribute(status=status, at=iso(now))])),
        B.noshow_day.remove(),
        B.noshow_at.remove(),
        *extra,
    ]
    tx.update(
        BOOKING,
        BookingRecord(ref.member_id, iso(ref.slot_start)),
        actions,  # type: ignore[arg-type]
        condition=(B.status == "confirmed") & (B.booked_at == ref.rev),
    )


def cancel_in(tx: NamedTransaction, ref: BookingRef, now: datetime) -> None:
    _change(tx, ref, "cancelled", now)


def check_in_in(tx: NamedTransaction, ref: BookingRef, now: datetime) -> None:
    _change(tx, ref, "checked_in", now, B.checked_in_at.set(iso(now)))


def no_show_in(tx: NamedTransaction, ref: BookingRef, now: datetime) -> None:
    _change(tx, ref, "no_show", now)


def get_booking(member_id: str, slot_start: datetime) -> Booking | None:
    try:
        return to_domain(BookingRecord.get(member_id, iso(slot_start), consistent_read=True))
    except DoesNotExist:
        return None


def upcoming(member_id: str, now: datetime) -> list[Booking]:
    """Active bookings that have not ended, soonest first: one Query."""
    found = BookingRecord.query(
        member_id,
        B.slot_start >= iso(now - MAX_SLOT),
        filter_condition=(B.slot_end > iso(now)) & B.status.is_in("confirmed", "checked_in"),
    )
    return [to_domain(r) for r in found]


def past(member_id: str, now: datetime, limit: int = 50) -> list[Booking]:
    """Ended or cancelled bookings, newest first: one Query."""
    found = BookingRecord.query(
        member_id, scan_index_forward=False, filter_condition=(B.slot_end <= iso(now)) | (B.status == "cancelled")
    )
    return [to_domain(r) for r in islice(found, limit)]


def of_member(member_id: str) -> list[Booking]:
    """Every booking the worker ever made, oldest first (their data export): one Query."""
    return [to_domain(r) for r in BookingRecord.query(member_id)]


def roster(station_id: str, day: str) -> list[Booking]:
    """A station's bookings on a local date: one Query on the roster index."""
    return [to_domain(r) for r in BookingRecord.roster_index.query(roster_key(station_id, day))]


def due_no_shows(days: list[str], now: datetime) -> list[BookingRef]:
    """Confirmed bookings whose start + grace has passed: one Query per due day on the sparse index
    (it projects the keys and the revision only)."""
    pages = concurrently(lambda day: list(BookingRecord.noshow_index.query(day, B.noshow_at <= iso(now))), days)
    return [BookingRef(r.member_id, from_iso(r.slot_start), r.booked_at) for page in pages for r in page]
