"""Admins: find members (by a phone sent in the body: never in a URL, which access logs keep), grant
roles, reveal a personal field with a reason (audited)."""

from __future__ import annotations

from typing import Annotated, Any

from chalice import Blueprint
from pydantic import Field

from chalicelib.api.http import RequestContext, endpoint
from chalicelib.domain.access import ADMIN
from chalicelib.domain.errors import DomainError
from chalicelib.domain.instants import utc_stamp
from chalicelib.domain.members import MemberProfile, RevealRequest, RolesUpdate, Strict
from chalicelib.services import members

bp = Blueprint(__name__)


class MemberSearch(Strict):
    phone: Annotated[str, Field(min_length=1, max_length=20)]


class SearchMoved(DomainError):
    """The old look-up with the phone in the query string: refused without reading it."""

    status = 410
    code = "use_member_search"
    zh = "请在请求体中提交手机号查找会员（POST /v1/admin/members/search）"
    en = "Look members up with the phone in the request body (POST /v1/admin/members/search)"


@endpoint(bp, "/v1/admin/members/search", methods=["POST"], roles=ADMIN)
def find_members(ctx: RequestContext) -> list[MemberProfile]:
    return members.find_by_phone(ctx.body(MemberSearch).phone)


@endpoint(bp, "/v1/admin/members", methods=["GET"], roles=ADMIN)
def find_members_by_url(ctx: RequestContext) -> None:
    raise SearchMoved()


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
