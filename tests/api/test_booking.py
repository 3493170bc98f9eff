"""Booking a seat through the API: the rules, the last seat, safe retries, cancelling, no IDOR."""

from chalicelib.services import activity
from tests.api.stations_world import book, create_station, make_member, new_worker

TWO_PM = "2026-11-27T14:00:00+08:00"  # the clock says Friday 10:00 in Shanghai
EN = {"Accept-Language": "en"}


def seats_left(api, who, sid, start=TWO_PM):
    slots = api.as_(who).get(f"/v1/stations/{sid}/availability?date={start[:10]}").json["slots"]
    return next(s["seats_left"] for s in slots if s["slot_start"] == start)


def error(reply):
    return reply.status, reply.json["error"]["code"]


def test_a_worker_books_a_seat(api, rider, station):
    reply = book(api, rider, station["station_id"], TWO_PM)
    assert reply.status == 201, reply.json
    got = reply.json
    assert got["status"] == "confirmed" and got["station_id"] == station["station_id"]
    assert (got["slot_start"], got["slot_start_utc"]) == (TWO_PM, "2026-11-27T06:00:00Z")
    assert (got["slot_end"], got["cancel_deadline"]) == ("2026-11-27T14:30:00+08:00", "2026-11-27T13:00:00+08:00")
    assert api.as_(rider).get(f"/v1/bookings/{got['booking_id']}").json == got
    assert seats_left(api, rider, station["station_id"]) == 1


def test_the_same_instant_in_another_offset_books_the_same_slot(api, rider, station):
    reply = book(api, rider, station["station_id"], "2026-11-27T06:00:00Z")
    assert reply.status == 201 and reply.json["slot_start"] == TWO_PM


def test_last_seat_goes_to_exactly_one_of_two_riders(api, admin, rider):
    one_seat = create_station(api, admin, seats=1)
    a = book(api, rider, one_seat["station_id"], TWO_PM)
    b = book(api, new_worker(api), one_seat["station_id"], TWO_PM)
    assert sorted([a.status, b.status]) == [201, 409]
    assert b.json["error"]["code"] == "slot_full"
    assert b.json["error"]["details"][0]["field"] == "slot_start"
    assert seats_left(api, rider, one_seat["station_id"]) == 0


def test_slots_outside_hours_in_the_past_or_too_soon_are_refused(api, rider, station):
    sid = station["station_id"]
    assert error(book(api, rider, sid, "2026-11-27T12:30:00+08:00")) == (422, "outside_opening_hours")
    assert error(book(api, rider, sid, "2026-11-27T14:10:00+08:00")) == (422, "outside_opening_hours")
    assert error(book(api, rider, sid, "2026-11-27T09:00:00+08:00")) == (422, "slot_in_past")
    soon = book(api, rider, sid, "2026-11-27T10:00:00+08:00")
    assert error(soon) == (422, "slot_in_past")
    notice = book(api, rider, sid, "2026-11-27T10:30:00+08:00")
    assert notice.status == 201  # exactly N = 30 minutes ahead


def test_minimum_notice_and_days_ahead_are_the_stations(api, admin, rider):
    s = create_station(api, admin, rules={"min_notice_minutes": 120, "max_days_ahead": 2})
    sid = s["station_id"]
    short = book(api, rider, sid, "2026-11-27T11:30:00+08:00", headers=EN)
    assert error(short) == (422, "notice_too_short")
    assert "120 minutes" in short.json["error"]["message"]
    assert short.json["error"]["details"][0]["field"] == "slot_start"
    far = book(api, rider, sid, "2026-11-29T10:30:00+08:00")
    assert error(far) == (422, "too_far_ahead") and "2 天" in far.json["error"]["message"]
    assert book(api, rider, sid, "2026-11-29T09:30:00+08:00").status == 201


