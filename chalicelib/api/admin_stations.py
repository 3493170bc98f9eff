"""Running stations: admins create, (de)activate, import and export; staff of a station and admins
change its details, weekly hours and dated exceptions."""

from __future__ import annotations

from typing import Any, Literal

from chalice import Blueprint

from chalicelib.api.http import Ref, Reply, RequestContext, endpoint, validate
from chalicelib.domain.access import ADMIN, STAFF
from chalicelib.domain.base import Out, Strict
from chalicelib.domain.bookings import Day
from chalicelib.domain.members import CityCode
from chalicelib.domain.stations import ExceptionDay, StationCreate, StationPatch, WeeklyHours
from chalicelib.services import station_transfer, stations

bp = Blueprint(__name__)


class HoursBody(Strict):
    hours: WeeklyHours


class DayParam(Strict):
    date: Day


class ExportQuery(Strict):
    format: Literal["csv", "geojson"] = "csv"
    city: CityCode | None = None


class ImportBody(Strict):
    format: Literal["csv", "geojson"]
    content: str | dict[str, Any]


class ImportResult(Out):
    created: int
    updated: int
    station_ids: list[str]


@endpoint(bp, "/v1/admin/stations", methods=["POST"], roles=ADMIN, status=201)
def create_station(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body(StationCreate)
    return ctx.once("create_station", lambda: stations.create_station(body, actor=ctx.caller), payload=body)


@endpoint(bp, "/v1/stations/{station_id}", methods=["PATCH"], roles=STAFF)
def update_station(ctx: RequestContext, station_id: str) -> dict[str, Any]:
    body = ctx.body(StationPatch)
    return ctx.once(
        "update_station", lambda: stations.update_station(ctx.caller, station_id, body), payload=body, target=station_id
    )


@endpoint(bp, "/v1/stations/{station_id}/hours", methods=["PUT"], roles=STAFF)
def set_hours(ctx: RequestContext, station_id: str) -> dict[str, Any]:
    body = ctx.body(HoursBody)
    return ctx.once(
        "set_hours", lambda: stations.set_hours(ctx.caller, station_id, body.hours), payload=body, target=station_id
    )


@endpoint(bp, "/v1/stations/{station_id}/exceptions/{day}", methods=["PUT"], roles=STAFF)
def set_exception(ctx: RequestContext, station_id: str, day: str) -> dict[str, Any]:
    when, body = validate(DayParam, {"date": day}).date, ctx.body(ExceptionDay)
    return ctx.once(
        "set_exception",
        lambda: stations.set_exception(ctx.caller, station_id, when, body),
        payload=body,
        target=f"{station_id}|{when.isoformat()}",
    )


@endpoint(bp, "/v1/stations/{station_id}/exceptions/{day}", methods=["DELETE"], roles=STAFF)
def clear_exception(ctx: RequestContext, station_id: str, day: str) -> dict[str, Any]:
    when = validate(DayParam, {"date": day}).date
    return ctx.once(
        "clear_exception",
        lambda: stations.clear_exception(ctx.caller, station_id, when),
        payload=Ref(id=f"{station_id}|{when.isoformat()}"),
    )


@endpoint(bp, "/v1/admin/stations/{station_id}/deactivate", methods=["POST"], roles=ADMIN)
def deactivate_station(ctx: RequestContext, station_id: str) -> dict[str, Any]:
    return ctx.once(
        "deactivate_station", lambda: stations.set_active(ctx.caller, station_id, False), payload=Ref(id=station_id)
    )


@endpoint(bp, "/v1/admin/stations/{station_id}/activate", methods=["POST"], roles=ADMIN)
def activate_station(ctx: RequestContext, station_id: str) -> dict[str, Any]:
    return ctx.once(
        "activate_station", lambda: stations.set_active(ctx.caller, station_id, True), payload=Ref(id=station_id)
    )


@endpoint(bp, "/v1/admin/stations/export", methods=["GET"], roles=ADMIN)
def export_stations(ctx: RequestContext) -> dict[str, Any]:
    q = ctx.query(ExportQuery)
    return station_transfer.export(q.format, city=q.city)


@endpoint(bp, "/v1/admin/stations/import", methods=["POST"], roles=ADMIN)
def import_stations(ctx: RequestContext) -> Reply:
    body = ctx.body(ImportBody)
    result = ctx.once(
        "import_stations",
        lambda: ImportResult(**station_transfer.import_stations(ctx.caller, body.format, body.content)),
        payload=body,
    )
    return Reply(result, 201 if result["created"] else 200)
