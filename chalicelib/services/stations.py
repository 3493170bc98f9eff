"""Stations for admins and staff: create, change, set hours and exceptions, deactivate.

Admins act on every station; staff only on the stations they are assigned to (the station ids in
their grant, `Caller.staffs`), and only on the day-to-day fields (not code, place, audience, zone).
Seed scripts call `create_station(StationCreate(...))`. Every change is one unit of work with its
audit entry (target station#<id>).

Seats and slot length are invariants of the bookings already made: a seat cut caps every slot at the
new seats at once (bookings check the station's seats in their own transaction) and cancels nobody,
and the answer lists the slots over the new seats; more seats are offered to the waitlists; a new slot
length applies only while no slot not yet over is booked or waited for (else it is refused, naming
the first such day), checked while new bookings are held off, so none can slip in between.

Round trips: create = one TransactWriteItems; a change = GetItem + one TransactWriteItems; a seat
change + one Query of the station's slots not yet over; a slot-length change + one TransactWriteItems
(the hold) + one Query (+ one UpdateItem lifting the hold when refused).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from chalicelib.domain.access import Caller
from chalicelib.domain.errors import FieldIssue, Forbidden, ValidationFailed
from chalicelib.domain.messages import issue_from_pydantic
from chalicelib.domain.schedule import local_date, stamps
from chalicelib.domain.station_errors import (
    NotYourStation,
    SlotLengthInUse,
    StationChanged,
    StationCodeTaken,
    StationNotFound,
)
from chalicelib.domain.stations import (
    ADMIN_ONLY_FIELDS,
    ExceptionDay,
    SeatsOver,
    SlotOverSeats,
    Station,
    StationChangeOut,
    StationCreate,
    StationOut,
    StationPatch,
    WeeklyHours,
)
from chalicelib.runtime import runtime
from chalicelib.store import slots as slot_store
from chalicelib.store import stations as store
from chalicelib.store.stations import CODE_FREE, OLD_CODE, SCHEDULE, STATION
from chalicelib.store.unit_of_work import UnitOfWork, unit_of_work

SYSTEM = Caller(member_id="system", roles=frozenset({"admin"}))
SCHEDULE_HOLD = timedelta(seconds=30)  # bookings held off while a slot-length change looks at the slots


def new_station_id() -> str:
    return "st" + secrets.token_hex(6)


def load(station_id: str) -> Station:
    found = store.get_station(station_id)
    if found is None:
        raise StationNotFound()
    return found[0]


def view(station_id: str) -> StationOut:
    return StationOut.of(load(station_id))


def authorize(caller: Caller, station_id: str) -> None:
    """403 unless the caller is an admin or staff of this station."""
    if not caller.staffs(station_id):
        raise NotYourStation()


def create_station(data: StationCreate, *, actor: Caller = SYSTEM) -> StationOut:
    """Create a station (409 station_code_taken when the code is in use). Usable from seed scripts."""
    now = runtime().clock.now()
    station = Station.model_validate(
        {**data.model_dump(), "station_id": new_station_id(), "created_at": now, "updated_at": now}
    )
    with unit_of_work(now, refuse={CODE_FREE: StationCodeTaken}) as uow:
        store.create_in(uow, station)
        _audit(uow, station.station_id, actor, "create")
    return StationOut.of(station)


def update_station(caller: Caller, station_id: str, patch: StationPatch) -> StationOut:
    """Change the fields sent (a top-level null leaves a field unchanged; `rules` merges field by field)."""
    authorize(caller, station_id)
    changes = {k: v for k, v in patch.model_dump(exclude_unset=True).items() if v is not None}
    if "admin" not in caller.roles:
        refused = sorted(ADMIN_ONLY_FIELDS & changes.keys())
        if refused:
            raise Forbidden(
                details=[
                    FieldIssue(f, "admin_only", "只有管理员可以修改", "only admins may change this") for f in refused
                ]
            )

    def merge(old: Station) -> dict[str, Any]:
        if "rules" in changes:
            return {**changes, "rules": {**old.rules.model_dump(), **changes["rules"]}}
        return changes

    return _change(caller, station_id, merge, action="update")


def set_hours(caller: Caller, station_id: str, hours: WeeklyHours) -> StationOut:
    authorize(caller, station_id)
    return _change(caller, station_id, lambda _: {"hours": hours}, action="set_hours")


def set_exception(caller: Caller, station_id: str, day: date, spec: ExceptionDay) -> StationOut:
    """Close the station on `day`, or open it with special hours that replace the weekly ones."""
    authorize(caller, station_id)
    if not spec.closed and not spec.hours:
        raise ValidationFailed.on(
            "hours",
            "missing",
            "请填写特殊开放时段，或设置 closed 为 true",
            "give the special hours, or set closed to true",
        )
    hours = [] if spec.closed else spec.hours
    return _change(
        caller, station_id, lambda old: {"exceptions": {**old.exceptions, day: hours}}, action="set_exception"
    )


def clear_exception(caller: Caller, station_id: str, day: date) -> StationOut:
    authorize(caller, station_id)
    return _change(
        caller,
        station_id,
        lambda old: {"exceptions": {d: r for d, r in old.exceptions.items() if d != day}},
        action="clear_exception",
    )


def set_active(caller: Caller, station_id: str, active: bool) -> StationOut:
    """Admins only (checked by the route). An inactive station leaves search and takes no bookings;
    existing bookings stay."""
    return _change(caller, station_id, lambda _: {"active": active}, action="activate" if active else "deactivate")


def overwrite(caller: Caller, station_id: str, data: StationCreate, *, action: str = "import") -> StationOut:
    """Replace every field of an existing station (keeps its id and creation time)."""
    return _change(caller, station_id, lambda _: data.model_dump(), action=action)


def _change(
    caller: Caller, station_id: str, make: Callable[[Station], dict[str, Any]], *, action: str
) -> StationChangeOut:
    """Read, apply `make(old)`, validate and write back if nobody changed the station meanwhile."""
    found = store.get_station(station_id)
    if found is None:
        raise StationNotFound()
    old, version = found
    changes = make(old)
    now = runtime().clock.now()
    new = validated({**old.model_dump(), **changes, "updated_at": now})
    if new.slot_minutes != old.slot_minutes:
        version = _hold_schedule(old, version, now)
    with unit_of_work(
        now, refuse={CODE_FREE: StationCodeTaken, STATION: StationChanged, OLD_CODE: StationChanged}
    ) as uow:
        store.replace_in(uow, old, new, version)
        _audit(uow, station_id, caller, action, sorted(changes))
    out = StationChangeOut.of(new)
    if new.seats < old.seats:
        out.seats_over = seats_over(new, now)
    elif new.seats > old.seats:
        slot_store.mark_waited_for(station_id, now)
    return out


def _hold_schedule(station: Station, version: int, now: datetime) -> int:
    """Hold new bookings off, then look for slots in use: a new slot length may apply only when there
    are none (else SlotLengthInUse naming the first day). Returns the station's version after the hold."""
    until = now + SCHEDULE_HOLD
    with unit_of_work(now, refuse={SCHEDULE: StationChanged}) as uow:
        held = store.hold_schedule_in(uow, station, version, until)
    first = slot_store.first_in_use(station.station_id, now)
    if first is None:
        return held
    store.release_schedule(station.station_id, held, until)
    raise SlotLengthInUse.from_day(local_date(station, first))


def seats_over(station: Station, now: datetime) -> SeatsOver | None:
    """The slots not yet over that hold more than the station's seats (None when there are none)."""
    found = slot_store.over_seats(station.station_id, now, station.seats)
    if not found:
        return None
    slots = [
        SlotOverSeats(**stamps("slot_start", start, station.zone), taken=taken, over=taken - station.seats)
        for start, taken in found
    ]
    n = sum(s.over for s in slots)
    return SeatsOver(
        bookings=n,
        slots=slots,
        message_zh=f"有 {n} 个预约超出新的座位数（{len(slots)} 个时段），已有预约不会取消，这些时段不再接受新预约",
        message_en=f"{n} bookings over the new seats in these {len(slots)} slots: none is cancelled, "
        "and these slots take no new booking",
    )


def validated(data: dict[str, Any]) -> Station:
    try:
        return Station.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(details=[issue_from_pydantic(dict(e)) for e in exc.errors()]) from exc


def _audit(uow: UnitOfWork, station_id: str, actor: Caller, action: str, fields: list[str] | None = None) -> None:
    uow.audit(actor.member_id, action, target=f"station#{station_id}", detail={"fields": fields} if fields else None)