def test_closed_days_and_special_hours_apply_to_booking(api, admin, rider, station):
    sid = station["station_id"]
    api.as_(admin).put(f"/v1/stations/{sid}/exceptions/2026-11-28", {"closed": True})
    api.as_(admin).put(f"/v1/stations/{sid}/exceptions/2026-11-29", {"hours": ["21:00-22:00"]})
    assert error(book(api, rider, sid, "2026-11-28T14:00:00+08:00")) == (422, "outside_opening_hours")
    assert error(book(api, rider, sid, "2026-11-29T14:00:00+08:00")) == (422, "outside_opening_hours")
    assert book(api, rider, sid, "2026-11-29T21:00:00+08:00").status == 201


def test_members_only_station(api, admin, rider):
    s = create_station(api, admin, audience="members")
    refused = book(api, rider, s["station_id"], TWO_PM)
    assert error(refused) == (403, "members_only")
    assert refused.json["error"]["details"][0]["field"] == "station_id"
    member = make_member(api, rider)
    assert book(api, member, s["station_id"], TWO_PM).status == 201


def test_worker_group_station(api, admin, rider):
    s = create_station(api, admin, audience=["delivery_rider", "courier"])
    assert error(book(api, rider, s["station_id"], TWO_PM)) == (403, "not_in_audience")
    courier = make_member(api, rider, group="courier", member=False)
    assert book(api, courier, s["station_id"], TWO_PM).status == 201


def test_inactive_station_takes_no_bookings(api, admin, rider, station):
    api.as_(admin).post(f"/v1/admin/stations/{station['station_id']}/deactivate")
    assert error(book(api, rider, station["station_id"], TWO_PM)) == (422, "station_inactive")


def test_one_booking_per_slot_time_across_stations(api, admin, rider, station):
    other = create_station(api, admin)
    assert book(api, rider, station["station_id"], TWO_PM).status == 201
    again = book(api, rider, station["station_id"], TWO_PM)
    elsewhere = book(api, rider, other["station_id"], TWO_PM)
    assert error(again) == error(elsewhere) == (409, "already_booked")
    hourly = create_station(api, admin, slot_minutes=60, hours={"fri": ["13:30-15:30"]})
    overlapping = book(api, rider, hourly["station_id"], "2026-11-27T13:30:00+08:00")
    assert error(overlapping) == (409, "already_booked")


def test_at_most_k_upcoming_bookings(api, admin, rider, station):
    sid = station["station_id"]
    for start in ("14:00", "15:00", "16:00"):
        assert book(api, rider, sid, f"2026-11-27T{start}:00+08:00").status == 201
    fourth = book(api, rider, sid, "2026-11-27T17:00:00+08:00", headers=EN)
    assert error(fourth) == (422, "too_many_bookings") and "3" in fourth.json["error"]["message"]
    generous = create_station(api, admin, rules={"max_active_bookings": 4})
    assert book(api, rider, generous["station_id"], "2026-11-27T17:00:00+08:00").status == 201


def test_a_retry_with_the_same_key_returns_the_same_booking_and_books_nothing_more(api, rider, station):
    sid, key = station["station_id"], {"Idempotency-Key": "tap-1"}
    first = book(api, rider, sid, TWO_PM, headers=key)
    again = book(api, rider, sid, TWO_PM, headers=key)
    assert first.status == again.status == 201
    assert again.json == first.json
    assert seats_left(api, rider, sid) == 1
    other_body = book(api, rider, sid, "2026-11-27T15:00:00+08:00", headers=key)
    assert error(other_body) == (422, "idempotency_key_reused")
    assert seats_left(api, rider, sid, "2026-11-27T15:00:00+08:00") == 2
    assert activity.counters(rider.member_id) == {"w2026_48_app_opens": 1, "w2026_48_bookings": 1}


def test_cancel_releases_the_seat_and_can_be_rebooked(api, rider, station):
    sid = station["station_id"]
    booked = book(api, rider, sid, TWO_PM).json
    cancelled = api.as_(rider).post(f"/v1/bookings/{booked['booking_id']}/cancel")
    assert cancelled.status == 200, cancelled.json
    assert cancelled.json["status"] == "cancelled"
    assert [h["status"] for h in cancelled.json["history"]] == ["confirmed", "cancelled"]
    assert seats_left(api, rider, sid) == 2
    assert error(api.as_(rider).post(f"/v1/bookings/{booked['booking_id']}/cancel")) == (409, "booking_not_active")
    assert book(api, rider, sid, TWO_PM).status == 201
    assert activity.counters(rider.member_id) == {
        "w2026_48_app_opens": 1,
        "w2026_48_bookings": 2,
        "w2026_48_cancellations": 1,
    }


