"""The vocabulary, cities and employers to choose from."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.http import RequestContext, endpoint
from chalicelib.domain.access import SIGNED_IN
from chalicelib.domain.members import CityCode, EmployerRef, Strict
from chalicelib.domain.vocabulary import Term, Vocabulary
from chalicelib.services import directory

bp = Blueprint(__name__)


class EmployerQuery(Strict):
    city: CityCode


@endpoint(bp, "/v1/vocabulary", methods=["GET"])
def get_vocabulary(ctx: RequestContext) -> Vocabulary:
    return directory.vocabulary()


@endpoint(bp, "/v1/cities", methods=["GET"])
def list_cities(ctx: RequestContext) -> list[Term]:
    return directory.cities()


@endpoint(bp, "/v1/employers", methods=["GET"], roles=SIGNED_IN)
def list_employers(ctx: RequestContext) -> list[EmployerRef]:
    return directory.employers(ctx.query(EmployerQuery).city)
