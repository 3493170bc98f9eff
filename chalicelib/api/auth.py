"""Log in with phone + one-time code; refresh and log out."""

from __future__ import annotations

from typing import Annotated, Any

from chalice import Blueprint
from pydantic import Field

from chalicelib.api.http import RequestContext, endpoint
from chalicelib.domain.base import Out, Strict
from chalicelib.domain.members import MobilePhone
from chalicelib.services import auth

bp = Blueprint(__name__)

Code = Annotated[str, Field(pattern=r"^\d{6}$")]
RefreshToken = Annotated[str, Field(min_length=10, max_length=200)]


class OtpRequest(Strict):
    phone: MobilePhone


class OtpSent(Out):
    sent: bool = True
    expires_in: int


class TokenRequest(Strict):
    phone: MobilePhone
    code: Code


class RefreshRequest(Strict):
    refresh_token: RefreshToken


class TokenOut(Out):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int
    member_id: str
    roles: list[str]
    new_member: bool


def source_ip(ctx: RequestContext) -> str | None:
    """The client's IP as API Gateway saw it (requestContext.identity.sourceIp; never a header a client
    could forge): what the login limits count per client, as a keyed hash."""
    identity = (ctx.request.context or {}).get("identity") or {}
    return identity.get("sourceIp")


def _tokens(pair: auth.TokenPair) -> TokenOut:
    return TokenOut(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_in=pair.expires_in,
        member_id=pair.member_id,
        roles=pair.roles,
        new_member=pair.created,
    )


@endpoint(bp, "/v1/auth/otp", methods=["POST"], status=202)
def send_code(ctx: RequestContext) -> dict[str, Any]:
    req = ctx.body(OtpRequest)
    return ctx.once(
        "send_code",
        lambda: OtpSent(expires_in=auth.request_code(req.phone, source_ip(ctx))),
        payload=req,
        scope=req.phone,
    )


@endpoint(bp, "/v1/auth/token", methods=["POST"])
def exchange_code(ctx: RequestContext) -> TokenOut:
    req = ctx.body(TokenRequest)
    return _tokens(auth.exchange_code(req.phone, req.code, source_ip(ctx)))


@endpoint(bp, "/v1/auth/refresh", methods=["POST"])
def refresh(ctx: RequestContext) -> TokenOut:
    return _tokens(auth.refresh(ctx.body(RefreshRequest).refresh_token))


@endpoint(bp, "/v1/auth/logout", methods=["POST"])
def logout(ctx: RequestContext) -> None:
    auth.logout(ctx.body(RefreshRequest).refresh_token)
