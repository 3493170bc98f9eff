"""Waitlists: a freed seat is held for the first waiter, who confirms it or lets it lapse to the next."""

from tests.api.stations_world import book, create_station, new_worker, run_sweep, slot_counts

TWO_PM = "2026-11-27T14:00:00+08:00"


def join(api, who, sid, start=TWO_PM, **kw):
    return api.as_(who).post("/v1/waitlist", {"station_id": sid, "slot_start": start}, **kw)


def entries(api, who):
    reply = api.as_(who).get("/v1/me/waitlist")
    assert reply.status == 200, reply.json
    return reply.json


def full_slot(api, admin, rider, clock):
    """A one-seat station whose 14:00 slot `rider` booked, and two workers who joined its waitlist in turn."""
    s = create_station(api, admin, seats=1)
    booked = book(api, rider, s["station_id"], TWO_PM).json
    first, second = new_worker(api), new_worker(api)
    assert join(api, first, s["station_id"]).status == 201
    clock.advance(minutes=1)
    assert join(api, second, s["station_id"]).status == 201
    return s["station_id"], booked, first, second


def test_join_only_when_full_and_only_once(api, admin, rider, clock):
    s = create_station(api, admin, seats=1)
    early = join(api, rider, s["station_id"])
    assert early.status == 409 and early.json["error"]["code"] == "slot_has_seats"
    sid, _, first, second = full_slot(api, admin, rider, clock)
    again = join(api, first, sid)
    assert again.status == 409 and again.json["error"]["code"] == "already_waitlisted"
    assert [(e["status"], e["position"]) for e in entries(api, first)] == [("waiting", 1)]
    assert [(e["status"], e["position"]) for e in entries(api, second)] == [("waiting", 2)]
    assert slot_counts(sid, "2026-11-27T06:00:00Z").waiting == 2


def test_a_freed_seat_is_held_for_the_first_waiter_and_nobody_else_can_take_it(api, admin, rider, clock):
    sid, booked, first, second = full_slot(api, admin, rider, clock)
    assert api.as_(rider).post(f"/v1/bookings/{booked['booking_id']}/cancel").status == 200
    offer = entries(api, first)[0]
    assert offer["status"] == "offered"
    assert offer["hold_until"] == "2026-11-27T10:16:00+08:00"  # 15 minutes from the cancel
    assert entries(api, second)[0]["status"] == "waiting"
    stranger = book(api, new_worker(api), sid, TWO_PM)
    assert stranger.status == 409 and stranger.json["error"]["code"] == "slot_full"
    confirmed = api.as_(first).post(f"/v1/waitlist/{offer['entry_id']}/confirm")
    assert confirmed.status == 201, confirmed.json
    assert confirmed.json["status"] == "confirmed" and confirmed.json["source"] == "waitlist"
    counts = slot_counts(sid, "2026-11-27T06:00:00Z")
    assert (counts.capacity, counts.taken, counts.booked, counts.held, counts.waiting) == (1, 1, 1, 0, 1)
    assert api.as_(first).get("/v1/me/bookings").json[0]["booking_id"] == confirmed.json["booking_id"]


def test_an_unconfirmed_hold_lapses_and_passes_to_the_next_waiter(api, admin, rider, clock):
    sid, booked, first, second = full_slot(api, admin, rider, clock)
    api.as_(rider).post(f"/v1/bookings/{booked['booking_id']}/cancel")
    offer = entries(api, first)[0]
    clock.advance(minutes=15)  # the hold ends now
    first, second = api.login(first.phone), api.login(second.phone)
    late = api.as_(first).post(f"/v1/waitlist/{offer['entry_id']}/confirm")
    assert late.status == 422 and late.json["error"]["code"] == "offer_expired"
    assert entries(api, first)[0]["status"] == "lapsed"
    assert entries(api, second)[0]["status"] == "offered"
    counts = slot_counts(sid, "2026-11-27T06:00:00Z")
    assert (counts.taken, counts.booked, counts.held, counts.waiting) == (1, 0, 1, 0)


