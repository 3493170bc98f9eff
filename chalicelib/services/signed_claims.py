"""Short-lived signed claims: check-in passes and member e-cards (shown as QR codes), list cursors.

They are HS256 JWTs signed with the access-token key ring, each kind with its own `typ`, so no kind
is accepted as another (nor as an access token). Expiry is checked against the injected clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import jwt

from chalicelib.runtime import runtime
from chalicelib.services.access_tokens import ALGORITHM, ISSUER, has_types


def sign(typ: str, claims: dict[str, Any], *, now: datetime, expires: datetime) -> str:
    kid, keys = runtime().jwt_keys
    body = {"iss": ISSUER, "typ": typ, **claims, "iat": int(now.timestamp()), "exp": int(expires.timestamp())}
    return jwt.encode(body, keys[kid], algorithm=ALGORITHM, headers={"kid": kid})


def read(
    token: str,
    typ: str,
    *,
    now: datetime,
    require: Mapping[str, type],
    invalid: Callable[[], Exception],
    expired: Callable[[], Exception],
) -> dict[str, Any]:
    """The claims of a genuine, unexpired token of kind `typ`, each claim in `require` present with its
    type (a null or a wrong type is invalid(), never a TypeError later); invalid() or expired() otherwise."""
    _, keys = runtime().jwt_keys
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        if kid not in keys:
            raise invalid()
        claims = jwt.decode(
            token,
            keys[kid],
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"verify_exp": False, "verify_iat": False, "require": ["exp", *require]},
        )
    except jwt.InvalidTokenError as exc:
        raise invalid() from exc
    if claims.get("typ") != typ or not has_types(claims, {"exp": int, **require}):
        raise invalid()
    if claims["exp"] <= now.timestamp():
        raise expired()
    return claims


def qr_svg_data_url(text: str) -> str:
    """The QR code of `text` as an SVG data URL (segno is imported only by the routes that draw one)."""
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=4)
