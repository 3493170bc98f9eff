"""Health, and (local stage only) the SMS outbox."""

from __future__ import annotations

from typing import Annotated, Any

from chalice import Blueprint
from pydantic import Field

from chalicelib.api.http import RequestContext, endpoint
from chalicelib.domain.members import MobilePhone, Strict
from chalicelib.runtime import runtime
from chalicelib.services.sms import outbox

bp = Blueprint(__name__)
dev_bp = Blueprint(__name__ + ".dev")


@endpoint(bp, "/v1/health", methods=["GET"])
def health(ctx: RequestContext) -> dict[str, str]:
    s = runtime().settings
    return {"status": "ok", "stage": s.stage, "version": s.version}


class OutboxQuery(Strict):
    phone: MobilePhone | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 20


@endpoint(dev_bp, "/v1/dev/outbox", methods=["GET"])
def dev_outbox(ctx: RequestContext) -> list[dict[str, Any]]:
    q = ctx.query(OutboxQuery)
    bidx = runtime().blind_index("phone", q.phone) if q.phone else None
    return [{"sent_at": m.sent_id.split("#")[0], "to": m.phone_masked, "body": m.body} for m in outbox(bidx, q.limit)]
