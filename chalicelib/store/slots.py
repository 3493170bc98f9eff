"""Slot counters. Every change of `taken` is conditional, so no interleaving can overbook.
The named conditions (a unit of work maps them to the error a person reads):

  SEAT_LEFT    take_seat: taken < capacity and nobody waiting (a freed seat belongs to the waitlist
               first), or no slot item yet; hold_seat (a waiter is offered a freed seat: taken + 1,
               held + 1, waiting - 1): taken < capacity and someone waits
  SEAT_HELD    convert_hold (the waiter confirms: held - 1, booked + 1, taken unchanged): a seat is held
  SLOT_FULL    add_waiter: the slot is full, or others already wait for a freed seat
  SEAT         release_seat / release_hold / remove_waiter: there is a booked seat, a held seat, a waiter
               to give back (taken - 1 when a booking is cancelled or a hold lapses)
A slot item is created by the first booking, with the station's seats as its capacity.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.booking_rules import SlotCounts
from chalicelib.store.base import from_iso, iso
from chalicelib.store.booking_tables import SlotRecord
from chalicelib.store.transact import NamedTransaction

SEAT_LEFT = "seat_left"
SEAT_HELD = "seat_held"
SLOT_FULL = "slot_full"
SEAT = "seat"

S = SlotRecord
slot_absent = S.resource_id.does_not_exist()
seat_left = S.taken < S.capacity
nobody_waiting = S.waiting.does_not_exist() | (S.waiting <= 0)
slot_is_full = (S.taken >= S.capacity) | (S.waiting > 0)


def _counts(r: SlotRecord) -> SlotCounts:
    return SlotCounts(
        capacity=int(r.capacity or 0),
        taken=int(r.taken or 0),
        booked=int(r.booked or 0),
        held=int(r.held or 0),
        waiting=int(r.waiting or 0),
    )


def _item(station_id: str, start: datetime) -> SlotRecord:
    return SlotRecord(station_id, iso(start))


def day_counts(station_id: str, day_start: datetime, day_end: datetime) -> dict[datetime, SlotCounts]:
    """Every existing slot of [day_start, day_end): one Query."""
    found = SlotRecord.query(station_id, SlotRecord.slot_start.between(iso(day_start), iso(day_end)))
    return {from_iso(r.slot_start): _counts(r) for r in found if r.slot_start < iso(day_end)}


def counts_of(keys: list[tuple[str, datetime]]) -> dict[tuple[str, datetime], SlotCounts]:
    """The existing slots among these (station, start) keys: one BatchGet (per 100 keys)."""
    found = SlotRecord.batch_get([(sid, iso(start)) for sid, start in keys])
    return {(r.resource_id, from_iso(r.slot_start)): _counts(r) for r in found}


def get_counts(station_id: str, start: datetime) -> SlotCounts | None:
    try:
        return _counts(SlotRecord.get(station_id, iso(start), consistent_read=True))
    except DoesNotExist:
        return None


def take_seat(tx: NamedTransaction, station_id: str, start: datetime, end: datetime, capacity: int) -> None:
    """Book one seat, creating the slot with `capacity` seats if it does not exist yet."""
    tx.update(
        SEAT_LEFT,
        _item(station_id, start),
        [S.capacity.set(S.capacity | capacity), S.slot_end.set(S.slot_end | iso(end)), S.taken.add(1), S.booked.add(1)],
        condition=slot_absent | (seat_left & nobody_waiting),
    )


def release_seat(tx: NamedTransaction, station_id: str, start: datetime) -> None:
    tx.update(SEAT, _item(station_id, start), [S.taken.add(-1), S.booked.add(-1)], condition=S.booked > 0)


def add_waiter(tx: NamedTransaction, station_id: str, start: datetime) -> None:
    """Join the queue: only while the slot is full (or others already wait for a freed seat)."""
    tx.update(SLOT_FULL, _item(station_id, start), [S.waiting.add(1)], condition=slot_is_full)


def remove_waiter(tx: NamedTransaction, station_id: str, start: datetime) -> None:
    tx.update(SEAT, _item(station_id, start), [S.waiting.add(-1)], condition=S.waiting > 0)


def hold_seat(tx: NamedTransaction, station_id: str, start: datetime) -> None:
    tx.update(
        SEAT_LEFT,
        _item(station_id, start),
        [S.taken.add(1), S.held.add(1), S.waiting.add(-1)],
        condition=seat_left & (S.waiting > 0),
    )


def convert_hold(tx: NamedTransaction, station_id: str, start: datetime) -> None:
    tx.update(SEAT_HELD, _item(station_id, start), [S.held.add(-1), S.booked.add(1)], condition=S.held > 0)


def release_hold(tx: NamedTransaction, station_id: str, start: datetime) -> None:
    tx.update(SEAT, _item(station_id, start), [S.held.add(-1), S.taken.add(-1)], condition=S.held > 0)
