"""Joining the union: workers apply, see their membership and e-card, renew, leave; admins work the
application queue; station staff verify e-cards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice import Blueprint

from chalicelib.api.http import Ref, Reply, RequestContext, endpoint
from chalicelib.domain.access import ADMIN, STAFF, WORKER
from chalicelib.domain.membership import (
    ApplicationCreate,
    ApplicationOut,
    ApplicationsQuery,
    Approval,
    CardCheck,
    CardCheckOut,
    ConsentOut,
    Decision,
    MembershipOut,
)
from chalicelib.services import member_cards, membership, membership_admin

bp = Blueprint(__name__)


@endpoint(bp, "/v1/membership/applications", methods=["POST"], roles=WORKER)
def apply(ctx: RequestContext) -> Reply:
    req = ctx.body(ApplicationCreate)
    return Reply(ctx.once("apply_membership", lambda: membership.apply(ctx.caller, req, ctx.now), payload=req), 201)


@endpoint(bp, "/v1/membership/applications/{application_id}/withdraw", methods=["POST"], roles=WORKER)
def withdraw(ctx: RequestContext, application_id: str) -> ApplicationOut:
    return membership.withdraw_application(ctx.caller, application_id, ctx.now)


@endpoint(bp, "/v1/me/membership", methods=["GET"], roles=WORKER)
def my_membership(ctx: RequestContext) -> MembershipOut:
    return membership.my_membership(ctx.caller, ctx.now)


@endpoint(bp, "/v1/me/membership/renew", methods=["POST"], roles=WORKER)
def renew(ctx: RequestContext) -> MembershipOut:
    return membership.renew(ctx.caller, ctx.now)


@endpoint(bp, "/v1/me/membership/leave", methods=["POST"], roles=WORKER)
def leave(ctx: RequestContext) -> dict[str, Any]:
    return ctx.once("leave_union", lambda: membership.leave(ctx.caller, ctx.now), payload=Ref(id=ctx.caller.member_id))


@endpoint(bp, "/v1/me/consents", methods=["GET"], roles=WORKER)
def my_consents(ctx: RequestContext) -> list[ConsentOut]:
    return membership.my_consents(ctx.caller)


@endpoint(bp, "/v1/admin/membership/applications", methods=["GET"], roles=ADMIN)
def application_queue(ctx: RequestContext) -> list[ApplicationOut]:
    return membership_admin.queue(ctx.query(ApplicationsQuery).status)


@endpoint(bp, "/v1/admin/membership/applications/{application_id}/approve", methods=["POST"], roles=ADMIN)
def approve(ctx: RequestContext, application_id: str) -> dict[str, Any]:
    return _decide(ctx, application_id, membership_admin.approve, ctx.body(Approval).note)


@endpoint(bp, "/v1/admin/membership/applications/{application_id}/reject", methods=["POST"], roles=ADMIN)
def reject(ctx: RequestContext, application_id: str) -> dict[str, Any]:
    return _decide(ctx, application_id, membership_admin.reject, ctx.body(Decision).reason)


def _decide(
    ctx: RequestContext, application_id: str, decide: Callable[..., ApplicationOut], words: str | None
) -> dict[str, Any]:
    """An admin's decision on an application, taken at most once per Idempotency-Key."""
    return ctx.once(
        f"{decide.__name__}_membership",
        lambda: decide(ctx.caller, application_id, words, ctx.now),
        payload=Ref(id=f"{application_id}|{words or ''}"),
    )


@endpoint(bp, "/v1/staff/member-cards/verify", methods=["POST"], roles=STAFF)
def verify_card(ctx: RequestContext) -> CardCheckOut:
    return member_cards.verify(ctx.body(CardCheck).token, ctx.now)
