"""Waitlists: join a full slot, be offered a freed seat (held for you), confirm it or let it lapse.

A seat freed while people wait is never bookable by others: the slot's seat condition refuses new
bookings while `waiting` > 0, and offering turns the free seat into a *held* one (taken + 1) for the
first waiter, so holds count against capacity and no interleaving can overbook. A hold that runs out
lapses and the seat passes to the next waiter: lazily when anyone touches that waitlist (cancel,
confirm, leave, a waiter reading their list) and in the scheduled sweep. Every release of a seat also
marks its slot as a pending hand-over in the same transaction, so when the offer that follows a
cancel fails, the sweep still offers the seat within minutes.

Round trips: settle_slot = one Query of the waitlist (nothing more when nobody waits) + GetItem of
the slot and of the station + one TransactWriteItems per offer; settle_pending_handovers = one Query
per look-back day on the hand-over index + per marked slot a settle_slot and one UpdateItem (the mark).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from chalicelib.domain import activity as events
from chalicelib.domain import booking_errors as err
from chalicelib.domain import booking_rules as rules
from chalicelib.domain.access import Caller
from chalicelib.domain.bookings import BookingCreate, BookingOut, WaitlistEntry, WaitlistOut, booking_view
from chalicelib.domain.errors import Conflict
from chalicelib.domain.schedule import stamps
from chalicelib.domain.station_errors import StationTermsChanged
from chalicelib.domain.stations import Station
from chalicelib.services import activity
from chalicelib.services.seat_reservation import reserve
from chalicelib.services.stations import load
from chalicelib.store import slots as slot_store
from chalicelib.store import standing as standing_store
from chalicelib.store import stations as station_store
from chalicelib.store import waitlist as store
from chalicelib.store.bookings import MAX_SLOT
from chalicelib.store.parallel import both
from chalicelib.store.slots import SLOT_FULL
from chalicelib.store.stations import TERMS
from chalicelib.store.unit_of_work import UnitOfWork, unit_of_work
from chalicelib.store.waitlist import ENTRY

logger = logging.getLogger(__name__)
HANDOVER_GRACE = timedelta(minutes=1)  # the offer right after a freed seat has had its chance by then
LOOK_BACK_DAYS = 2  # days of freed seats the sweep re-checks, so a missed run is caught up


def _own_entry(member_id: str, eid: str) -> WaitlistEntry:
    station_id, _, bid = eid.partition("-")
    start = rules.slot_start_of(bid)
    entry = store.get_entry(station_id, start, member_id) if start and station_id else None
    if entry is None:
        raise err.WaitlistEntryNotFound()
    return entry


def view(e: WaitlistEntry, position: int | None = None) -> WaitlistOut:
    zone = e.zone
    hold = stamps("hold_until", e.hold_until, zone) if e.status == "offered" and e.hold_until else {}
    return WaitlistOut(
        entry_id=e.entry_id,
        status=e.status,
        station_id=e.station_id,
        time_zone=e.time_zone,
        **stamps("slot_start", e.slot.start, zone),
        **stamps("slot_end", e.slot.end, zone),
        **stamps("joined_at", e.joined_at, zone),
        position=position,
        **hold,
    )


def _position(e: WaitlistEntry) -> int | None:
    if e.status != "waiting":
        return None
    queue = [w for w in store.entries(e.station_id, e.slot.start) if w.status == "waiting"]
    return next((i + 1 for i, w in enumerate(queue) if w.member_id == e.member_id), None)


def join(caller: Caller, req: BookingCreate, now: datetime) -> WaitlistOut:
    """Wait for a seat in a full slot (the same rules as booking it, except the limit K)."""
    station, standing = both(lambda: load(req.station_id), lambda: standing_store.get_standing(caller.member_id))
    rules.check_audience(station, is_member=caller.is_member, worker_group=caller.worker_group)
    slot = rules.bookable_slot(station, req.slot_start, now)
    rules.check_may_wait(standing, slot, now)
    refuse = {ENTRY: err.AlreadyWaiting, TERMS: StationTermsChanged, SLOT_FULL: err.SlotHasSeats}
    with unit_of_work(now, refuse=refuse) as uow:
        slot_store.add_waiter(uow, station.station_id, slot.start, station.seats)
        station_store.terms_unchanged_in(uow, station, now)
        entry = store.join_in(uow, caller.member_id, station, slot, now)
        activity.record_in(uow, caller.member_id, events.WAITLIST_JOINED, now)
    return view(entry, _position(entry))


def confirm(caller: Caller, eid: str, now: datetime) -> BookingOut:
    """Take the seat held for you: it becomes a booking (same transaction as booking, K and suspension apply)."""
    entry = _own_entry(caller.member_id, eid)
    if entry.status != "offered":
        raise err.NoOffer()
    if entry.offer_ran_out(now):
        settle_slot(entry.station_id, entry.slot.start, now)
        raise err.OfferExpired()
    station = load(entry.station_id)
    booking = reserve(
        caller.member_id,
        station,
        entry.slot,
        now,
        source="waitlist",
        seat=lambda uow: slot_store.convert_hold(uow, station.station_id, entry.slot.start),
        extra=lambda uow: store.confirm_in(uow, entry, now),
    )
    return booking_view(booking)


def leave(caller: Caller, eid: str, now: datetime) -> WaitlistOut:
    """Leave the waitlist, or decline the seat held for you (it goes to the next waiter)."""
    entry = _own_entry(caller.member_id, eid)
    if entry.status not in ("waiting", "offered"):
        raise err.NotWaiting()
    return view(step_off(entry, now))


def step_off(entry: WaitlistEntry, now: datetime) -> WaitlistEntry:
    """Take a waiting or offered entry off its waitlist (the worker leaving, erasure); a seat held for
    it goes to the next waiter."""
    start = entry.slot.start
    with unit_of_work(now) as uow:
        store.leave_in(uow, entry)
        if entry.status == "waiting":
            slot_store.remove_waiter(uow, entry.station_id, start)
        else:
            slot_store.release_hold(uow, entry.station_id, start, now)
        activity.record_in(uow, entry.member_id, events.WAITLIST_LEFT, now)
    if entry.status == "offered":
        offer_freed_seats(entry.station_id, start, now)
    return replace(entry, status="left")


def my_waitlist(caller: Caller, now: datetime) -> list[WaitlistOut]:
    """The worker's entries for slots not yet over. Their slots are settled first: an offer that ran
    out lapses, and a seat freed while its offer was not made (a crash right after a cancel) is offered."""
    found = store.of_member(caller.member_id, now - MAX_SLOT)
    unsettled = [e for e in found if e.offer_ran_out(now) or (e.status == "waiting" and e.slot.start > now)]
    for e in unsettled:
        settle_slot(e.station_id, e.slot.start, now)
    if unsettled:
        found = [store.get_entry(e.station_id, e.slot.start, e.member_id) or e for e in found]
    return [view(e, _position(e)) for e in found if e.slot.end > now]


def settle_slot(station_id: str, start: datetime, now: datetime) -> None:
    """Lapse the holds that ran out, then offer every seat free for waiters (of the seats the station
    has now) to the next in line."""
    queue = store.entries(station_id, start)
    if not queue:
        return
    for e in queue:
        if e.offer_ran_out(now):
            _lapse(e, now)
    waiting = [e for e in queue if e.status == "waiting"]
    counts = slot_store.get_counts(station_id, start) if waiting and start > now else None
    if counts is None:
        return
    station = load(station_id)
    for e in waiting[: counts.free_of(station.seats)]:
        if not _offer(e, station, now):
            break


def offer_freed_seats(station_id: str, start: datetime, now: datetime) -> bool:
    """Settle the slot right after one of its seats was freed. The release committed already and
    marked the slot, so when this fails the seat is not lost: the sweep offers it. False then."""
    try:
        settle_slot(station_id, start, now)
    except Exception:  # noqa: BLE001 - whatever failed, the mark hands the seat over to the sweep
        logger.exception("hand-over of a freed seat left to the sweep", extra={"station_id": station_id})
        return False
    return True


def settle_pending_handovers(now: datetime) -> int:
    """The sweep's catch-up: settle every slot whose seat was freed (a cancel, a declined or lapsed
    offer, more seats) at least HANDOVER_GRACE ago, even if the offer right after it never ran, then
    drop its mark. Returns how many slots were settled."""
    utc_now = now.astimezone(UTC)
    days = sorted({(utc_now - timedelta(days=d)).strftime("%Y-%m-%d") for d in (LOOK_BACK_DAYS, 1, 0)})
    marked = slot_store.pending_handovers(days, now - HANDOVER_GRACE)
    settled = [(sid, start, mark) for sid, start, mark in marked if offer_freed_seats(sid, start, now)]
    for station_id, start, mark in settled:
        slot_store.clear_handover(station_id, start, mark)
    return len(settled)


def _lapse(e: WaitlistEntry, now: datetime) -> bool:
    def write(uow: UnitOfWork) -> None:
        store.lapse_in(uow, e, now)
        slot_store.release_hold(uow, e.station_id, e.slot.start, now)
        activity.record_in(uow, e.member_id, events.WAITLIST_LAPSED, now)

    return _unless_settled(write, now)


def _offer(e: WaitlistEntry, station: Station, now: datetime) -> bool:
    def write(uow: UnitOfWork) -> None:
        slot_store.hold_seat(uow, e.station_id, e.slot.start, station.seats)
        station_store.terms_unchanged_in(uow, station, now)
        store.offer_in(uow, e, rules.hold_until(e.slot, now))
        activity.record_in(uow, e.member_id, events.WAITLIST_OFFERED, now)

    return _unless_settled(write, now)


def _unless_settled(write: Callable[[UnitOfWork], None], now: datetime) -> bool:
    """Commit one settling step; False when another request settled the same slot first (its
    conditions no longer hold, and nothing was written)."""
    try:
        with unit_of_work(now) as uow:
            write(uow)
    except Conflict:
        return False
    return True


def expire_holds(now: datetime) -> int:
    """The scheduled sweep: settle every slot with a hold that ran out (sparse offer index, never a table scan)."""
    utc_now = now.astimezone(UTC)
    days = sorted({(utc_now - timedelta(days=d)).strftime("%Y-%m-%d") for d in (1, 0)})
    slots = store.slots_with_expired_offers(days, now)
    for station_id, start in slots:
        settle_slot(station_id, start, now)
    return len(slots)
