"""Admins: find members, grant roles, reveal a personal field with a reason (audited)."""

from __future__ import annotations

from typing import Annotated, Any

from chalice import Blueprint
from pydantic import Field

from chalicelib.api.http import RequestContext, endpoint
from chalicelib.domain.access import ADMIN
from chalicelib.domain.instants import utc_stamp
from chalicelib.domain.members import MemberProfile, RevealRequest, RolesUpdate, Strict
from chalicelib.services import members

bp = Blueprint(__name__)


class MemberSearch(Strict):
    phone: Annotated[str, Field(min_length=1, max_length=20)]


@endpoint(bp, "/v1/admin/members", methods=["GET"], roles=ADMIN)
def find_members(ctx: RequestContext) -> list[MemberProfile]:
    return members.find_by_phone(ctx.query(MemberSearch).phone)


@endpoint(bp, "/v1/admin/members/{member_id}", methods=["GET"], roles=ADMIN)
def get_member(ctx: RequestContext, member_id: str) -> MemberProfile:
    return members.admin_view(member_id)


@endpoint(bp, "/v1/admin/members/{member_id}/roles", methods=["PUT"], roles=ADMIN)
def set_roles(ctx: RequestContext, member_id: str) -> dict[str, Any]:
    body = ctx.body(RolesUpdate)
    return ctx.once("set_roles", lambda: members.set_roles(ctx.caller, member_id, body), payload=body, target=member_id)


@endpoint(bp, "/v1/admin/members/{member_id}/reveal", methods=["POST"], roles=ADMIN)
def reveal(ctx: RequestContext, member_id: str) -> dict[str, Any]:
    body = ctx.body(RevealRequest)
    return ctx.once("reveal", lambda: members.reveal(ctx.caller, member_id, body), payload=body, target=member_id)


@endpoint(bp, "/v1/admin/members/{member_id}/audit", methods=["GET"], roles=ADMIN)
def audit_trail(ctx: RequestContext, member_id: str) -> list[dict[str, Any]]:
    return [
        {"at": utc_stamp(e.at), "actor": e.actor, "action": e.action, "reason": e.reason}
        for e in members.audit_trail(member_id)
    ]
