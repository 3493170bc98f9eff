"""Check-in at the door: the worker shows a short-lived signed pass (as a QR code), staff of that
station scan it. A pass is an HS256 JWT signed with the access-token key ring but with its own
`typ`, so neither kind of token is accepted as the other. It is bound to one booking (member,
slot, station and the booking's revision), and checking in moves the booking out of `confirmed`,
so a pass works once.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.domain import activity as events
from chalicelib.domain import booking_errors as err
from chalicelib.domain import booking_rules as rules
from chalicelib.domain.access import Caller
from chalicelib.domain.bookings import CheckinOut, PassOut, RosterEntry
from chalicelib.domain.schedule import SlotTime, local_iso, stamps
from chalicelib.services import activity, signed_claims
from chalicelib.services.booking import own_booking
from chalicelib.services.stations import authorize, load
from chalicelib.store import bookings as booking_store
from chalicelib.store.member_names import masked_names
from chalicelib.store.transact import Cancelled, NamedTransaction

PASS_TYPE = "checkin"
PASS_TTL = timedelta(minutes=10)
at = datetime.fromisoformat


def issue_pass(caller: Caller, booking_id: str, now: datetime) -> PassOut:
    """A pass valid for PASS_TTL (never past the slot's end), with its QR code as an SVG data URL."""
    record = own_booking(caller.member_id, booking_id)
    end = at(record.slot_end)
    if record.status != "confirmed" or end <= now:
        raise err.BookingNotActive()
    expires = min(now + PASS_TTL, end)
    token = signed_claims.sign(PASS_TYPE, {"sub": record.member_id, "bid": booking_id, "stn": record.station_id,
                                           "rev": record.booked_at}, now=now, expires=expires)
    return PassOut(booking_id=booking_id, token=token, **stamps("expires_at", expires, ZoneInfo(record.time_zone)),
                   qr_svg_data_url=signed_claims.qr_svg_data_url(token))


def _read_pass(token: str, now: datetime) -> dict[str, Any]:
    return signed_claims.read(token, PASS_TYPE, now=now, require=("sub", "bid", "stn", "rev"),
                              invalid=err.InvalidPass, expired=err.PassExpired)


def check_in(caller: Caller, token: str, now: datetime) -> CheckinOut:
    """Staff of the pass's station check the worker in, from 15 minutes before the start to the end."""
    claims = _read_pass(token, now)
    authorize(caller, claims["stn"])
    start = rules.slot_start_of(claims["bid"])
    record = booking_store.get_booking(claims["sub"], start) if start else None
    if record is None or record.station_id != claims["stn"] or record.booked_at != claims["rev"]:
        raise err.InvalidPass()
    if record.status == "checked_in":
        raise err.AlreadyCheckedIn()
    if record.status != "confirmed":
        raise err.BookingNotActive()
    zone = ZoneInfo(record.time_zone)
    rules.check_checkin_window(SlotTime(at(record.slot_start), at(record.slot_end)), now, zone)
    tx = NamedTransaction()
    booking_store.check_in_in(tx, record, now)
    activity.record_in(tx, record.member_id, events.CHECKED_IN, now)
    try:
        tx.commit()
    except Cancelled as exc:
        raise err.AlreadyCheckedIn() from exc
    name = masked_names({record.member_id}).get(record.member_id, "—")
    return CheckinOut(booking_id=claims["bid"], station_id=record.station_id, name=name, status="checked_in",
                      **stamps("slot_start", at(record.slot_start), zone), **stamps("checked_in_at", now, zone))


def roster(caller: Caller, station_id: str, day: date) -> list[RosterEntry]:
    """The day's bookings (not the cancelled ones) with masked names: a Query and a BatchGet."""
    authorize(caller, station_id)
    zone = load(station_id).zone
    found = [r for r in booking_store.roster(station_id, day.isoformat()) if r.status != "cancelled"]
    names = masked_names({r.member_id for r in found})
    return [RosterEntry(**stamps("slot_start", at(r.slot_start), zone), **stamps("slot_end", at(r.slot_end), zone),
                        name=names.get(r.member_id, "—"), status=r.status,
                        checked_in_at=local_iso(at(r.checked_in_at), zone) if r.checked_in_at else None)
            for r in found]
