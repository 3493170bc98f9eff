"""The electronic member card: a short-lived signed token (`typ` member_card) shown as a QR code,
which station staff verify. Verifying reads the membership again, so a member who left or lapsed
after the card was drawn is shown as such."""
from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.domain import membership as rules
from chalicelib.domain import membership_errors as err
from chalicelib.domain.membership import CardCheckOut, CardOut
from chalicelib.domain.schedule import utc_iso
from chalicelib.services import signed_tokens
from chalicelib.store import memberships as store
from chalicelib.store.member_names import masked_names
from chalicelib.store.membership_tables import MembershipRecord

CARD_TYPE = "member_card"
CARD_TTL = timedelta(minutes=5)


def issue(record: MembershipRecord, now: datetime) -> CardOut:
    expires = now + CARD_TTL
    token = signed_tokens.sign(CARD_TYPE, {"sub": record.member_id, "num": record.member_number},
                               now=now, expires=expires)
    return CardOut(token=token, expires_at=utc_iso(expires), qr_svg_data_url=signed_tokens.qr_svg_data_url(token))


def verify(token: str, now: datetime) -> CardCheckOut:
    """Forged, foreign-typed or expired cards are refused (400); a genuine card shows the member's
    masked name, number and current status. Round trips: GetItem membership + BatchGet name."""
    claims = signed_tokens.read(token, CARD_TYPE, now=now, require=("sub", "num"), invalid=err.InvalidCard,
                                expired=err.CardExpired)
    record = store.get_membership(claims["sub"])
    if record is None or record.member_number != claims["num"]:
        raise err.InvalidCard()
    name = masked_names({record.member_id}).get(record.member_id, "—")
    return CardCheckOut(valid=record.status in rules.IN_GOOD_STANDING, name=name, member_number=claims["num"],
                        status=record.status or "none", renewal_due=record.renewal_due)
