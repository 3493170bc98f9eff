"""Running stations: admins create, (de)activate, import and export; staff of a station and admins
change its details, weekly hours and dated exceptions."""

from __future__ import annotations

from typing import Any, Literal

from chalice import Blueprint

from chalicelib.api.http import Reply, RequestContext, endpoint, validate
from chalicelib.domain.access import ADMIN, STAFF
from chalicelib.domain.base import Out, Strict
from chalicelib.domain.bookings import Day
from chalicelib.domain.members import CityCode
from chalicelib.domain.stations import ExceptionDay, StationCreate, StationOut, StationPatch, WeeklyHours
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
def create_station(ctx: RequestContext) -> StationOut:
    return stations.create_station(ctx.body(StationCreate), actor=ctx.caller)


@endpoint(bp, "/v1/stations/{station_id}", methods=["PATCH"], roles=STAFF)
def update_station(ctx: RequestContext, station_id: str) -> StationOut:
    return stations.update_station(ctx.caller, station_id, ctx.body(StationPatch))


@endpoint(bp, "/v1/stations/{station_id}/hours", methods=["PUT"], roles=STAFF)
def set_hours(ctx: RequestContext, station_id: str) -> StationOut:
    return stations.set_hours(ctx.caller, station_id, ctx.body(HoursBody).hours)


@endpoint(bp, "/v1/stations/{station_id}/exceptions/{day}", methods=["PUT"], roles=STAFF)
def set_exception(ctx: RequestContext, station_id: str, day: str) -> StationOut:
    return stations.set_exception(
        ctx.caller, station_id, validate(DayParam, {"date": day}).date, ctx.body(ExceptionDay)
    )


@endpoint(bp, "/v1/stations/{station_id}/exceptions/{day}", methods=["DELETE"], roles=STAFF)
def clear_exception(ctx: RequestContext, station_id: str, day: str) -> StationOut:
    return stations.clear_exception(ctx.caller, station_id, validate(DayParam, {"date": day}).date)


@endpoint(bp, "/v1/admin/stations/{station_id}/deactivate", methods=["POST"], roles=ADMIN)
def deactivate_station(ctx: RequestContext, station_id: str) -> StationOut:
    return stations.set_active(ctx.caller, station_id, False)


@endpoint(bp, "/v1/admin/stations/{station_id}/activate", methods=["POST"], roles=ADMIN)
def activate_station(ctx: RequestContext, station_id: str) -> StationOut:
    return stations.set_active(ctx.caller, station_id, True)


@endpoint(bp, "/v1/admin/stations/export", methods=["GET"], roles=ADMIN)
def export_stations(ctx: RequestContext) -> dict[str, Any]:
    q = ctx.query(ExportQuery)
    return station_transfer.export(q.format, city=q.city)


@endpoint(bp, "/v1/admin/stations/import", methods=["POST"], roles=ADMIN)
def import_stations(ctx: RequestContext) -> Reply:
    body = ctx.body(ImportBody)
    result = station_transfer.import_stations(ctx.caller, body.format, body.content)
    return Reply(ImportResult(**result), 201 if result["created"] else 200)
