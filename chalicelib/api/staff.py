"""Station staff at work: check workers in, see the day's roster (names masked)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.http import RequestContext, endpoint
from chalicelib.domain.access import STAFF
from chalicelib.domain.bookings import CheckinOut, CheckinRequest, DayQuery, RosterEntry
from chalicelib.services import checkin

bp = Blueprint(__name__)


@endpoint(bp, "/v1/staff/checkins", methods=["POST"], roles=STAFF)
def check_in(ctx: RequestContext) -> CheckinOut:
    return checkin.check_in(ctx.caller, ctx.body(CheckinRequest).token, ctx.now)


@endpoint(bp, "/v1/staff/stations/{station_id}/roster", methods=["GET"], roles=STAFF)
def roster(ctx: RequestContext, station_id: str) -> list[RosterEntry]:
    return checkin.roster(ctx.caller, station_id, ctx.query(DayQuery).date)
