"""No-shows: the scheduled sweep marks them; three in 30 days suspend booking for 7 days."""

from chalicelib.services import activity
from tests.api.stations_world import book, create_station, make_staff, run_sweep

EN = {"Accept-Language": "en"}


def status_of(api, who, booking_id):
    return api.as_(who).get(f"/v1/bookings/{booking_id}").json["status"]


def test_a_booking_not_checked_in_by_start_plus_grace_becomes_a_no_show(api, rider, station, clock):
    kept = book(api, rider, station["station_id"], "2026-11-27T11:00:00+08:00").json
    missed = book(api, rider, station["station_id"], "2026-11-27T11:30:00+08:00").json
    staff = make_staff(api, station["station_id"])
    clock.advance(minutes=60)  # 11:00
    rider, staff = api.login(rider.phone), api.login(staff.phone)
    token = api.as_(rider).get(f"/v1/bookings/{kept['booking_id']}/pass").json["token"]
    assert api.as_(staff).post("/v1/staff/checkins", {"token": token}).status == 200
    clock.advance(minutes=44)  # 11:44: grace (15) not over
    assert run_sweep(api) == {"no_shows": 0, "holds_settled": 0, "handovers_settled": 0}
    clock.advance(minutes=1)  # 11:45
    assert run_sweep(api)["no_shows"] == 1
    rider = api.login(rider.phone)
    assert status_of(api, rider, missed["booking_id"]) == "no_show"
    assert status_of(api, rider, kept["booking_id"]) == "checked_in"
    assert run_sweep(api)["no_shows"] == 0  # marked once
    assert activity.counters(rider.member_id)["w2026_48_no_shows"] == 1


def test_three_no_shows_in_30_days_suspend_booking_for_7_days(api, admin, rider, clock):
    station = create_station(api, admin, rules={"max_active_bookings": 5})
    for start in ("11:00", "13:00", "14:00"):
        assert book(api, rider, station["station_id"], f"2026-11-27T{start}:00+08:00").status == 201
    clock.advance(hours=2)  # 12:00: one no-show
    assert run_sweep(api)["no_shows"] == 1
    rider = api.login(rider.phone)
    assert book(api, rider, station["station_id"], "2026-11-27T19:00:00+08:00").status == 201
    clock.advance(hours=2, minutes=30)  # 14:30: three no-shows
    assert run_sweep(api)["no_shows"] == 2
    rider = api.login(rider.phone)
    refused = book(api, rider, station["station_id"], "2026-11-28T10:00:00+08:00", headers=EN)
    assert refused.status == 422
    assert refused.json["error"]["code"] == "booking_suspended"
    assert "2026-12-04 14:30" in refused.json["error"]["message"]
    zh = book(api, rider, station["station_id"], "2026-11-28T10:00:00+08:00")
    assert "暂停至 2026-12-04 14:30" in zh.json["error"]["message"]
    joined = api.as_(rider).post(
        "/v1/waitlist", {"station_id": station["station_id"], "slot_start": "2026-11-28T10:00:00+08:00"}
    )
    assert joined.json["error"]["code"] == "booking_suspended"
    clock.advance(days=7)  # 2026-12-04 14:30: over
    rider = api.login(rider.phone)
    later = book(api, rider, station["station_id"], "2026-12-05T10:00:00+08:00")
    assert later.status == 201 and later.json["status"] == "confirmed"


def test_the_sweep_is_scheduled_every_five_minutes():
    from app import app

    sweep = next(e for e in app.event_sources if getattr(e, "name", None) == "booking_sweep")
    assert sweep.schedule_expression.to_string() == "rate(5 minutes)"
