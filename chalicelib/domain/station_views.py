"""What workers ask about stations (nearby search, a day's availability) and what they get back."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

from chalicelib.domain.base import Out, Strict
from chalicelib.domain.stations import Amenity, StationKind, StationOut, StationSummary


def _comma_list(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class StationSearch(Strict):
    """GET /v1/stations?lat=&lng=&radius_km=&kind=&amenity=water,wifi&open_now=true"""

    lat: Annotated[float, Field(ge=-90, le=90)]
    lng: Annotated[float, Field(ge=-180, le=180)]
    radius_km: Annotated[float, Field(gt=0, le=50)] = 3.0
    kind: StationKind | None = None
    amenity: Annotated[list[Amenity], BeforeValidator(_comma_list), Field(max_length=11)] = []
    open_now: bool = False
    limit: Annotated[int, Field(ge=1, le=100)] = 50


class StationHit(StationSummary):
    """A search result: the station, how far, whether it is open and has seats right now."""

    distance_m: int
    open_now: bool
    free_seats_now: int  # in the slot running now; 0 when closed
    current_slot_start: str | None = None
    current_slot_start_utc: str | None = None
    current_slot_end: str | None = None
    current_slot_end_utc: str | None = None


class SlotOut(Out):
    slot_start: str
    slot_start_utc: str
    slot_end: str
    slot_end_utc: str
    capacity: int
    seats_left: int
    waitlist: int
    bookable: bool  # seats left and within the station's booking rules now


class AvailabilityOut(Out):
    station_id: str
    date: str
    time_zone: str
    closed: bool
    hours: list[str]
    slots: list[SlotOut]


class StationList(Out):
    stations: list[StationOut]
