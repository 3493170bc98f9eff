"""Workers find stations: nearby search, one station, a day's availability."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.http import RequestContext, endpoint
from chalicelib.domain.access import SIGNED_IN
from chalicelib.domain.bookings import DayQuery
from chalicelib.domain.station_views import AvailabilityOut, StationHit, StationSearch
from chalicelib.domain.stations import StationOut
from chalicelib.services import station_search, stations

bp = Blueprint(__name__)


@endpoint(bp, "/v1/stations", methods=["GET"], roles=SIGNED_IN)
def search_stations(ctx: RequestContext) -> list[StationHit]:
    return station_search.search(ctx.query(StationSearch), ctx.now)


@endpoint(bp, "/v1/stations/{station_id}", methods=["GET"], roles=SIGNED_IN)
def get_station(ctx: RequestContext, station_id: str) -> StationOut:
    return stations.view(station_id)


@endpoint(bp, "/v1/stations/{station_id}/availability", methods=["GET"], roles=SIGNED_IN)
def station_availability(ctx: RequestContext, station_id: str) -> AvailabilityOut:
    return station_search.availability(station_id, ctx.query(DayQuery).date, ctx.now)
