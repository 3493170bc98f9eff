"""A worker's own account: profile, data export, erasure."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.http import Ref, RequestContext, endpoint
from chalicelib.domain.access import SIGNED_IN
from chalicelib.domain.members import MemberProfile, ProfileUpdate
from chalicelib.services import members

bp = Blueprint(__name__)


@endpoint(bp, "/v1/me", methods=["GET"], roles=SIGNED_IN)
def get_me(ctx: RequestContext) -> MemberProfile:
    return members.my_profile(ctx.caller)


@endpoint(bp, "/v1/me", methods=["PATCH"], roles=SIGNED_IN)
def patch_me(ctx: RequestContext) -> MemberProfile:
    return members.update_profile(ctx.caller, ctx.body(ProfileUpdate))


@endpoint(bp, "/v1/me/export", methods=["GET"], roles=SIGNED_IN)
def export_me(ctx: RequestContext) -> dict[str, Any]:
    return members.export_my_data(ctx.caller)


@endpoint(bp, "/v1/me", methods=["DELETE"], roles=SIGNED_IN)
def erase_me(ctx: RequestContext) -> None:
    def erase() -> dict[str, Any]:
        members.erase_me(ctx.caller)
        return {}

    ctx.once("erase_me", erase, payload=Ref(id=ctx.caller.member_id))
