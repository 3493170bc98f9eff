"""Waitlists: join a full slot, be offered a freed seat (held for you), confirm it or let it lapse.

A seat freed while people wait is never bookable by others: the slot's seat condition refuses new
bookings while `waiting` > 0, and offering turns the free seat into a *held* one (taken + 1) for the
first waiter, so holds count against capacity and no interleaving can overbook. A hold that runs out
lapses and the seat passes to the next waiter: lazily when anyone touches that waitlist (cancel,
confirm, leave, a waiter reading their list) and in the scheduled sweep.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib.domain import activity as events
from chalicelib.domain import booking_errors as err
from chalicelib.domain import booking_rules as rules
from chalicelib.domain.access import Caller
from chalicelib.domain.bookings import BookingCreate, BookingOut, WaitlistOut
from chalicelib.domain.errors import Conflict
from chalicelib.domain.schedule import SlotTime, stamps
from chalicelib.services import activity
from chalicelib.services.booking_tx import booking_view, reserve
from chalicelib.services.stations import load
from chalicelib.store import slots as slot_store
from chalicelib.store import standing as standing_store
from chalicelib.store import waitlist as store
from chalicelib.store.booking_tables import WaitlistRecord
from chalicelib.store.bookings import MAX_SLOT
from chalicelib.store.parallel import both
from chalicelib.store.transact import Cancelled, NamedTransaction

at = datetime.fromisoformat


def entry_id(station_id: str, start: datetime) -> str:
    return f"{station_id}-{rules.booking_id(start)}"


def _own_entry(member_id: str, eid: str) -> WaitlistRecord:
    station_id, _, bid = eid.partition("-")
    start = rules.slot_start_of(bid)
    entry = store.get_entry(station_id, start, member_id) if start and station_id else None
    if entry is None:
        raise err.WaitlistEntryNotFound()
    return entry


def view(e: WaitlistRecord, position: int | None = None) -> WaitlistOut:
    zone = ZoneInfo(e.time_zone)
    hold = stamps("hold_until", at(e.hold_until), zone) if e.status == "offered" and e.hold_until else {}
    return WaitlistOut(entry_id=entry_id(e.station_id, at(e.slot_start)), status=e.status, station_id=e.station_id,
                       time_zone=e.time_zone, **stamps("slot_start", at(e.slot_start), zone),
                       **stamps("slot_end", at(e.slot_end), zone), **stamps("joined_at", at(e.joined_at), zone),
                       position=position, **hold)


def _position(e: WaitlistRecord) -> int | None:
    if e.status != "waiting":
        return None
    queue = [w for w in store.entries(e.station_id, at(e.slot_start)) if w.status == "waiting"]
    return next((i + 1 for i, w in enumerate(queue) if w.member_id == e.member_id), None)


def join(caller: Caller, req: BookingCreate, now: datetime) -> WaitlistOut:
    """Wait for a seat in a full slot (the same rules as booking it, except the limit K)."""
    station, standing = both(lambda: load(req.station_id), lambda: standing_store.get_standing(caller.member_id))
    rules.check_audience(station, is_member=caller.is_member, worker_group=caller.worker_group)
    slot = rules.bookable_slot(station, req.slot_start, now)
    rules.check_may_wait(standing, slot, now)
    tx = NamedTransaction()
    slot_store.add_waiter(tx, station.station_id, slot.start)
    entry = store.join_in(tx, caller.member_id, station, slot, now)
    activity.record_in(tx, caller.member_id, events.WAITLIST_JOINED, now)
    try:
        tx.commit()
    except Cancelled as exc:
        if "entry" in exc:
            raise err.AlreadyWaiting() from exc
        raise err.SlotHasSeats() from exc
    return view(entry, _position(entry))


def confirm(caller: Caller, eid: str, now: datetime) -> BookingOut:
    """Take the seat held for you: it becomes a booking (same transaction as booking, K and suspension apply)."""
    entry = _own_entry(caller.member_id, eid)
    if entry.status != "offered":
        raise err.NoOffer()
    start = at(entry.slot_start)
    if at(entry.hold_until) <= now:
        settle_slot(entry.station_id, start, now)
        raise err.OfferExpired()
    station = load(entry.station_id)
    record = reserve(caller.member_id, station, SlotTime(start, at(entry.slot_end)), now, source="waitlist",
                     seat=lambda tx: slot_store.convert_hold(tx, station.station_id, start),
                     extra=lambda tx: store.confirm_in(tx, entry, now))
    return booking_view(record)


def leave(caller: Caller, eid: str, now: datetime) -> WaitlistOut:
    """Leave the waitlist, or decline the seat held for you (it goes to the next waiter)."""
    entry = _own_entry(caller.member_id, eid)
    if entry.status not in ("waiting", "offered"):
        raise err.NotWaiting()
    start = at(entry.slot_start)
    tx = NamedTransaction()
    store.leave_in(tx, entry)
    if entry.status == "waiting":
        slot_store.remove_waiter(tx, entry.station_id, start)
    else:
        slot_store.release_hold(tx, entry.station_id, start)
    activity.record_in(tx, caller.member_id, events.WAITLIST_LEFT, now)
    try:
        tx.commit()
    except Cancelled as exc:
        raise Conflict() from exc
    if entry.status == "offered":
        settle_slot(entry.station_id, start, now)
    entry.status = "left"
    return view(entry)


def my_waitlist(caller: Caller, now: datetime) -> list[WaitlistOut]:
    """The worker's entries for slots not yet over. Their slots are settled first: an offer that ran
    out lapses, and a seat freed while its offer was not made (a crash right after a cancel) is offered."""
    found = store.of_member(caller.member_id, now - MAX_SLOT)
    unsettled = [e for e in found if (e.status == "offered" and at(e.hold_until) <= now)
                 or (e.status == "waiting" and at(e.slot_start) > now)]
    for e in unsettled:
        settle_slot(e.station_id, at(e.slot_start), now)
    if unsettled:
        found = [store.get_entry(e.station_id, at(e.slot_start), e.member_id) or e for e in found]
    return [view(e, _position(e)) for e in found if at(e.slot_end) > now]


def settle_slot(station_id: str, start: datetime, now: datetime) -> None:
    """Lapse the holds that ran out, then offer every seat free for waiters to the next in line."""
    queue = store.entries(station_id, start)
    if not queue:
        return
    for e in queue:
        if e.status == "offered" and at(e.hold_until) <= now and _lapse(e, now):
            e.status = "lapsed"
    counts = slot_store.get_counts(station_id, start) if start > now else None
    if counts is None:
        return
    waiting = [e for e in queue if e.status == "waiting"]
    for e in waiting[: counts.free_for_waiters]:
        if not _offer(e, SlotTime(start, at(e.slot_end)), now):
            break


def _lapse(e: WaitlistRecord, now: datetime) -> bool:
    tx = NamedTransaction()
    store.lapse_in(tx, e, now)
    slot_store.release_hold(tx, e.station_id, at(e.slot_start))
    activity.record_in(tx, e.member_id, events.WAITLIST_LAPSED, now)
    return _commit_quietly(tx)


def _offer(e: WaitlistRecord, slot: SlotTime, now: datetime) -> bool:
    tx = NamedTransaction()
    slot_store.hold_seat(tx, e.station_id, slot.start)
    store.offer_in(tx, e, rules.hold_until(slot, now))
    activity.record_in(tx, e.member_id, events.WAITLIST_OFFERED, now)
    return _commit_quietly(tx)


def _commit_quietly(tx: NamedTransaction) -> bool:
    """False when another request settled the same slot first (its conditions no longer hold)."""
    try:
        tx.commit()
    except Cancelled:
        return False
    return True


def expire_holds(now: datetime) -> int:
    """The scheduled sweep: settle every slot with a hold that ran out (sparse offer index, never a table scan)."""
    utc_now = now.astimezone(UTC)
    days = sorted({(utc_now - timedelta(days=d)).strftime("%Y-%m-%d") for d in (1, 0)})
    slots = {(r.slot_key.split("#", 1)[0], at(r.slot_key.split("#", 1)[1])) for r in store.expired_offers(days, now)}
    for station_id, start in slots:
        settle_slot(station_id, start, now)
    return len(slots)
