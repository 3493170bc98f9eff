"""Booking and waitlist requests and how bookings are shown."""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, Field
from pydantic_core import PydanticCustomError

from chalicelib.domain.base import Out, Strict
from chalicelib.domain.messages import MESSAGES

MESSAGES.setdefault("date_out_of_range", ("应在 2000 至 2100 年之间", "must be between 2000 and 2100"))
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)      # keeps date arithmetic far from overflow

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
    position: int | None = None          # 1 = next to be offered a seat (while waiting)
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