def test_the_scheduled_sweep_lapses_holds(api, admin, rider, clock):
    sid, booked, first, second = full_slot(api, admin, rider, clock)
    api.as_(rider).post(f"/v1/bookings/{booked['booking_id']}/cancel")
    clock.advance(minutes=14)
    assert run_sweep(api)["holds_settled"] == 0
    clock.advance(minutes=2)
    assert run_sweep(api)["holds_settled"] == 1
    second = api.login(second.phone)
    offer = entries(api, second)[0]
    assert offer["status"] == "offered"
    assert api.as_(second).post(f"/v1/waitlist/{offer['entry_id']}/confirm").status == 201
    clock.advance(minutes=16)
    assert run_sweep(api)["holds_settled"] == 0  # nothing held any more
    counts = slot_counts(sid, "2026-11-27T06:00:00Z")
    assert (counts.capacity, counts.taken, counts.booked, counts.held) == (1, 1, 1, 0)


def test_declining_an_offer_passes_the_seat_on_and_leaving_a_queue_is_allowed(api, admin, rider, clock):
    sid, booked, first, second = full_slot(api, admin, rider, clock)
    api.as_(rider).post(f"/v1/bookings/{booked['booking_id']}/cancel")
    offer = entries(api, first)[0]
    left = api.as_(first).post(f"/v1/waitlist/{offer['entry_id']}/leave")
    assert left.status == 200 and left.json["status"] == "left"
    assert entries(api, second)[0]["status"] == "offered"
    assert api.as_(first).post(f"/v1/waitlist/{offer['entry_id']}/confirm").json["error"]["code"] == "no_offer"
    assert api.as_(first).post(f"/v1/waitlist/{offer['entry_id']}/leave").status == 409


def test_waitlist_entries_are_private(api, admin, rider, clock):
    sid, _, first, _ = full_slot(api, admin, rider, clock)
    entry_id = entries(api, first)[0]["entry_id"]
    for path in (f"/v1/waitlist/{entry_id}/confirm", f"/v1/waitlist/{entry_id}/leave", "/v1/waitlist/x-y/leave"):
        reply = api.as_(rider).post(path)
        assert reply.status == 404 and reply.json["error"]["code"] == "waitlist_entry_not_found"


def test_waiters_cannot_confirm_past_the_limit_k(api, admin, rider, clock):
    sid, booked, first, _ = full_slot(api, admin, rider, clock)
    other = create_station(api, admin)
    for start in ("15:00", "16:00", "17:00"):
        assert book(api, first, other["station_id"], f"2026-11-27T{start}:00+08:00").status == 201
    api.as_(rider).post(f"/v1/bookings/{booked['booking_id']}/cancel")
    offer = entries(api, first)[0]
    refused = api.as_(first).post(f"/v1/waitlist/{offer['entry_id']}/confirm")
    assert refused.status == 422 and refused.json["error"]["code"] == "too_many_bookings"
    assert slot_counts(sid, "2026-11-27T06:00:00Z").held == 1  # still held until it lapses


def test_a_seat_freed_without_its_offer_is_offered_when_a_waiter_looks(api, admin, rider, clock):
    """As if the process died between the cancel's transaction and the offer that follows it."""
    from datetime import datetime

    from chalicelib.store import bookings as booking_store
    from chalicelib.store import slots as slot_store
    from chalicelib.store.unit_of_work import unit_of_work

    sid, booked, first, _ = full_slot(api, admin, rider, clock)
    found = booking_store.get_booking(rider.member_id, datetime.fromisoformat("2026-11-27T06:00:00+00:00"))
    with unit_of_work(clock.now()) as uow:
        booking_store.cancel_in(uow, found.ref, clock.now())
        slot_store.release_seat(uow, sid, found.slot.start, clock.now())
    stranger = book(api, new_worker(api), sid, TWO_PM)
    assert stranger.json["error"]["code"] == "slot_full"  # the seat is the waitlist's
    assert entries(api, first)[0]["status"] == "offered"
