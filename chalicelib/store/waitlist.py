"""Waitlist entries: waiting -> offered (a seat is held until hold_until) -> confirmed | lapsed,
or left. Each step is a named conditional write that goes into one unit of work with the slot:

  ENTRY   joining: not on this waitlist yet (or only as lapsed, left or confirmed); any later step:
          the entry is still where the step starts from (waiting, or offered and the hold running)
Reads return `domain.bookings.WaitlistEntry`, never the record.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.domain.bookings import WaitlistEntry
from chalicelib.domain.schedule import SlotTime
from chalicelib.domain.stations import Station
from chalicelib.store.base import from_iso, iso
from chalicelib.store.booking_tables import WaitlistRecord
from chalicelib.store.parallel import concurrently
from chalicelib.store.transact import NamedTransaction

ENTRY = "entry"

W = WaitlistRecord
may_join = W.slot_key.does_not_exist() | W.status.is_in("lapsed", "left", "confirmed")


def to_domain(r: WaitlistRecord) -> WaitlistEntry:
    return WaitlistEntry(
        station_id=r.station_id,
        member_id=r.member_id,
        slot=SlotTime(from_iso(r.slot_start), from_iso(r.slot_end)),
        time_zone=r.time_zone,
        joined_at=from_iso(r.joined_at),
        status=r.status,
        hold_until=from_iso(r.hold_until) if r.hold_until else None,
    )


def slot_key(station_id: str, start: datetime) -> str:
    return f"{station_id}#{iso(start)}"


def get_entry(station_id: str, start: datetime, member_id: str) -> WaitlistEntry | None:
    try:
        return to_domain(WaitlistRecord.get(slot_key(station_id, start), member_id, consistent_read=True))
    except DoesNotExist:
        return None


def entries(station_id: str, start: datetime) -> list[WaitlistEntry]:
    """Everyone on a slot's waitlist, first come first: one consistent Query."""
    found = WaitlistRecord.query(slot_key(station_id, start), consistent_read=True)
    return [to_domain(r) for r in sorted(found, key=lambda e: (e.joined_at, e.member_id))]


def of_member(member_id: str, since: datetime | None = None) -> list[WaitlistEntry]:
    """The member's entries for slots from `since` (every one without it): one Query."""
    after = W.slot_start >= iso(since) if since else None
    return [to_domain(r) for r in WaitlistRecord.member_index.query(member_id, after)]


def remove(entry: WaitlistEntry) -> None:
    """Delete an entry that no longer holds a place or a seat (erasure): one DeleteItem, idempotent."""
    WaitlistRecord(slot_key(entry.station_id, entry.slot.start), entry.member_id).delete(
        condition=W.status.is_in("lapsed", "left", "confirmed") | W.member_id.does_not_exist()
    )


def slots_with_expired_offers(days: list[str], now: datetime) -> set[tuple[str, datetime]]:
    """(station, slot start) of the held seats whose hold has run out: one Query per day on the
    sparse offer index (keys only)."""
    pages = concurrently(lambda day: list(WaitlistRecord.offer_index.query(day, W.hold_until <= iso(now))), days)
    keys = {r.slot_key for page in pages for r in page}
    return {(station_id, from_iso(start)) for station_id, _, start in (key.partition("#") for key in keys)}


def join_in(tx: NamedTransaction, member_id: str, station: Station, slot: SlotTime, now: datetime) -> WaitlistEntry:
    record = WaitlistRecord(
        slot_key(station.station_id, slot.start),
        member_id,
        station_id=station.station_id,
        slot_start=iso(slot.start),
        slot_end=iso(slot.end),
        time_zone=station.time_zone,
        joined_at=iso(now),
        status="waiting",
    )
    tx.put(ENTRY, record, condition=may_join)
    return to_domain(record)


def _move(tx: NamedTransaction, entry: WaitlistEntry, status: str, condition: Condition, *extra: Action) -> None:
    actions = [W.status.set(status), *extra]
    tx.update(
        ENTRY,
        WaitlistRecord(slot_key(entry.station_id, entry.slot.start), entry.member_id),
        actions,
        condition=condition,
    )


def offer_in(tx: NamedTransaction, entry: WaitlistEntry, hold_until: datetime) -> None:
    _move(
        tx,
        entry,
        "offered",
        W.status == "waiting",
        W.hold_until.set(iso(hold_until)),
        W.offer_day.set(iso(hold_until)[:10]),
    )


def confirm_in(tx: NamedTransaction, entry: WaitlistEntry, now: datetime) -> None:
    _move(tx, entry, "confirmed", (W.status == "offered") & (W.hold_until > iso(now)), W.offer_day.remove())


def lapse_in(tx: NamedTransaction, entry: WaitlistEntry, now: datetime) -> None:
    _move(tx, entry, "lapsed", (W.status == "offered") & (W.hold_until <= iso(now)), W.offer_day.remove())


def leave_in(tx: NamedTransaction, entry: WaitlistEntry) -> None:
    _move(tx, entry, "left", W.status == entry.status, W.offer_day.remove())
