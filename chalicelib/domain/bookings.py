"""Bookings and waitlist entries: the requests, the stored objects (as the store returns them) and
how bookings are shown."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, AwareDatetime, Field
from pydantic_core import PydanticCustomError

from chalicelib.domain.base import Out, Strict
from chalicelib.domain.booking_rules import booking_id
from chalicelib.domain.messages import MESSAGES
from chalicelib.domain.schedule import SlotTime, local_iso, stamps, utc_iso

MESSAGES.setdefault("date_out_of_range", ("应在 2000 至 2100 年之间", "must be between 2000 and 2100"))
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)  # keeps date arithmetic far from overflow

StationId = Annotated[str, Field(min_length=1, max_length=40)]


def _in_range(day: date) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise PydanticCustomError("date_out_of_range", "must be between 2000 and 2100")
    return day


def _utc(value: datetime) -> datetime:
    _in_range(value.date())
    return value.astimezone(UTC)


SlotStart = Annotated[AwareDatetime, AfterValidator(_utc)]
Day = Annotated[date, AfterValidator(_in_range)]


class BookingCreate(Strict):
    """POST /v1/bookings and POST /v1/waitlist: a slot start with its offset, e.g. 2026-11-27T14:00:00+08:00."""

    station_id: StationId
    slot_start: SlotStart


class BookingsQuery(Strict):
    status: Literal["upcoming", "past"] = "upcoming"


class DayQuery(Strict):
    date: Day


class CheckinRequest(Strict):
    token: Annotated[str, Field(min_length=1, max_length=2000)]


class HistoryEntry(Out):
    status: str
    at: str
    at_utc: str


class BookingOut(Out):
    """A booking; times in the station's zone with offset, and in UTC."""

    booking_id: str
    status: str
    station_id: str
    station_name_zh: str
    station_name_en: str
    time_zone: str
    slot_start: str
    slot_start_utc: str
    slot_end: str
    slot_end_utc: str
    cancel_deadline: str
    cancel_deadline_utc: str
    booked_at: str
    booked_at_utc: str
    checked_in_at: str | None = None
    checked_in_at_utc: str | None = None
    source: str
    history: list[HistoryEntry]


class WaitlistOut(Out):
    entry_id: str
    status: str
    station_id: str
    time_zone: str
    slot_start: str
    slot_start_utc: str
    slot_end: str
    slot_end_utc: str
    joined_at: str
    joined_at_utc: str
    position: int | None = None  # 1 = next to be offered a seat (while waiting)
    hold_until: str | None = None
    hold_until_utc: str | None = None


class PassOut(Out):
    booking_id: str
    token: str
    expires_at: str
    expires_at_utc: str
    qr_svg_data_url: str


class RosterEntry(Out):
    slot_start: str
    slot_start_utc: str
    slot_end: str
    slot_end_utc: str
    name: str
    status: str
    checked_in_at: str | None = None


class CheckinOut(Out):
    booking_id: str
    station_id: str
    name: str
    status: str
    slot_start: str
    slot_start_utc: str
    checked_in_at: str
    checked_in_at_utc: str


@dataclass(frozen=True)
class StatusChange:
    status: str
    at: datetime


@dataclass(frozen=True)
class BookingRef:
    """Which booking, and which revision of it: what a change of its status is conditioned on."""

    member_id: str
    slot_start: datetime
    rev: str


@dataclass(frozen=True)
class Booking:
    """A worker's booking of one slot, as stored: keyed by (member, slot start).

    `rev` is opaque (the stored booking time): a check-in pass is bound to it, and every change of
    the booking is conditioned on it, so a booking cancelled and booked again is a different one."""

    member_id: str
    station_id: str
    station_name_zh: str
    station_name_en: str
    time_zone: str
    slot: SlotTime
    status: str  # confirmed | cancelled | checked_in | no_show
    booked_at: datetime
    cancel_deadline: datetime
    source: str  # direct | waitlist
    rev: str
    checked_in_at: datetime | None = None
    history: tuple[StatusChange, ...] = ()

    @property
    def booking_id(self) -> str:
        return booking_id(self.slot.start)

    @property
    def ref(self) -> BookingRef:
        return BookingRef(self.member_id, self.slot.start, self.rev)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def moved(self, status: str, at: datetime) -> Booking:
        """This booking after it moved to `status` at `at` (what the store's write made of it)."""
        return replace(self, status=status, history=(*self.history, StatusChange(status, at)))


@dataclass(frozen=True)
class WaitlistEntry:
    """A worker waiting for a seat in a full slot: waiting -> offered (until hold_until) -> confirmed |
    lapsed, or left."""

    station_id: str
    member_id: str
    slot: SlotTime
    time_zone: str
    joined_at: datetime
    status: str
    hold_until: datetime | None = None

    @property
    def entry_id(self) -> str:
        return f"{self.station_id}-{booking_id(self.slot.start)}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def offer_ran_out(self, now: datetime) -> bool:
        return self.status == "offered" and self.hold_until is not None and self.hold_until <= now


def booking_view(b: Booking) -> BookingOut:
    """A booking as the worker sees it: every time in the station's zone and in UTC."""
    zone = b.zone
    checked = stamps("checked_in_at", b.checked_in_at, zone) if b.checked_in_at else {}
    return BookingOut(
        booking_id=b.booking_id,
        status=b.status,
        station_id=b.station_id,
        station_name_zh=b.station_name_zh,
        station_name_en=b.station_name_en,
        time_zone=b.time_zone,
        **stamps("slot_start", b.slot.start, zone),
        **stamps("slot_end", b.slot.end, zone),
        **stamps("cancel_deadline", b.cancel_deadline, zone),
        **stamps("booked_at", b.booked_at, zone),
        **checked,
        source=b.source,
        history=[HistoryEntry(status=h.status, at=local_iso(h.at, zone), at_utc=utc_iso(h.at)) for h in b.history],
    )
