"""Cities and employers to choose from."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.http import RequestContext, endpoint
from chalicelib.domain.members import CityCode, EmployerRef, Strict
from chalicelib.services import directory
from chalicelib.domain.access import SIGNED_IN

bp = Blueprint(__name__)


class EmployerQuery(Strict):
    city: CityCode


@endpoint(bp, "/v1/cities", methods=["GET"])
def list_cities(ctx: RequestContext) -> list[dict[str, str]]:
    return directory.cities()


@endpoint(bp, "/v1/employers", methods=["GET"], roles=SIGNED_IN)
def list_employers(ctx: RequestContext) -> list[EmployerRef]:
    return directory.employers(ctx.query(EmployerQuery).city)
