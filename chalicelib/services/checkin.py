"""Check-in at the door: the worker shows a short-lived signed pass (as a QR code), staff of that
station scan it. A pass is an HS256 JWT signed with the access-token key ring but with its own
`typ`, so neither kind of token is accepted as the other. It is bound to one booking (member,
slot, station and the booking's revision), and checking in moves the booking out of `confirmed`,
so a pass works once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.domain import activity as events
from chalicelib.domain import booking_errors as err
from chalicelib.domain import booking_rules as rules
from chalicelib.domain.access import Caller
from chalicelib.domain.bookings import CheckinOut, PassOut, RosterEntry
from chalicelib.domain.schedule import local_iso, stamps
from chalicelib.services import activity, signed_claims
from chalicelib.services.booking import own_booking
from chalicelib.services.stations import authorize, load
from chalicelib.store import bookings as booking_store
from chalicelib.store.bookings import BOOKING
from chalicelib.store.member_names import masked_names
from chalicelib.store.unit_of_work import unit_of_work

PASS_TYPE = "checkin"
PASS_TTL = timedelta(minutes=10)


def issue_pass(caller: Caller, booking_id: str, now: datetime) -> PassOut:
    """A pass valid for PASS_TTL (never past the slot's end), with its QR code as an SVG data URL."""
    booking = own_booking(caller.member_id, booking_id)
    end = booking.slot.end
    if booking.status != "confirmed" or end <= now:
        raise err.BookingNotActive()
    expires = min(now + PASS_TTL, end)
    token = signed_claims.sign(
        PASS_TYPE,
        {"sub": booking.member_id, "bid": booking_id, "stn": booking.station_id, "rev": booking.rev},
        now=now,
        expires=expires,
    )
    return PassOut(
        booking_id=booking_id,
        token=token,
        **stamps("expires_at", expires, booking.zone),
        qr_svg_data_url=signed_claims.qr_svg_data_url(token),
    )


def _read_pass(token: str, now: datetime) -> dict[str, Any]:
    return signed_claims.read(
        token,
        PASS_TYPE,
        now=now,
        require={"sub": str, "bid": str, "stn": str, "rev": str},
        invalid=err.InvalidPass,
        expired=err.PassExpired,
    )


def check_in(caller: Caller, token: str, now: datetime) -> CheckinOut:
    """Staff of the pass's station check the worker in, from 15 minutes before the start to the end."""
    claims = _read_pass(token, now)
    authorize(caller, claims["stn"])
    start = rules.slot_start_of(claims["bid"])
    booking = booking_store.get_booking(claims["sub"], start) if start else None
    if booking is None or booking.station_id != claims["stn"] or booking.rev != claims["rev"]:
        raise err.InvalidPass()
    if booking.status == "checked_in":
        raise err.AlreadyCheckedIn()
    if booking.status != "confirmed":
        raise err.BookingNotActive()
    zone = booking.zone
    rules.check_checkin_window(booking.slot, now, zone)
    with unit_of_work(now, refuse={BOOKING: err.AlreadyCheckedIn}) as uow:
        booking_store.check_in_in(uow, booking.ref, now)
        activity.record_in(uow, booking.member_id, events.CHECKED_IN, now)
        uow.audit(
            caller.member_id, "checkin", target=f"booking#{claims['bid']}", detail={"station_id": booking.station_id}
        )
    name = masked_names({booking.member_id}).get(booking.member_id, "—")
    return CheckinOut(
        booking_id=claims["bid"],
        station_id=booking.station_id,
        name=name,
        status="checked_in",
        **stamps("slot_start", booking.slot.start, zone),
        **stamps("checked_in_at", now, zone),
    )


def roster(caller: Caller, station_id: str, day: date) -> list[RosterEntry]:
    """The day's bookings (not the cancelled ones) with masked names: a Query and a BatchGet."""
    authorize(caller, station_id)
    zone = load(station_id).zone
    found = [b for b in booking_store.roster(station_id, day.isoformat()) if b.status != "cancelled"]
    names = masked_names({b.member_id for b in found})
    return [
        RosterEntry(
            **stamps("slot_start", b.slot.start, zone),
            **stamps("slot_end", b.slot.end, zone),
            name=names.get(b.member_id, "—"),
            status=b.status,
            checked_in_at=local_iso(b.checked_in_at, zone) if b.checked_in_at else None,
        )
        for b in found
    ]
