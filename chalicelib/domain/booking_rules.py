"""The booking rules, as pure functions of a station, a worker's standing and the time `now`.

A worker's standing is what the rules need to know about them across stations: their upcoming
bookings (for "at most K" and "one per slot time"), their recent no-shows and any suspension.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib.domain import booking_errors as err
from chalicelib.domain.schedule import SlotTime, find_slot, local_iso
from chalicelib.domain.stations import DEFAULT_TIME_ZONE, Station

NO_SHOW_LIMIT = 3  # this many no-shows ...
NO_SHOW_PERIOD = timedelta(days=30)  # ... within this period ...
SUSPENSION = timedelta(days=7)  # ... suspend new bookings for this long
CHECKIN_OPENS_BEFORE = timedelta(minutes=15)
HOLD_FOR = timedelta(minutes=15)  # how long a freed seat is held for the first waiter
BOOKING_ID_FORMAT = "%Y%m%dT%H%MZ"


def booking_id(slot_start: datetime) -> str:
    """A booking is keyed by (member, slot start): its id is the start, compact and URL-safe."""
    return slot_start.astimezone(UTC).strftime(BOOKING_ID_FORMAT)


def slot_start_of(booking_id: str) -> datetime | None:
    try:
        return datetime.strptime(booking_id, BOOKING_ID_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


@dataclass(frozen=True)
class SlotCounts:
    """A slot's counters. taken = booked + held; seats freed while people wait go to the waitlist.
    `capacity` is the seats at the slot's last seat change: free seats are counted against the seats
    the station has now (after a seat cut a slot may hold more than that)."""

    capacity: int
    taken: int = 0
    booked: int = 0
    held: int = 0
    waiting: int = 0

    def free_of(self, seats: int) -> int:
        """Seats free for waiters when the station has `seats`."""
        return max(0, seats - self.taken)

    def left_of(self, seats: int) -> int:
        """Seats anyone may book right now when the station has `seats`."""
        return 0 if self.waiting > 0 else self.free_of(seats)


def seats_left(counts: SlotCounts | None, seats: int) -> int:
    """A slot that nobody booked yet does not exist: all the station's seats are free."""
    return seats if counts is None else counts.left_of(seats)


@dataclass(frozen=True)
class Standing:
    """A worker's bookings-wide record. `rev` guards it against concurrent changes."""

    upcoming: dict[str, datetime] = field(default_factory=dict)  # booking id -> slot end
    no_shows: tuple[datetime, ...] = ()
    suspended_until: datetime | None = None
    rev: int = 0

    def active_after(self, now: datetime) -> dict[str, datetime]:
        """Upcoming bookings that have not ended."""
        return {bid: end for bid, end in self.upcoming.items() if end > now}

    def with_booking(self, slot: SlotTime, now: datetime) -> dict[str, datetime]:
        """The upcoming map after adding this slot (ended entries pruned)."""
        return {**self.active_after(now), booking_id(slot.start): slot.end}


def check_audience(station: Station, *, is_member: bool, worker_group: str | None) -> None:
    """Members-only and worker-group stations refuse everyone else (403)."""
    if not station.active:
        raise err.StationInactive()
    if station.admits(is_member=is_member, worker_group=worker_group):
        return
    if station.audience == "members":
        raise err.MembersOnly()
    raise err.NotInAudience()


def bookable_slot(station: Station, start: datetime, now: datetime) -> SlotTime:
    """The slot a worker may book at `start`: within hours, not past, enough notice, not too far ahead."""
    slot = find_slot(station, start)
    if slot is None:
        raise err.NotASlot()
    if slot.start <= now:
        raise err.SlotInPast()
    notice = station.rules.min_notice_minutes
    if slot.start < now + timedelta(minutes=notice):
        raise err.NoticeTooShort(f"至少需提前 {notice} 分钟预约", f"must be booked at least {notice} minutes ahead")
    days = station.rules.max_days_ahead
    if slot.start > now + timedelta(days=days):
        raise err.TooFarAhead(f"最多可提前 {days} 天预约", f"can be booked at most {days} days ahead")
    return slot


def check_standing(standing: Standing, slot: SlotTime, now: datetime, *, max_active: int) -> None:
    """Not suspended, no other booking at an overlapping time, fewer than K future bookings."""
    check_not_suspended(standing, now)
    active = standing.active_after(now)
    for bid, end in active.items():
        start = slot_start_of(bid)
        if start is not None and start < slot.end and slot.start < end:
            raise err.AlreadyBooked()
    future = [bid for bid in active if (slot_start_of(bid) or now) > now]
    if len(future) >= max_active:
        raise err.TooManyBookings(
            f"最多可同时持有 {max_active} 个未开始的预约", f"You can hold at most {max_active} upcoming bookings"
        )


def check_may_wait(standing: Standing, slot: SlotTime, now: datetime) -> None:
    """Joining a waitlist: not suspended and no booking at an overlapping time (K is checked on confirming)."""
    check_standing(standing, slot, now, max_active=10**6)


def suspension(standing: Standing, now: datetime) -> err.Suspended | None:
    """The error to give when the worker is suspended at `now`, else None."""
    until = standing.suspended_until
    return suspended(until) if until is not None and until > now else None


def check_not_suspended(standing: Standing, now: datetime) -> None:
    refused = suspension(standing, now)
    if refused is not None:
        raise refused


def suspended(until: datetime) -> err.Suspended:
    """422 naming the day the suspension ends (in China time) and the exact instant (UTC)."""
    zone = ZoneInfo(DEFAULT_TIME_ZONE)
    day = until.astimezone(zone)
    return err.Suspended(
        f"30 天内 {NO_SHOW_LIMIT} 次预约未到，预约功能暂停至 {day:%Y-%m-%d %H:%M}（{local_iso(until, zone)}）",
        f"Bookings are suspended until {day:%Y-%m-%d %H:%M} ({local_iso(until, zone)}) "
        f"after {NO_SHOW_LIMIT} no-shows in 30 days",
    )


def after_no_show(standing: Standing, slot_start: datetime, now: datetime) -> tuple[list[datetime], datetime | None]:
    """Record one more no-show: the no-shows still inside the period, and the suspension end if this
    one reaches the limit (an existing longer suspension is kept)."""
    recent = sorted([t for t in standing.no_shows if t > now - NO_SHOW_PERIOD] + [slot_start])
    until = standing.suspended_until
    if len(recent) >= NO_SHOW_LIMIT:
        until = max(filter(None, (until, now + SUSPENSION)))
    return recent, until


def cancel_deadline(station: Station, slot: SlotTime) -> datetime:
    return slot.start - timedelta(minutes=station.rules.cancel_window_minutes)


def check_cancel(deadline: datetime, now: datetime, zone: ZoneInfo) -> None:
    if now > deadline:
        when = local_iso(deadline, zone)
        raise err.CancelTooLate(f"已超过取消期限（{when}）", f"can no longer be cancelled (the deadline was {when})")


def check_checkin_window(slot: SlotTime, now: datetime, zone: ZoneInfo) -> None:
    """Check-in runs from 15 minutes before the start to the end of the slot."""
    opens = slot.start - CHECKIN_OPENS_BEFORE
    if not opens <= now < slot.end:
        a, b = local_iso(opens, zone), local_iso(slot.end, zone)
        raise err.CheckinClosed(f"只能在 {a} 至 {b} 之间签到", f"Check-in is open from {a} to {b}")


def hold_until(slot: SlotTime, now: datetime) -> datetime:
    """A freed seat is held for the first waiter for HOLD_FOR, but never past the slot's start."""
    return min(now + HOLD_FOR, slot.start)
