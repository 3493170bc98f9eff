"""Stations for admins and staff: create, change, set hours and exceptions, deactivate.

Admins act on every station; staff only on the stations they are assigned to (the station ids in
their grant, `Caller.staffs`), and only on the day-to-day fields (not code, place, audience, zone).
Seed scripts call `create_station(StationCreate(...))`. Every change is one unit of work with its
audit entry (target station#<id>): create = one TransactWriteItems; a change = GetItem + one
TransactWriteItems.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import ValidationError

from chalicelib.domain.access import Caller
from chalicelib.domain.errors import FieldIssue, Forbidden, ValidationFailed
from chalicelib.domain.messages import issue_from_pydantic
from chalicelib.domain.station_errors import NotYourStation, StationChanged, StationCodeTaken, StationNotFound
from chalicelib.domain.stations import (
    ADMIN_ONLY_FIELDS,
    ExceptionDay,
    Station,
    StationCreate,
    StationOut,
    StationPatch,
    WeeklyHours,
)
from chalicelib.runtime import runtime
from chalicelib.store import stations as store
from chalicelib.store.stations import CODE_FREE, OLD_CODE, STATION
from chalicelib.store.unit_of_work import UnitOfWork, unit_of_work

SYSTEM = Caller(member_id="system", roles=frozenset({"admin"}))


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


def _change(caller: Caller, station_id: str, make: Callable[[Station], dict[str, Any]], *, action: str) -> StationOut:
    """Read, apply `make(old)`, validate and write back if nobody changed the station meanwhile."""
    found = store.get_station(station_id)
    if found is None:
        raise StationNotFound()
    old, version = found
    changes = make(old)
    now = runtime().clock.now()
    new = validated({**old.model_dump(), **changes, "updated_at": now})
    with unit_of_work(
        now, refuse={CODE_FREE: StationCodeTaken, STATION: StationChanged, OLD_CODE: StationChanged}
    ) as uow:
        store.replace_in(uow, old, new, version)
        _audit(uow, station_id, caller, action, sorted(changes))
    return StationOut.of(new)


def validated(data: dict[str, Any]) -> Station:
    try:
        return Station.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(details=[issue_from_pydantic(dict(e)) for e in exc.errors()]) from exc


def _audit(uow: UnitOfWork, station_id: str, actor: Caller, action: str, fields: list[str] | None = None) -> None:
    uow.audit(actor.member_id, action, target=f"station#{station_id}", detail={"fields": fields} if fields else None)
