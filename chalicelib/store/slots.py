"""Slot counters. Every change of `taken` is conditional, so no interleaving can overbook.
The named conditions (a unit of work maps them to the error a person reads):

  SEAT_LEFT    take_seat: taken < the station's seats now and nobody waiting (a freed seat belongs to
               the waitlist first), or no slot item yet; hold_seat (a waiter is offered a freed seat:
               taken + 1, held + 1, waiting - 1): taken < the station's seats now and someone waits
  SEAT_HELD    convert_hold (the waiter confirms: held - 1, booked + 1, taken unchanged): a seat is held
  SLOT_FULL    add_waiter: the slot is full, or others already wait for a freed seat
  SEAT         release_seat / release_hold / remove_waiter: there is a booked seat, a held seat, a waiter
               to give back (taken - 1 when a booking is cancelled or a hold lapses)
The seats a condition compares with are the station's seats as the use case read them (and the unit
of work checks the station still has them: `stations.terms_unchanged_in`), never the `capacity` stored
on the slot: that is only the seats of its last seat change, so a seat cut caps slots made before it.
Every release of a seat marks its slot as a pending hand-over (`handover_day`, `handover_at`: a
sparse index) in the release's own transaction, so a sweep finds the seats whose offer was never made.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition

from chalicelib.domain.booking_rules import SlotCounts
from chalicelib.store.base import from_iso, iso
from chalicelib.store.booking_tables import SlotRecord
from chalicelib.store.bookings import MAX_SLOT
from chalicelib.store.parallel import concurrently
from chalicelib.store.transact import NamedTransaction

SEAT_LEFT = "seat_left"
SEAT_HELD = "seat_held"
SLOT_FULL = "slot_full"
SEAT = "seat"

S = SlotRecord
slot_absent = S.resource_id.does_not_exist()
nobody_waiting = S.waiting.does_not_exist() | (S.waiting <= 0)


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


def take_seat(tx: NamedTransaction, station_id: str, start: datetime, end: datetime, seats: int) -> None:
    """Book one seat of the `seats` the station has now (creating the slot if nobody booked it yet)."""
    tx.update(
        SEAT_LEFT,
        _item(station_id, start),
        [S.capacity.set(seats), S.slot_end.set(S.slot_end | iso(end)), S.taken.add(1), S.booked.add(1)],
        condition=slot_absent | ((S.taken < seats) & nobody_waiting),
    )


def _pending_handover(now: datetime) -> list:
    """The mark a sweep finds when the offer of a freed seat was never made (sparse index, by day)."""
    return [S.handover_day.set(iso(now)[:10]), S.handover_at.set(iso(now))]


def release_seat(tx: NamedTransaction, station_id: str, start: datetime, now: datetime) -> None:
    """Give back a booked seat; marked as a pending hand-over for whoever may be waiting."""
    tx.update(
        SEAT,
        _item(station_id, start),
        [S.taken.add(-1), S.booked.add(-1), *_pending_handover(now)],
        condition=S.booked > 0,
    )


def add_waiter(tx: NamedTransaction, station_id: str, start: datetime, seats: int) -> None:
    """Join the queue: only while the slot is full at the station's `seats` (or others already wait)."""
    tx.update(SLOT_FULL, _item(station_id, start), [S.waiting.add(1)], condition=(S.taken >= seats) | (S.waiting > 0))


def remove_waiter(tx: NamedTransaction, station_id: str, start: datetime) -> None:
    tx.update(SEAT, _item(station_id, start), [S.waiting.add(-1)], condition=S.waiting > 0)


def hold_seat(tx: NamedTransaction, station_id: str, start: datetime, seats: int) -> None:
    """Hold a freed seat (one of the station's `seats` now) for the first waiter."""
    tx.update(
        SEAT_LEFT,
        _item(station_id, start),
        [S.capacity.set(seats), S.taken.add(1), S.held.add(1), S.waiting.add(-1)],
        condition=(S.taken < seats) & (S.waiting > 0),
    )


def convert_hold(tx: NamedTransaction, station_id: str, start: datetime) -> None:
    tx.update(SEAT_HELD, _item(station_id, start), [S.held.add(-1), S.booked.add(1)], condition=S.held > 0)


def release_hold(tx: NamedTransaction, station_id: str, start: datetime, now: datetime) -> None:
    """Give back a held seat (declined or lapsed); marked as a pending hand-over for the next waiter."""
    tx.update(
        SEAT, _item(station_id, start), [S.held.add(-1), S.taken.add(-1), *_pending_handover(now)], condition=S.held > 0
    )


def pending_handovers(days: list[str], before: datetime) -> list[tuple[str, datetime, str]]:
    """(station, slot start, mark) of slots with a seat freed before `before` and not yet settled by a
    sweep: one Query per day on the sparse hand-over index (keys only)."""
    pages = concurrently(lambda day: list(S.handover_index.query(day, S.handover_at <= iso(before))), days)
    return [(r.resource_id, from_iso(r.slot_start), r.handover_at) for page in pages for r in page]


def clear_handover(station_id: str, start: datetime, mark: str) -> None:
    """Drop the mark once its slot is settled, unless a newer release marked it again: one UpdateItem."""
    try:
        _item(station_id, start).update(
            [S.handover_day.remove(), S.handover_at.remove()], condition=S.handover_at == mark
        )
    except UpdateError:
        pass  # marked again meanwhile: the next sweep settles it


def _not_over(station_id: str, since: datetime, condition: Condition) -> Iterator[SlotRecord]:
    """The station's slots not over by `since` that meet `condition`, in order: one consistent Query."""
    window = S.slot_start >= iso(since - MAX_SLOT)
    return S.query(station_id, window, filter_condition=(S.slot_end > iso(since)) & condition, consistent_read=True)


def over_seats(station_id: str, since: datetime, seats: int) -> list[tuple[datetime, int]]:
    """(slot start, seats taken) of the slots not over by `since` that hold more than `seats`: one Query."""
    found = _not_over(station_id, since, S.taken > seats)
    return [(from_iso(r.slot_start), int(r.taken or 0)) for r in found]


def first_in_use(station_id: str, since: datetime) -> datetime | None:
    """The start of the first slot not over by `since` with a seat taken or a waiter: one Query (stops
    at the first page that has one)."""
    found = _not_over(station_id, since, (S.taken > 0) | (S.waiting > 0))
    return next((from_iso(r.slot_start) for r in found), None)


def mark_waited_for(station_id: str, since: datetime) -> int:
    """Mark the slots not over by `since` that people wait for as pending hand-overs (the station has
    more seats now: the sweep offers them). One Query + one UpdateItem per such slot; how many."""
    found = _not_over(station_id, since, S.waiting > 0)
    marked = 0
    for r in found:
        r.update(_pending_handover(since))
        marked += 1
    return marked