def test_cancel_is_refused_after_the_stations_window(api, rider, station, clock):
    booked = book(api, rider, station["station_id"], TWO_PM).json  # window: 60 minutes before
    clock.advance(hours=3, minutes=1)  # 13:01
    rider = api.login(rider.phone)  # access tokens last 15 minutes
    late = api.as_(rider).post(f"/v1/bookings/{booked['booking_id']}/cancel", headers=EN)
    assert error(late) == (422, "cancel_window_passed")
    assert "2026-11-27T13:00:00+08:00" in late.json["error"]["details"][0]["message"]


def test_other_workers_bookings_are_not_found(api, rider, station):
    mine = book(api, rider, station["station_id"], TWO_PM).json
    intruder = new_worker(api)
    for reply in (
        api.as_(intruder).get(f"/v1/bookings/{mine['booking_id']}"),
        api.as_(intruder).post(f"/v1/bookings/{mine['booking_id']}/cancel"),
        api.as_(intruder).get(f"/v1/bookings/{mine['booking_id']}/pass"),
        api.as_(intruder).get("/v1/bookings/not-an-id"),
    ):
        assert error(reply) == (404, "booking_not_found")
    assert api.as_(rider).get(f"/v1/bookings/{mine['booking_id']}").json["status"] == "confirmed"


def test_my_bookings_upcoming_and_past(api, rider, station, clock):
    sid = station["station_id"]
    early = book(api, rider, sid, "2026-11-27T11:00:00+08:00").json
    later = book(api, rider, sid, TWO_PM).json
    dropped = book(api, rider, sid, "2026-11-28T09:00:00+08:00").json
    api.as_(rider).post(f"/v1/bookings/{dropped['booking_id']}/cancel")
    upcoming = api.as_(rider).get("/v1/me/bookings?status=upcoming").json
    assert [b["booking_id"] for b in upcoming] == [early["booking_id"], later["booking_id"]]
    clock.advance(hours=2)  # 12:00: the 11:00 slot is over
    rider = api.login(rider.phone)
    upcoming = api.as_(rider).get("/v1/me/bookings").json
    past = api.as_(rider).get("/v1/me/bookings?status=past").json
    assert [b["booking_id"] for b in upcoming] == [later["booking_id"]]
    assert [b["booking_id"] for b in past] == [dropped["booking_id"], early["booking_id"]]
    assert api.as_(rider).get("/v1/me/bookings?status=soon").status == 400


def test_booking_input_is_validated_and_errors_never_500(api, rider, station):
    naive = api.as_(rider).post(
        "/v1/bookings", {"station_id": station["station_id"], "slot_start": "2026-11-27T14:00:00"}, headers=EN
    )
    assert naive.status == 400 and naive.json["error"]["details"][0]["field"] == "slot_start"
    assert api.as_(rider).post("/v1/bookings", {"station_id": station["station_id"]}).status == 400
    for far in ("0001-01-01T00:00:00+08:00", "9999-12-31T23:30:00+08:00"):
        reply = book(api, rider, station["station_id"], far)
        assert reply.status == 400 and reply.json["error"]["details"][0]["code"] == "date_out_of_range"
    assert api.as_(rider).get(f"/v1/stations/{station['station_id']}/availability?date=9999-12-31").status == 400
    assert api.as_(rider).get("/v1/stations?lat=nan&lng=121").status == 400
    unknown = book(api, rider, "st000000000000", TWO_PM)
    assert error(unknown) == (404, "station_not_found")
    assert api.post("/v1/bookings", {"station_id": station["station_id"], "slot_start": TWO_PM}).status == 401
