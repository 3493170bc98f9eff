"""Admins act on scores: the ranked list of who to reach first, outreach and its outcomes, the model
cards and their tier thresholds. Nothing here imports numpy or xgboost."""

from __future__ import annotations

from typing import Annotated, Any

from chalice import Blueprint
from pydantic import Field

from chalicelib.api.http import RequestContext, endpoint
from chalicelib.domain.access import ADMIN
from chalicelib.domain.base import Strict
from chalicelib.domain.outreach import OutcomeBody, OutreachCreate
from chalicelib.services import outreach, score_listing, thresholds

bp = Blueprint(__name__)


class ModelsQuery(Strict):
    detail: bool = False


class ThresholdsBody(Strict):
    medium: Annotated[float, Field(strict=True)]
    high: Annotated[float, Field(strict=True)]


@endpoint(bp, "/v1/admin/scores", methods=["GET"], roles=ADMIN)
def list_scores(ctx: RequestContext) -> Any:
    return score_listing.scores(ctx.query(score_listing.ScoreQuery), ctx.now, ctx.lang)


@endpoint(bp, "/v1/admin/members/{member_id}/outreach", methods=["POST"], roles=ADMIN, status=201)
def record_outreach(ctx: RequestContext, member_id: str) -> Any:
    body = ctx.body(OutreachCreate)
    return ctx.once(
        "outreach.record",
        lambda: outreach.record(ctx.caller, member_id, body, ctx.now),
        payload=body,
        scope=f"{ctx.caller.member_id}|{member_id}",
        remember=lambda out: {"outreach_id": out["outreach_id"]},
        recall=lambda ref: outreach.show(member_id, ref["outreach_id"]),
    )


@endpoint(bp, "/v1/admin/members/{member_id}/outreach", methods=["GET"], roles=ADMIN)
def list_outreach(ctx: RequestContext, member_id: str) -> Any:
    return outreach.of_member(member_id)


@endpoint(bp, "/v1/admin/members/{member_id}/outreach/{outreach_id}/outcome", methods=["POST"], roles=ADMIN)
def record_outcome(ctx: RequestContext, member_id: str, outreach_id: str) -> Any:
    body = ctx.body(OutcomeBody)
    return ctx.once(
        "outreach_outcome",
        lambda: outreach.record_outcome(ctx.caller, member_id, outreach_id, body.outcome, ctx.now),
        payload=body,
        target=f"{member_id}|{outreach_id}",
    )


@endpoint(bp, "/v1/admin/models", methods=["GET"], roles=ADMIN)
def list_models(ctx: RequestContext) -> Any:
    return thresholds.catalogue(detail=ctx.query(ModelsQuery).detail)


@endpoint(bp, "/v1/admin/models/{name}/thresholds", methods=["PUT"], roles=ADMIN)
def set_thresholds(ctx: RequestContext, name: str) -> Any:
    body = ctx.body(ThresholdsBody)
    return ctx.once(
        "set_thresholds",
        lambda: thresholds.set_override(ctx.caller, name, body.medium, body.high, ctx.now),
        payload=body,
        target=name,
    )
