"""The electronic member card: a short-lived signed token (`typ` member_card) shown as a QR code,
which station staff verify. Verifying reads the membership again, so a member who left or lapsed
after the card was drawn is shown as such."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.domain import membership as rules
from chalicelib.domain import membership_errors as err
from chalicelib.domain.membership import CardCheckOut, CardOut, Membership
from chalicelib.domain.schedule import utc_iso
from chalicelib.services import signed_claims
from chalicelib.store import membership as store
from chalicelib.store.member_names import masked_names

CARD_TYPE = "member_card"
CARD_TTL = timedelta(minutes=5)


def issue(membership: Membership, now: datetime) -> CardOut:
    expires = now + CARD_TTL
    token = signed_claims.sign(
        CARD_TYPE, {"sub": membership.member_id, "num": membership.member_number}, now=now, expires=expires
    )
    return CardOut(token=token, expires_at=utc_iso(expires), qr_svg_data_url=signed_claims.qr_svg_data_url(token))


def verify(token: str, now: datetime) -> CardCheckOut:
    """Forged, foreign-typed or expired cards are refused (400); a genuine card shows the member's
    masked name, number and current status. Round trips: GetItem membership + BatchGet name."""
    claims = signed_claims.read(
        token, CARD_TYPE, now=now, require={"sub": str, "num": str}, invalid=err.InvalidCard, expired=err.CardExpired
    )
    found = store.get_membership(claims["sub"])
    if found is None or found.member_number != claims["num"]:
        raise err.InvalidCard()
    name = masked_names({found.member_id}).get(found.member_id, "—")
    return CardCheckOut(
        valid=found.status in rules.IN_GOOD_STANDING,
        name=name,
        member_number=claims["num"],
        status=found.status or "none",
        renewal_due=found.renewal_due.isoformat() if found.renewal_due else None,
    )
