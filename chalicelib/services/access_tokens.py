"""Access tokens: the caller's short-lived HS256 JWTs, with a `kid` header so signing keys can rotate.

A token carries the member's token epoch and its refresh family (domain.sessions), and every
authenticated request checks them against the member's stored revocations, so logout, erasure and role
changes stop a token on its next request. Round trips: one consistent GetItem per authenticated request.
"""

from __future__ import annotations

import secrets as pysecrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import jwt

from chalicelib.domain.access import Caller
from chalicelib.domain.errors import TokenExpired, TokenInvalid, Unauthenticated
from chalicelib.domain.sessions import TokenRevoked
from chalicelib.runtime import runtime
from chalicelib.store import accounts

ISSUER = "workerhome"
ALGORITHM = "HS256"
CLOCK_SKEW = 60  # seconds of clock difference tolerated between functions


def issue_access(
    member_id: str,
    roles: set[str],
    station_ids: set[str],
    *,
    epoch: int,
    family_id: str,
    is_member: bool = False,
    worker_group: str | None = None,
) -> tuple[str, int]:
    """A signed access token for the member and its lifetime in seconds.

    Membership and worker group ride in the token so that rules such as 'members only' cost no
    extra read; they are refreshed with the token (at most access_token_ttl old). `epoch` and
    `family_id` let a revocation stop it before it expires.
    """
    rt = runtime()
    kid, keys = rt.jwt_keys
    now = rt.clock.now()
    ttl = rt.settings.access_token_ttl
    claims = {
        "iss": ISSUER,
        "sub": member_id,
        "typ": "access",
        "jti": pysecrets.token_hex(8),
        "roles": sorted(roles),
        "stn": sorted(station_ids),
        "mbr": is_member,
        "grp": worker_group,
        "ep": epoch,
        "fam": family_id,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl)).timestamp()),
    }
    return jwt.encode(claims, keys[kid], algorithm=ALGORITHM, headers={"kid": kid}), ttl


def has_types(claims: Mapping[str, Any], types: Mapping[str, type]) -> bool:
    """Every claim named in `types` is present and of its type (a bool is not an int)."""
    return all(
        isinstance(claims.get(name), kind) and not (kind is int and isinstance(claims.get(name), bool))
        for name, kind in types.items()
    )


def well_formed(claims: dict[str, Any]) -> bool:
    """The claims of an access token have the types issue_access gives them (a signed token with a
    null or a wrongly typed claim is invalid: 401, never a TypeError)."""
    optional = {"roles": list, "stn": list, "mbr": bool, "grp": str, "ep": int, "fam": str}
    return (
        has_types(claims, {"sub": str, "iat": int, "exp": int})
        and bool(claims["sub"])
        and all(claims.get(name) is None or has_types(claims, {name: kind}) for name, kind in optional.items())
        and all(isinstance(item, str) for name in ("roles", "stn") for item in claims.get(name) or [])
    )


def authenticate(authorization: str | None) -> Caller:
    """The caller behind an `Authorization: Bearer <jwt>` header, or 401.

    Only HS256 with a known kid is accepted (so `alg: none` and foreign keys fail), the
    signature and issuer are checked by PyJWT; issue and expiry times against the runtime's clock
    (PyJWT would read the wall clock, which the tests and the local stack must be able to move).
    A token issued before its member's current epoch, or in a revoked family, is refused
    (token_revoked). Round trips: one consistent GetItem (none for a token refused before).
    """
    if not authorization:
        raise Unauthenticated()
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenInvalid()
    rt = runtime()
    _, keys = rt.jwt_keys
    try:
        kid = jwt.get_unverified_header(token.strip()).get("kid")
        if kid not in keys:
            raise TokenInvalid()
        claims = jwt.decode(
            token.strip(),
            keys[kid],
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "require": ["exp", "iat", "sub", "iss"],
            },
        )
    except jwt.InvalidTokenError as exc:
        raise TokenInvalid() from exc
    if claims.get("typ") != "access" or not well_formed(claims):
        raise TokenInvalid()
    now = rt.clock.now().timestamp()
    if claims["iat"] > now + CLOCK_SKEW:  # issued in the future: not ours
        raise TokenInvalid()
    if claims["exp"] <= now:
        raise TokenExpired()
    if accounts.revocations(claims["sub"]).stops(claims.get("ep") or 0, claims.get("fam")):
        raise TokenRevoked()
    return Caller(
        member_id=claims["sub"],
        roles=frozenset(claims.get("roles") or []),
        station_ids=frozenset(claims.get("stn") or []),
        is_member=bool(claims.get("mbr")),
        worker_group=claims.get("grp"),
    )
