"""Service requests: workers file, follow, withdraw, comment on and rate their own; staff work the
queue of their stations, move requests through the workflow and hand them to other stations;
admins do so for every station and list an employer's cases."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.http import Reply, RequestContext, endpoint
from chalicelib.domain.access import ADMIN, SIGNED_IN, STAFF, WORKER
from chalicelib.domain.cases import (
    AttachmentCreate,
    CommentBody,
    QueueQuery,
    RatingBody,
    ReassignBody,
    RequestCreate,
    RequestOut,
    TransitionBody,
    UploadOut,
    WithdrawBody,
)
from chalicelib.services import case_attachments, case_queue, cases

bp = Blueprint(__name__)


def _by_request_id(ctx: RequestContext) -> dict[str, Any]:
    """Replays of writes that answer with a request (answers, comments: personal data) keep only its id
    and answer with the request as it is now."""
    return {
        "remember": lambda out: {"request_id": out["request_id"]},
        "recall": lambda ref: cases.show(ctx.caller, ref["request_id"], ctx.now),
    }


@endpoint(bp, "/v1/requests", methods=["POST"], roles=WORKER)
def submit(ctx: RequestContext) -> Reply:
    req = ctx.body(RequestCreate)
    return Reply(
        ctx.once("submit_request", lambda: cases.submit(ctx.caller, req, ctx.now), payload=req, **_by_request_id(ctx)),
        201,
    )


@endpoint(bp, "/v1/me/requests", methods=["GET"], roles=WORKER)
def my_requests(ctx: RequestContext) -> list[RequestOut]:
    return cases.my_requests(ctx.caller, ctx.now)


@endpoint(bp, "/v1/requests/{request_id}", methods=["GET"], roles=SIGNED_IN)
def show(ctx: RequestContext, request_id: str) -> RequestOut:
    return cases.show(ctx.caller, request_id, ctx.now)


@endpoint(bp, "/v1/requests/{request_id}/attachments", methods=["POST"], roles=WORKER, status=201)
def add_attachment(ctx: RequestContext, request_id: str) -> UploadOut:
    # Not replayable through the idempotency table: its answer holds the file name and a live upload
    # signature. A retried grant yields one more pending upload, within the per-request limit.
    return case_attachments.grant_upload(ctx.caller, request_id, ctx.body(AttachmentCreate), ctx.now)


@endpoint(bp, "/v1/requests/{request_id}/comments", methods=["POST"], roles=SIGNED_IN, status=201)
def add_comment(ctx: RequestContext, request_id: str) -> Reply:
    body = ctx.body(CommentBody)
    return Reply(
        ctx.once(
            f"comment:{request_id}",
            lambda: cases.comment(ctx.caller, request_id, body.text, ctx.now),
            payload=body,
            **_by_request_id(ctx),
        ),
        201,
    )


@endpoint(bp, "/v1/requests/{request_id}/withdraw", methods=["POST"], roles=WORKER)
def withdraw(ctx: RequestContext, request_id: str) -> RequestOut:
    return cases.withdraw(ctx.caller, request_id, ctx.body(WithdrawBody).note, ctx.now)


@endpoint(bp, "/v1/requests/{request_id}/rating", methods=["POST"], roles=WORKER)
def rate(ctx: RequestContext, request_id: str) -> RequestOut:
    return cases.rate(ctx.caller, request_id, ctx.body(RatingBody), ctx.now)


@endpoint(bp, "/v1/staff/requests", methods=["GET"], roles=STAFF)
def staff_queue(ctx: RequestContext) -> list[RequestOut]:
    return case_queue.staff_queue(ctx.caller, ctx.query(QueueQuery), ctx.now)


@endpoint(bp, "/v1/staff/requests/{request_id}/transition", methods=["POST"], roles=STAFF)
def transition(ctx: RequestContext, request_id: str) -> RequestOut:
    return cases.move(ctx.caller, request_id, ctx.body(TransitionBody), ctx.now)


@endpoint(bp, "/v1/staff/requests/{request_id}/reassign", methods=["POST"], roles=STAFF)
def reassign(ctx: RequestContext, request_id: str) -> dict[str, Any]:
    body = ctx.body(ReassignBody)
    return ctx.once(
        f"reassign:{request_id}", lambda: cases.reassign(ctx.caller, request_id, body, ctx.now), payload=body
    )


@endpoint(bp, "/v1/admin/employers/{employer_id}/cases", methods=["GET"], roles=ADMIN)
def employer_cases(ctx: RequestContext, employer_id: str) -> list[RequestOut]:
    return case_queue.employer_cases(ctx.caller, employer_id, ctx.now)
