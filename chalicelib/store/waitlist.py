"""Waitlist entries: waiting -> offered (a seat is held until hold_until) -> confirmed | lapsed,
or left. Each step is a named conditional write that goes into one transaction with the slot."""
from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.schedule import SlotTime
from chalicelib.domain.stations import Station
from chalicelib.store.base import iso
from chalicelib.store.booking_tables import WaitlistRecord
from chalicelib.store.parallel import concurrently
from chalicelib.store.transact import NamedTransaction

W = WaitlistRecord
may_join = W.slot_key.does_not_exist() | W.status.is_in("lapsed", "left", "confirmed")


def slot_key(station_id: str, start: datetime) -> str:
    return f"{station_id}#{iso(start)}"


def get_entry(station_id: str, start: datetime, member_id: str) -> WaitlistRecord | None:
    try:
        return WaitlistRecord.get(slot_key(station_id, start), member_id, consistent_read=True)
    except DoesNotExist:
        return None


def entries(station_id: str, start: datetime) -> list[WaitlistRecord]:
    """Everyone on a slot's waitlist, first come first: one consistent Query."""
    found = WaitlistRecord.query(slot_key(station_id, start), consistent_read=True)
    return sorted(found, key=lambda e: (e.joined_at, e.member_id))


def of_member(member_id: str, since: datetime) -> list[WaitlistRecord]:
    return list(WaitlistRecord.member_index.query(member_id, W.slot_start >= iso(since)))


def expired_offers(days: list[str], now: datetime) -> list[WaitlistRecord]:
    """Held seats whose hold has run out: one Query per day on the sparse offer index."""
    pages = concurrently(lambda day: list(WaitlistRecord.offer_index.query(day, W.hold_until <= iso(now))), days)
    return [r for page in pages for r in page]


def join_in(tx: NamedTransaction, member_id: str, station: Station, slot: SlotTime, now: datetime) -> WaitlistRecord:
    entry = WaitlistRecord(slot_key(station.station_id, slot.start), member_id, station_id=station.station_id,
                           slot_start=iso(slot.start), slot_end=iso(slot.end), time_zone=station.time_zone,
                           joined_at=iso(now), status="waiting")
    tx.put("entry", entry, condition=may_join)
    return entry


def _move(tx: NamedTransaction, entry: WaitlistRecord, status: str, condition: object, *extra: object) -> None:
    actions = [W.status.set(status), *extra]
    tx.update("entry", WaitlistRecord(entry.slot_key, entry.member_id), actions,  # type: ignore[arg-type]
              condition=condition)  # type: ignore[arg-type]


def offer_in(tx: NamedTransaction, entry: WaitlistRecord, hold_until: datetime) -> None:
    _move(tx, entry, "offered", W.status == "waiting",
          W.hold_until.set(iso(hold_until)), W.offer_day.set(iso(hold_until)[:10]))


def confirm_in(tx: NamedTransaction, entry: WaitlistRecord, now: datetime) -> None:
    _move(tx, entry, "confirmed", (W.status == "offered") & (W.hold_until > iso(now)), W.offer_day.remove())


def lapse_in(tx: NamedTransaction, entry: WaitlistRecord, now: datetime) -> None:
    _move(tx, entry, "lapsed", (W.status == "offered") & (W.hold_until <= iso(now)), W.offer_day.remove())


def leave_in(tx: NamedTransaction, entry: WaitlistRecord) -> None:
    _move(tx, entry, "left", W.status == entry.status, W.offer_day.remove())
