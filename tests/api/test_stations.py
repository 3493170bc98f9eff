"""Stations through the API: admins and staff run them, workers find them."""

from chalicelib.domain import geo
from tests.api.stations_world import create_station, make_staff, station_body

EN = {"Accept-Language": "en"}


# --- admins and staff -----------------------------------------------------------------------


def test_admin_creates_a_station_with_every_field(api, admin):
    body = station_body(
        audience=["delivery_rider"],
        time_zone="Asia/Urumqi",
        amenities=["wifi"],
        exceptions={"2026-12-25": []},
        rules={"max_active_bookings": 5},
    )
    reply = api.as_(admin).post("/v1/admin/stations", body)
    assert reply.status == 201, reply.json
    got = reply.json
    assert got["station_id"].startswith("st") and got["active"] is True
    assert got["audience"] == ["delivery_rider"] and got["time_zone"] == "Asia/Urumqi"
    assert got["exceptions"] == {"2026-12-25": []}
    assert got["rules"]["max_active_bookings"] == 5 and got["rules"]["cancel_window_minutes"] == 60
    assert api.as_(admin).get(f"/v1/stations/{got['station_id']}").json == got


def test_station_codes_are_unique(api, admin, station):
    again = api.as_(admin).post("/v1/admin/stations", station_body(code=station["code"].lower()))
    assert again.status == 409
    assert again.json["error"]["code"] == "station_code_taken"
    assert again.json["error"]["details"][0]["field"] == "code"


def test_bad_input_names_each_field_in_both_languages(api, admin):
    body = station_body(lat=123, hours={"mon": ["09:00-08:00"]}, kind="spaceport")
    zh = api.as_(admin).post("/v1/admin/stations", body)
    en = api.as_(admin).post("/v1/admin/stations", body, headers=EN)
    assert zh.status == en.status == 400
    assert {d["field"] for d in en.json["error"]["details"]} == {"lat", "hours.mon", "kind"}
    hours_zh = next(d for d in zh.json["error"]["details"] if d["field"] == "hours.mon")
    hours_en = next(d for d in en.json["error"]["details"] if d["field"] == "hours.mon")
    assert "HH:MM" in hours_zh["message"] and "开始" in hours_zh["message"] and "start" in hours_en["message"]


def test_workers_cannot_create_or_change_stations(api, rider, station):
    assert api.as_(rider).post("/v1/admin/stations", station_body()).status == 403
    assert api.as_(rider).patch(f"/v1/stations/{station['station_id']}", {"seats": 9}).status == 403


def test_staff_change_their_own_station_only(api, admin, station):
    other = create_station(api, admin)
    staff = make_staff(api, station["station_id"])
    mine = api.as_(staff).patch(
        f"/v1/stations/{station['station_id']}",
        {"seats": 6, "amenities": ["wifi"], "rules": {"cancel_window_minutes": 30}},
    )
    assert mine.status == 200, mine.json
    assert mine.json["seats"] == 6 and mine.json["rules"]["cancel_window_minutes"] == 30
    assert mine.json["rules"]["min_notice_minutes"] == 30  # other rules kept
    theirs = api.as_(staff).patch(f"/v1/stations/{other['station_id']}", {"seats": 6})
    assert theirs.status == 403 and theirs.json["error"]["code"] == "not_your_station"
    hours = api.as_(staff).put(f"/v1/stations/{other['station_id']}/hours", {"hours": {}})
    assert hours.status == 403


def test_every_station_change_is_audited_and_a_refused_one_leaves_no_trace(api, admin, station):
    from chalicelib.store import audit

    sid = station["station_id"]
    other = create_station(api, admin)
    assert api.as_(admin).patch(f"/v1/stations/{sid}", {"seats": 4, "name_en": "Renamed"}).status == 200
    taken = api.as_(admin).patch(f"/v1/stations/{sid}", {"code": other["code"]})
    assert taken.status == 409 and taken.json["error"]["code"] == "station_code_taken"
    trail = {e.action: e for e in audit.trail(f"station#{sid}")}  # same clock: in no particular order
    assert sorted(trail) == ["create", "update"] and {e.actor for e in trail.values()} == {admin.member_id}
    assert trail["update"].detail == {"fields": ["name_en", "seats"]}
    assert api.as_(admin).get(f"/v1/stations/{sid}").json["code"] == station["code"]


def test_staff_cannot_change_what_only_admins_decide(api, station):
    staff = make_staff(api, station["station_id"])
    reply = api.as_(staff).patch(f"/v1/stations/{station['station_id']}", {"audience": "members", "seats": 3})
    assert reply.status == 403
    assert [d["field"] for d in reply.json["error"]["details"]] == ["audience"]


