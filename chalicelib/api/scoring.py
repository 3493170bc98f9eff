"""Scores with reasons: admins see members', stations' and employers' scores; workers see their own
insights and recommendations and choose whether they are profiled. Scoring modules (and numpy and
XGBoost's C library with them) are imported inside the views, so importing the app stays light; where the
libraries are missing the scoring routes answer 503 model_unavailable and the others are untouched."""

from __future__ import annotations

from typing import Annotated, Any

from chalice import Blueprint
from pydantic import Field

from chalicelib.api.http import RequestContext, endpoint
from chalicelib.domain.access import ADMIN, SIGNED_IN
from chalicelib.domain.base import Strict
from chalicelib.scoring import model

bp = Blueprint(__name__)


class ForecastQuery(Strict):
    days: Annotated[int, Field(ge=1, le=14)] = 7


class PrivacyBody(Strict):
    profiling: bool


@endpoint(bp, "/v1/admin/members/{member_id}/scores", methods=["GET"], roles=ADMIN)
def member_scores(ctx: RequestContext, member_id: str) -> Any:
    from chalicelib.services import member_scores as scores

    model.require_runtime()
    return scores.admin_scores(member_id, ctx.now, ctx.lang)


@endpoint(bp, "/v1/me/insights", methods=["GET"], roles=SIGNED_IN)
def my_insights(ctx: RequestContext) -> Any:
    from chalicelib.services import member_scores as scores

    model.require_runtime()
    return scores.my_insights(ctx.caller.member_id, ctx.now, ctx.lang)


@endpoint(bp, "/v1/me/recommendations", methods=["GET"], roles=SIGNED_IN)
def my_recommendations(ctx: RequestContext) -> Any:
    from chalicelib.services import recommendations

    model.require_runtime()
    return recommendations.recommend(ctx.caller, ctx.now, ctx.lang)


@endpoint(bp, "/v1/me/privacy", methods=["PUT"], roles=SIGNED_IN)
def set_privacy(ctx: RequestContext) -> Any:
    from chalicelib.services import profiling_opt_out

    body = ctx.body(PrivacyBody)
    return ctx.once(
        "set_privacy", lambda: profiling_opt_out.set_profiling(ctx.caller, body.profiling, ctx.now), payload=body
    )


@endpoint(bp, "/v1/me/privacy", methods=["GET"], roles=SIGNED_IN)
def get_privacy(ctx: RequestContext) -> Any:
    from chalicelib.services import profiling_opt_out

    return profiling_opt_out.profiling_choice(ctx.caller)


@endpoint(bp, "/v1/admin/stations/{station_id}/forecast", methods=["GET"], roles=ADMIN)
def station_forecast(ctx: RequestContext, station_id: str) -> Any:
    from chalicelib.services import station_forecast as forecast

    model.require_runtime()
    return forecast.station_forecast(station_id, ctx.query(ForecastQuery).days, ctx.now)


@endpoint(bp, "/v1/admin/employers/{employer_id}/risk", methods=["GET"], roles=ADMIN)
def employer_risk(ctx: RequestContext, employer_id: str) -> Any:
    from chalicelib.services import employer_risk as risk

    model.require_runtime()
    return risk.employer_risk(employer_id, ctx.now, ctx.lang)
