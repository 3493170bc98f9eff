"""Check-in with a short-lived signed pass, scanned by staff of that station; the staff roster."""

import base64
import json

from tests.api.stations_world import book, create_station, make_staff, new_worker

TWO_PM = "2026-11-27T14:00:00+08:00"


def get_pass(api, who, booking_id):
    reply = api.as_(who).get(f"/v1/bookings/{booking_id}/pass")
    assert reply.status == 200, reply.json
    return reply.json


def scan(api, staff, token):
    return api.as_(staff).post("/v1/staff/checkins", {"token": token})


def error(reply):
    return reply.status, reply.json["error"]["code"]


def at_the_door(api, clock, who, staff, booking_id, minutes_from_now):
    """Move the clock, log both in again (access tokens last 15 minutes), fetch a fresh pass."""
    clock.advance(minutes=minutes_from_now)
    who, staff = api.login(who.phone), api.login(staff.phone)
    return who, staff, get_pass(api, who, booking_id)["token"]


def test_the_pass_is_a_signed_token_with_a_qr_code(api, rider, station):
    booking = book(api, rider, station["station_id"], TWO_PM).json
    got = get_pass(api, rider, booking["booking_id"])
    assert got["qr_svg_data_url"].startswith("data:image/svg+xml")
    assert got["expires_at"] == "2026-11-27T10:10:00+08:00" and got["expires_at_utc"] == "2026-11-27T02:10:00Z"
    claims = json.loads(base64.urlsafe_b64decode(got["token"].split(".")[1] + "=="))
    assert claims["typ"] == "checkin" and claims["stn"] == station["station_id"]


def test_staff_check_a_worker_in_within_the_window_once(api, rider, station, clock):
    booking = book(api, rider, station["station_id"], TWO_PM).json
    staff = make_staff(api, station["station_id"])
    rider, staff, token = at_the_door(api, clock, rider, staff, booking["booking_id"], 60 * 3 + 44)  # 13:44
    early = scan(api, staff, token)
    assert error(early) == (422, "checkin_window") and early.json["error"]["details"][0]["field"] == "token"
    rider, staff, token = at_the_door(api, clock, rider, staff, booking["booking_id"], 1)  # 13:45
    done = scan(api, staff, token)
    assert done.status == 200, done.json
    assert done.json["status"] == "checked_in" and done.json["checked_in_at"] == "2026-11-27T13:45:00+08:00"
    assert done.json["name"] == f"{rider.phone[:3]}****{rider.phone[-4:]}"  # no name on file: masked phone
    assert error(scan(api, staff, token)) == (409, "already_checked_in")
    assert api.as_(rider).get(f"/v1/bookings/{booking['booking_id']}").json["status"] == "checked_in"


def test_no_check_in_after_the_slot_ends(api, rider, station, clock):
    booking = book(api, rider, station["station_id"], TWO_PM).json
    staff = make_staff(api, station["station_id"])
    rider, staff, token = at_the_door(api, clock, rider, staff, booking["booking_id"], 60 * 4 + 25)  # 14:25
    clock.advance(minutes=5)  # 14:30
    staff = api.login(staff.phone)
    assert error(scan(api, staff, token)) == (400, "pass_expired")  # the pass never outlives the slot


def test_forged_and_foreign_tokens_are_refused(api, rider, station):
    booking = book(api, rider, station["station_id"], TWO_PM).json
    staff = make_staff(api, station["station_id"])
    token = get_pass(api, rider, booking["booking_id"])["token"]
    head, body, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    forged_body = base64.urlsafe_b64encode(json.dumps({**claims, "sub": "m_someone"}).encode()).decode().rstrip("=")
    for bad in (f"{head}.{forged_body}.{sig}", token[:-3] + "abc", "not-a-token", rider.access_token):
        reply = scan(api, staff, bad)
        assert error(reply) == (400, "invalid_pass"), bad
        assert reply.json["error"]["details"][0]["field"] == "token"
    assert api.get("/v1/me", headers={"Authorization": f"Bearer {token}"}).status == 401  # not an access token


def test_a_pass_only_works_at_its_own_station(api, admin, rider, station, clock):
    booking = book(api, rider, station["station_id"], TWO_PM).json
    other = create_station(api, admin)
    elsewhere = make_staff(api, other["station_id"])
    rider, elsewhere, token = at_the_door(api, clock, rider, elsewhere, booking["booking_id"], 60 * 3 + 50)
    assert error(scan(api, elsewhere, token)) == (403, "not_your_station")
    assert scan(api, rider, token).status == 403  # workers cannot scan
    admin = api.login(admin.phone)
    assert scan(api, admin, token).status == 200  # admins act for every station


def test_a_cancelled_booking_has_no_pass(api, rider, station):
    booking = book(api, rider, station["station_id"], TWO_PM).json
    token = get_pass(api, rider, booking["booking_id"])["token"]
    api.as_(rider).post(f"/v1/bookings/{booking['booking_id']}/cancel")
    staff = make_staff(api, station["station_id"])
    assert error(scan(api, staff, token)) == (409, "booking_not_active")
    assert error(api.as_(rider).get(f"/v1/bookings/{booking['booking_id']}/pass")) == (409, "booking_not_active")


def test_the_roster_shows_the_days_bookings_with_masked_names(api, admin, rider, station):
    sid = station["station_id"]
    assert api.as_(rider).patch("/v1/me", {"name": "张三丰"}).status == 200
    other, quitter = new_worker(api), new_worker(api)
    book(api, rider, sid, TWO_PM)
    book(api, other, sid, "2026-11-27T11:00:00+08:00")
    dropped = book(api, quitter, sid, "2026-11-27T15:00:00+08:00").json
    api.as_(quitter).post(f"/v1/bookings/{dropped['booking_id']}/cancel")
    book(api, new_worker(api), sid, "2026-11-28T11:00:00+08:00")
    staff = make_staff(api, sid)
    reply = api.as_(staff).get(f"/v1/staff/stations/{sid}/roster?date=2026-11-27")
    assert reply.status == 200, reply.json
    assert [(r["slot_start"], r["name"], r["status"]) for r in reply.json] == [
        ("2026-11-27T11:00:00+08:00", f"{other.phone[:3]}****{other.phone[-4:]}", "confirmed"),
        (TWO_PM, "张**", "confirmed"),
    ]
    assert "member_id" not in reply.json[0]
    outsider = make_staff(api, create_station(api, admin)["station_id"])
    assert error(api.as_(outsider).get(f"/v1/staff/stations/{sid}/roster?date=2026-11-27")) == (403, "not_your_station")
    assert api.as_(rider).get(f"/v1/staff/stations/{sid}/roster?date=2026-11-27").status == 403