def test_hours_and_exceptions(api, admin, station):
    sid = station["station_id"]
    hours = api.as_(admin).put(f"/v1/stations/{sid}/hours", {"hours": {"fri": ["09:00-10:00", "18:00-19:00"]}})
    assert hours.status == 200 and hours.json["hours"] == {"fri": ["09:00-10:00", "18:00-19:00"]}
    closed = api.as_(admin).put(f"/v1/stations/{sid}/exceptions/2026-12-25", {"closed": True})
    special = api.as_(admin).put(f"/v1/stations/{sid}/exceptions/2026-12-31", {"hours": ["10:00-14:00"]})
    assert closed.status == special.status == 200
    assert special.json["exceptions"] == {"2026-12-25": [], "2026-12-31": ["10:00-14:00"]}
    removed = api.as_(admin).delete(f"/v1/stations/{sid}/exceptions/2026-12-25")
    assert removed.json["exceptions"] == {"2026-12-31": ["10:00-14:00"]}
    bad = api.as_(admin).put(f"/v1/stations/{sid}/exceptions/2026-13-01", {"closed": True})
    assert bad.status == 400 and bad.json["error"]["details"][0]["field"] == "date"
    empty = api.as_(admin).put(f"/v1/stations/{sid}/exceptions/2026-12-30", {})
    assert empty.status == 400 and empty.json["error"]["details"][0]["field"] == "hours"


def test_unknown_station_is_404(api, rider):
    reply = api.as_(rider).get("/v1/stations/st000000000000")
    assert reply.status == 404 and reply.json["error"]["code"] == "station_not_found"


# --- nearby search --------------------------------------------------------------------------


def at(lat: float, lng: float, **kw):
    return station_body(lat=lat, lng=lng, **kw)


def search(api, who, query: str):
    reply = api.as_(who).get(f"/v1/stations?{query}")
    assert reply.status == 200, reply.json
    return reply.json


def test_search_sorts_by_distance_in_metres_and_respects_the_radius(api, admin, rider):
    far = create_station(api, admin, **at(31.2600, 121.4737))  # ~3.3 km north
    near = create_station(api, admin, **at(31.2314, 121.4737))  # ~110 m
    mid = create_station(api, admin, **at(31.2400, 121.4837))  # ~1.4 km
    found = search(api, rider, "lat=31.2304&lng=121.4737&radius_km=2")
    assert [s["station_id"] for s in found] == [near["station_id"], mid["station_id"]]
    assert 100 <= found[0]["distance_m"] <= 120
    wide = search(api, rider, "lat=31.2304&lng=121.4737&radius_km=5")
    assert [s["station_id"] for s in wide][-1] == far["station_id"]


def test_search_finds_a_station_just_across_a_cell_border(api, admin, rider):
    height, width = geo.cell_size(5)
    border = 121.4737 - (121.4737 + 180) % width
    across = create_station(api, admin, **at(31.2304, border - 0.0004))
    me = (31.2304, border + 0.0004)
    assert geo.encode(*me, 5) != geo.encode(31.2304, border - 0.0004, 5)
    found = search(api, rider, f"lat={me[0]}&lng={me[1]}&radius_km=0.2")
    assert [s["station_id"] for s in found] == [across["station_id"]]
    assert found[0]["distance_m"] < 100


def test_search_filters_kind_amenities_and_open_now(api, admin, rider):
    home = create_station(api, admin, **at(31.2310, 121.4740, kind="workers_home", amenities=["wifi", "reading"]))
    closed = create_station(api, admin, **at(31.2312, 121.4741, hours={"sat": ["08:00-20:00"]}))
    q = "lat=31.2304&lng=121.4737&radius_km=1"
    assert [s["station_id"] for s in search(api, rider, q + "&kind=workers_home")] == [home["station_id"]]
    assert [s["station_id"] for s in search(api, rider, q + "&amenity=wifi,reading")] == [home["station_id"]]
    assert search(api, rider, q + "&amenity=wifi,lockers") == []
    open_now = search(api, rider, q + "&open_now=true")
    assert closed["station_id"] not in [s["station_id"] for s in open_now]
    everything = {s["station_id"]: s for s in search(api, rider, q)}
    assert everything[closed["station_id"]]["open_now"] is False
    assert everything[closed["station_id"]]["free_seats_now"] == 0


def test_search_shows_free_seats_in_the_current_slot(api, admin, rider, clock):
    s = create_station(api, admin, **at(31.2310, 121.4740, rules={"min_notice_minutes": 0}))
    clock.advance(minutes=-20)  # 09:40: book the 10:00 slot
    from tests.api.stations_world import book, new_worker

    assert book(api, new_worker(api), s["station_id"], "2026-11-27T10:00:00+08:00").status == 201
    clock.advance(minutes=25)  # 10:05
    hit = search(api, rider, "lat=31.2304&lng=121.4737&radius_km=1")[0]
    assert hit["open_now"] is True and hit["free_seats_now"] == 1
    assert hit["current_slot_start"] == "2026-11-27T10:00:00+08:00"
    assert hit["current_slot_start_utc"] == "2026-11-27T02:00:00Z"


