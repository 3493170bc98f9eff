"""Batch scoring runs (admin): start one, watch its progress, list them, retry failed segments; and
the insight summary of the latest finished run. The runs themselves execute in the SQS handler
(app.py `score_segment`), not in these requests."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.http import Ref, Reply, RequestContext, endpoint
from chalicelib.domain.access import ADMIN
from chalicelib.domain.scoring_runs import RunCreate, RunListQuery, SummaryQuery
from chalicelib.services import score_insights, scoring_runs

bp = Blueprint(__name__)


@endpoint(bp, "/v1/admin/scoring-runs", methods=["POST"], roles=ADMIN, status=202)
def start_run(ctx: RequestContext) -> Any:
    req = ctx.body(RunCreate)
    return Reply(
        ctx.once("start_scoring_run", lambda: scoring_runs.start(ctx.caller.member_id, req, ctx.now), payload=req), 202
    )


@endpoint(bp, "/v1/admin/scoring-runs", methods=["GET"], roles=ADMIN)
def list_runs(ctx: RequestContext) -> Any:
    q = ctx.query(RunListQuery)
    return scoring_runs.list_runs(q.model, q.limit)


@endpoint(bp, "/v1/admin/scoring-runs/{run_id}", methods=["GET"], roles=ADMIN)
def get_run(ctx: RequestContext, run_id: str) -> Any:
    return scoring_runs.get(run_id)


@endpoint(bp, "/v1/admin/scoring-runs/{run_id}/retry", methods=["POST"], roles=ADMIN, status=202)
def retry_run(ctx: RequestContext, run_id: str) -> Any:
    return Reply(
        ctx.once(
            "retry_scoring_run",
            lambda: scoring_runs.retry(run_id, ctx.now, by=ctx.caller.member_id),
            payload=Ref(id=run_id),
        ),
        202,
    )


@endpoint(bp, "/v1/admin/insights/summary", methods=["GET"], roles=ADMIN)
def insight_summary(ctx: RequestContext) -> Any:
    return score_insights.summary(ctx.query(SummaryQuery).model, ctx.lang)
