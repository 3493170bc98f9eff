"""A station as admins describe it: what it offers, when it is open, who may book it, on what terms.

Opening hours are written the way a notice board shows them: "08:00-12:00" ranges per weekday,
several per day allowed, "24:00" meaning midnight at the end of the day. A dated exception
replaces the weekly hours for that date: an empty list means closed.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from chalicelib.domain.audience import admits
from chalicelib.domain.base import Out, Strict
from chalicelib.domain.members import CityCode, WorkerGroup
from chalicelib.domain.messages import MESSAGES
from chalicelib.domain.validators import one_line

StationKind = Literal["rider_station", "workers_home", "migrant_station", "outdoor_station"]
Amenity = Literal[
    "water",
    "hot_meals",
    "microwave",
    "charging",
    "restroom",
    "rest_seats",
    "lockers",
    "first_aid",
    "wifi",
    "reading",
    "mother_baby_room",
]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_TIME_ZONE = "Asia/Shanghai"
DEFAULT_MAX_ACTIVE_BOOKINGS = 3  # K when a station sets none

MESSAGES.update(
    {
        "invalid_time_range": ("应为 HH:MM-HH:MM，开始早于结束", "must be HH:MM-HH:MM with the start before the end"),
        "overlapping_ranges": ("时间段不能重叠", "time ranges must not overlap"),
        "unknown_time_zone": ("未知时区", "is not a known time zone"),
        "invalid_station_code": (
            "应为 3–24 位大写字母、数字或连字符",
            "must be 3-24 capital letters, digits or dashes",
        ),
        "duplicate_items": ("不能有重复项", "must not repeat items"),
    }
)

_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):([0-5]\d)|24:00)$")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,23}$")


def range_minutes(text: str) -> tuple[int, int]:
    """'08:30-12:00' -> (510, 720): minutes after local midnight."""
    start, end = text.split("-")
    to_min = lambda hhmm: int(hhmm[:2]) * 60 + int(hhmm[3:])  # noqa: E731
    return to_min(start), to_min(end)


def _ranges(value: list[str]) -> list[str]:
    cleaned = [v.replace(" ", "") for v in value]
    for text in cleaned:
        if not _RANGE.match(text) or range_minutes(text)[0] >= range_minutes(text)[1]:
            raise PydanticCustomError("invalid_time_range", "must be HH:MM-HH:MM with the start before the end")
    ordered = sorted(cleaned, key=range_minutes)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if range_minutes(after)[0] < range_minutes(before)[1]:
            raise PydanticCustomError("overlapping_ranges", "time ranges must not overlap")
    return ordered


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise PydanticCustomError("unknown_time_zone", "is not a known time zone") from exc
    return value


def _code(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _valid_code(value: str) -> str:
    if not _CODE.match(value):
        raise PydanticCustomError("invalid_station_code", "must be 3-24 capital letters, digits or dashes")
    return value


def _unique(value: list[Any]) -> list[Any]:
    if len(set(value)) != len(value):
        raise PydanticCustomError("duplicate_items", "must not repeat items")
    return value


DayHours = Annotated[list[str], Field(max_length=6), AfterValidator(_ranges)]
WeeklyHours = dict[Weekday, DayHours]
Exceptions = Annotated[dict[date, DayHours], Field(max_length=400)]
TimeZoneName = Annotated[str, Field(max_length=64), AfterValidator(_time_zone)]
StationCode = Annotated[str, BeforeValidator(_code), AfterValidator(_valid_code)]
Text = Annotated[str, Field(min_length=1, max_length=120), AfterValidator(one_line)]
Audience = (
    Literal["all_workers", "members"] | Annotated[list[WorkerGroup], Field(min_length=1), AfterValidator(_unique)]
)


class BookingRules(Strict):
    """Per-station terms. max_active_bookings None means the global default K."""

    min_notice_minutes: Annotated[int, Field(ge=0, le=7 * 24 * 60)] = 30
    max_days_ahead: Annotated[int, Field(ge=1, le=90)] = 7
    cancel_window_minutes: Annotated[int, Field(ge=0, le=7 * 24 * 60)] = 60
    max_active_bookings: Annotated[int, Field(ge=1, le=50)] | None = None
    no_show_grace_minutes: Annotated[int, Field(ge=0, le=240)] = 15

    @property
    def max_active(self) -> int:
        return self.max_active_bookings or DEFAULT_MAX_ACTIVE_BOOKINGS


class StationFields(Strict):
    code: StationCode
    kind: StationKind
    name_zh: Text
    name_en: Text
    address: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(one_line)]
    city: CityCode
    district: Annotated[str, Field(min_length=1, max_length=40), AfterValidator(one_line)]
    lat: Annotated[float, Field(ge=-90, le=90)]
    lng: Annotated[float, Field(ge=-180, le=180)]
    amenities: Annotated[list[Amenity], Field(max_length=20), AfterValidator(_unique)] = []
    hours: WeeklyHours = {}
    exceptions: Exceptions = {}
    slot_minutes: Annotated[int, Field(ge=10, le=480)] = 30
    seats: Annotated[int, Field(ge=1, le=500)] = 10
    audience: Audience = "all_workers"
    time_zone: TimeZoneName = DEFAULT_TIME_ZONE
    rules: BookingRules = BookingRules()
    active: bool = True


class StationCreate(StationFields):
    """POST /v1/admin/stations."""


class StationPatch(Strict):
    """PATCH: only the fields sent change. Staff may change the operational ones only."""

    code: StationCode | None = None
    kind: StationKind | None = None
    name_zh: Text | None = None
    name_en: Text | None = None
    address: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(one_line)] | None = None
    city: CityCode | None = None
    district: Annotated[str, Field(min_length=1, max_length=40), AfterValidator(one_line)] | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lng: Annotated[float, Field(ge=-180, le=180)] | None = None
    amenities: Annotated[list[Amenity], Field(max_length=20), AfterValidator(_unique)] | None = None
    hours: WeeklyHours | None = None
    exceptions: Exceptions | None = None
    slot_minutes: Annotated[int, Field(ge=10, le=480)] | None = None
    seats: Annotated[int, Field(ge=1, le=500)] | None = None
    audience: Audience | None = None
    time_zone: TimeZoneName | None = None
    rules: BookingRules | None = None


# What only an admin may change: identity, place, audience, time zone (staff run the station day to day).
ADMIN_ONLY_FIELDS = frozenset({"code", "kind", "city", "lat", "lng", "audience", "time_zone"})


class ExceptionDay(Strict):
    """PUT /v1/stations/{id}/exceptions/{date}: closed, or open with special hours."""

    closed: bool = False
    hours: DayHours = []


class Station(StationFields):
    """A stored station."""

    station_id: str
    created_at: AwareDatetime
    updated_at: AwareDatetime

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def admits(self, *, is_member: bool, worker_group: str | None) -> bool:
        return admits(self.audience, is_member=is_member, worker_group=worker_group)


class StationSummary(Out):
    """What every view of a station shows: who runs it where, what it offers, who may use it."""

    station_id: str
    code: str
    kind: str
    name_zh: str
    name_en: str
    address: str
    city: str
    district: str
    lat: float
    lng: float
    amenities: list[str]
    audience: str | list[str]
    time_zone: str


class StationOut(StationSummary):
    """A station as the API shows it."""

    hours: dict[str, list[str]]
    exceptions: dict[str, list[str]]
    slot_minutes: int
    seats: int
    rules: BookingRules
    active: bool

    @classmethod
    def of(cls, station: Station) -> Self:
        data = station.model_dump(mode="json", exclude={"created_at", "updated_at"})
        return cls.model_validate(data)


class SlotOverSeats(Out):
    """A slot that holds more bookings (and held seats) than the station's seats after a cut."""

    slot_start: str
    slot_start_utc: str
    taken: int
    over: int


class SeatsOver(Out):
    """After a seat cut: nobody's booking is cancelled, and these slots take no new booking until
    they are under the new seats again."""

    bookings: int
    slots: list[SlotOverSeats]
    message_zh: str
    message_en: str


class StationChangeOut(StationOut):
    """The answer to a change: the station, and after a seat cut the bookings over the new seats."""

    seats_over: SeatsOver | None = None
