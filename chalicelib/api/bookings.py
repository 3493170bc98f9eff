"""Workers book seats, cancel them, show a check-in pass, and wait for full slots.

Writes a client may retry (book, cancel, join, confirm, leave) take an Idempotency-Key header:
the same key replays the first response and changes nothing.
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.http import Ref, Reply, RequestContext, endpoint
from chalicelib.domain.access import WORKER
from chalicelib.domain.bookings import BookingCreate, BookingOut, BookingsQuery, PassOut, WaitlistOut
from chalicelib.services import booking, checkin, waitlist

bp = Blueprint(__name__)


@endpoint(bp, "/v1/bookings", methods=["POST"], roles=WORKER)
def create_booking(ctx: RequestContext) -> Reply:
    req = ctx.body(BookingCreate)
    return Reply(ctx.once("book", lambda: booking.book(ctx.caller, req, ctx.now), payload=req), 201)


@endpoint(bp, "/v1/bookings/{booking_id}", methods=["GET"], roles=WORKER)
def get_booking(ctx: RequestContext, booking_id: str) -> BookingOut:
    return booking.get_booking(ctx.caller, booking_id)


@endpoint(bp, "/v1/bookings/{booking_id}/cancel", methods=["POST"], roles=WORKER)
def cancel_booking(ctx: RequestContext, booking_id: str) -> dict[str, Any]:
    return ctx.once("cancel", lambda: booking.cancel(ctx.caller, booking_id, ctx.now), payload=Ref(id=booking_id))


@endpoint(bp, "/v1/bookings/{booking_id}/pass", methods=["GET"], roles=WORKER)
def booking_pass(ctx: RequestContext, booking_id: str) -> PassOut:
    return checkin.issue_pass(ctx.caller, booking_id, ctx.now)


@endpoint(bp, "/v1/me/bookings", methods=["GET"], roles=WORKER)
def my_bookings(ctx: RequestContext) -> list[BookingOut]:
    return booking.my_bookings(ctx.caller, ctx.query(BookingsQuery).status, ctx.now)


@endpoint(bp, "/v1/waitlist", methods=["POST"], roles=WORKER)
def join_waitlist(ctx: RequestContext) -> Reply:
    req = ctx.body(BookingCreate)
    return Reply(ctx.once("join_waitlist", lambda: waitlist.join(ctx.caller, req, ctx.now), payload=req), 201)


@endpoint(bp, "/v1/me/waitlist", methods=["GET"], roles=WORKER)
def my_waitlist(ctx: RequestContext) -> list[WaitlistOut]:
    return waitlist.my_waitlist(ctx.caller, ctx.now)


@endpoint(bp, "/v1/waitlist/{entry_id}/confirm", methods=["POST"], roles=WORKER)
def confirm_offer(ctx: RequestContext, entry_id: str) -> Reply:
    body = ctx.once("confirm_offer", lambda: waitlist.confirm(ctx.caller, entry_id, ctx.now), payload=Ref(id=entry_id))
    return Reply(body, 201)


@endpoint(bp, "/v1/waitlist/{entry_id}/leave", methods=["POST"], roles=WORKER)
def leave_waitlist(ctx: RequestContext, entry_id: str) -> dict[str, Any]:
    return ctx.once("leave_waitlist", lambda: waitlist.leave(ctx.caller, entry_id, ctx.now), payload=Ref(id=entry_id))
