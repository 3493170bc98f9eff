"""Booking items: created, cancelled, checked in, marked no-show - each a named conditional write
that a service puts into one transaction with the slot counter and the worker's standing."""
from __future__ import annotations

from datetime import datetime, timedelta
from itertools import islice

from pynamodb.attributes import MapAttribute
from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.booking_rules import booking_id
from chalicelib.domain.schedule import SlotTime, local_date
from chalicelib.domain.stations import Station
from chalicelib.store.base import iso
from chalicelib.store.booking_tables import BookingRecord
from chalicelib.store.parallel import concurrently
from chalicelib.store.transact import NamedTransaction

B = BookingRecord
not_booked_yet = B.member_id.does_not_exist() | (B.status == "cancelled")
MAX_SLOT = timedelta(hours=8)       # longest slot a station may set: bounds the "still running" look-back


def new_booking(member_id: str, station: Station, slot: SlotTime, *, now: datetime, cancel_deadline: datetime,
                source: str) -> BookingRecord:
    due = slot.start + timedelta(minutes=station.rules.no_show_grace_minutes)
    return BookingRecord(
        member_id, iso(slot.start), slot_end=iso(slot.end), station_id=station.station_id,
        station_name_zh=station.name_zh, station_name_en=station.name_en, time_zone=station.time_zone,
        status="confirmed", booked_at=iso(now), cancel_deadline=iso(cancel_deadline), source=source,
        history=[MapAttribute(status="confirmed", at=iso(now))],
        roster_key=roster_key(station.station_id, local_date(station, slot.start).isoformat()),
        noshow_day=iso(due)[:10], noshow_at=iso(due))


def roster_key(station_id: str, day: str) -> str:
    return f"{station_id}#{day}"


def put_booking(tx: NamedTransaction, record: BookingRecord) -> None:
    """A new booking, unless the worker already holds one at this slot time (a cancelled one is replaced)."""
    tx.put("not_booked_yet", record, condition=not_booked_yet)


def _change(tx: NamedTransaction, record: BookingRecord, status: str, now: datetime, *extra: object) -> None:
    """Move a confirmed booking (this very one: same booked_at) to `status`; it leaves the no-show index."""
    actions = [B.status.set(status), B.history.set(B.history.append([MapAttribute(status=status, at=iso(now))])),
               B.noshow_day.remove(), B.noshow_at.remove(), *extra]
    tx.update("booking", BookingRecord(record.member_id, record.slot_start), actions,  # type: ignore[arg-type]
              condition=(B.status == "confirmed") & (B.booked_at == record.booked_at))


def cancel_in(tx: NamedTransaction, record: BookingRecord, now: datetime) -> None:
    _change(tx, record, "cancelled", now)


def check_in_in(tx: NamedTransaction, record: BookingRecord, now: datetime) -> None:
    _change(tx, record, "checked_in", now, B.checked_in_at.set(iso(now)))


def no_show_in(tx: NamedTransaction, record: BookingRecord, now: datetime) -> None:
    _change(tx, record, "no_show", now)


def get_booking(member_id: str, slot_start: datetime) -> BookingRecord | None:
    try:
        return BookingRecord.get(member_id, iso(slot_start), consistent_read=True)
    except DoesNotExist:
        return None


def upcoming(member_id: str, now: datetime) -> list[BookingRecord]:
    """Active bookings that have not ended, soonest first: one Query."""
    found = BookingRecord.query(member_id, B.slot_start >= iso(now - MAX_SLOT),
                                filter_condition=(B.slot_end > iso(now)) & B.status.is_in("confirmed", "checked_in"))
    return list(found)


def past(member_id: str, now: datetime, limit: int = 50) -> list[BookingRecord]:
    """Ended or cancelled bookings, newest first: one Query."""
    found = BookingRecord.query(member_id, scan_index_forward=False,
                                filter_condition=(B.slot_end <= iso(now)) | (B.status == "cancelled"))
    return list(islice(found, limit))


def roster(station_id: str, day: str) -> list[BookingRecord]:
    """A station's bookings on a local date: one Query on the roster index."""
    return list(BookingRecord.roster_index.query(roster_key(station_id, day)))


def due_no_shows(days: list[str], now: datetime) -> list[BookingRecord]:
    """Confirmed bookings whose start + grace has passed: one Query per due day on the sparse index."""
    pages = concurrently(lambda day: list(BookingRecord.noshow_index.query(day, B.noshow_at <= iso(now))), days)
    return [r for page in pages for r in page]


def id_of(record: BookingRecord) -> str:
    return booking_id(datetime.fromisoformat(record.slot_start))