def test_deactivated_stations_leave_search(api, admin, rider, station):
    q = "lat=31.2304&lng=121.4737&radius_km=1"
    assert [s["station_id"] for s in search(api, rider, q)] == [station["station_id"]]
    off = api.as_(admin).post(f"/v1/admin/stations/{station['station_id']}/deactivate")
    assert off.status == 200 and off.json["active"] is False
    assert search(api, rider, q) == []
    api.as_(admin).post(f"/v1/admin/stations/{station['station_id']}/activate")
    assert len(search(api, rider, q)) == 1


def test_search_input_is_validated(api, rider):
    reply = api.as_(rider).get("/v1/stations?lat=91&lng=abc&radius_km=500", headers=EN)
    assert reply.status == 400
    assert {d["field"] for d in reply.json["error"]["details"]} == {"lat", "lng", "radius_km"}
    assert api.get("/v1/stations?lat=31&lng=121").status == 401


# --- availability ---------------------------------------------------------------------------


def day(api, who, sid, date):
    reply = api.as_(who).get(f"/v1/stations/{sid}/availability?date={date}")
    assert reply.status == 200, reply.json
    return reply.json


def test_availability_lists_every_slot_of_the_local_day(api, rider, station):
    got = day(api, rider, station["station_id"], "2026-11-28")
    assert got["closed"] is False and got["hours"] == ["08:00-12:00", "13:00-20:00"]
    assert len(got["slots"]) == 22
    first = got["slots"][0]
    assert first["slot_start"] == "2026-11-28T08:00:00+08:00" and first["slot_start_utc"] == "2026-11-28T00:00:00Z"
    assert first["seats_left"] == first["capacity"] == 2 and first["bookable"] is True


def test_availability_counts_bookings_and_marks_unbookable_slots(api, rider, station):
    from tests.api.stations_world import book, new_worker

    sid = station["station_id"]
    for who in (rider, new_worker(api)):
        assert book(api, who, sid, "2026-11-27T14:00:00+08:00").status == 201
    slots = {s["slot_start"][11:16]: s for s in day(api, rider, sid, "2026-11-27")["slots"]}
    assert slots["14:00"]["seats_left"] == 0 and slots["14:00"]["bookable"] is False
    assert slots["14:30"]["seats_left"] == 2
    assert slots["10:00"]["bookable"] is False  # started
    assert slots["10:30"]["bookable"] is True  # exactly 30 minutes' notice


def test_availability_honours_exceptions(api, admin, rider, station):
    sid = station["station_id"]
    api.as_(admin).put(f"/v1/stations/{sid}/exceptions/2026-11-28", {"closed": True})
    api.as_(admin).put(f"/v1/stations/{sid}/exceptions/2026-11-29", {"hours": ["10:00-11:00"]})
    assert day(api, rider, sid, "2026-11-28") | {"slots": []} == {
        "station_id": sid,
        "date": "2026-11-28",
        "time_zone": "Asia/Shanghai",
        "closed": True,
        "hours": [],
        "slots": [],
    }
    special = day(api, rider, sid, "2026-11-29")
    assert [s["slot_start"] for s in special["slots"]] == ["2026-11-29T10:00:00+08:00", "2026-11-29T10:30:00+08:00"]


def test_availability_in_a_station_outside_shanghai_time(api, admin, rider):
    urumqi = create_station(
        api, admin, **station_body(time_zone="Asia/Urumqi", city="shanghai", hours={"fri": ["09:00-10:00"]})
    )
    got = day(api, rider, urumqi["station_id"], "2026-11-27")
    assert got["time_zone"] == "Asia/Urumqi"
    assert [(s["slot_start"], s["slot_start_utc"]) for s in got["slots"]] == [
        ("2026-11-27T09:00:00+06:00", "2026-11-27T03:00:00Z"),
        ("2026-11-27T09:30:00+06:00", "2026-11-27T03:30:00Z"),
    ]
    # 10:00 in Shanghai is 08:00 in Urumqi: the 09:00 slot is an hour away, so it can be booked
    assert [s["bookable"] for s in got["slots"]] == [True, True]


def test_availability_needs_a_valid_date(api, rider, station):
    reply = api.as_(rider).get(f"/v1/stations/{station['station_id']}/availability?date=27-11-2026")
    assert reply.status == 400 and reply.json["error"]["details"][0]["field"] == "date"
