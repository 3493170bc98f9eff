"""Admins export stations to CSV / GeoJSON and import them back."""

from tests.api.stations_world import create_station, station_body

EN = {"Accept-Language": "en"}


def three_stations(api, admin):
    return [
        create_station(api, admin, code="SH-A"),
        create_station(api, admin, code="SH-B", audience=["courier"], exceptions={"2026-12-25": []}),
        create_station(
            api,
            admin,
            **station_body(code="BJ-A", city="beijing", lat=39.9087, lng=116.3975, audience="members", amenities=[]),
        ),
    ]


def line(csv: str, code: str) -> str:
    return next(row for row in csv.splitlines() if row.startswith(code + ","))


def export(api, admin, query=""):
    reply = api.as_(admin).get(f"/v1/admin/stations/export{query}")
    assert reply.status == 200, reply.json
    return reply.json


def test_csv_round_trip_updates_by_code_and_creates_new_ones(api, admin):
    made = three_stations(api, admin)
    csv = export(api, admin)
    assert csv["count"] == 3 and csv["content"].splitlines()[0].startswith("code,kind,name_zh")
    shanghai_only = export(api, admin, "?city=shanghai")
    assert shanghai_only["count"] == 2
    edited = csv["content"].replace("SH-A,rider_station,人民广场骑手驿站", "SH-A,rider_station,新名字")
    edited += line(edited, "SH-A").replace("SH-A,", "SH-NEW,").replace("新名字", "新驿站") + "\n"
    reply = api.as_(admin).post("/v1/admin/stations/import", {"format": "csv", "content": edited})
    assert reply.status == 201, reply.json
    assert (reply.json["created"], reply.json["updated"]) == (1, 3)
    assert reply.json["station_ids"][:3] == [made[2]["station_id"], made[0]["station_id"], made[1]["station_id"]]
    renamed = api.as_(admin).get(f"/v1/stations/{made[0]['station_id']}").json
    assert renamed["name_zh"] == "新名字" and renamed["hours"] == made[0]["hours"]
    again = export(api, admin)
    assert again["count"] == 4 and "SH-NEW" in again["content"]
    unchanged = {k: v for k, v in api.as_(admin).get(f"/v1/stations/{made[1]['station_id']}").json.items()}
    assert unchanged == made[1]


def test_geojson_round_trip(api, admin):
    made = three_stations(api, admin)
    doc = export(api, admin, "?format=geojson")
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 3
    beijing = next(f for f in doc["features"] if f["properties"]["code"] == "BJ-A")
    assert beijing["geometry"]["coordinates"] == [116.3975, 39.9087] and beijing["id"] == made[2]["station_id"]
    beijing["properties"]["seats"] = 7
    reply = api.as_(admin).post("/v1/admin/stations/import", {"format": "geojson", "content": doc})
    assert reply.status == 200 and (reply.json["created"], reply.json["updated"]) == (0, 3)
    assert api.as_(admin).get(f"/v1/stations/{made[2]['station_id']}").json == {**made[2], "seats": 7}


def test_an_import_with_bad_rows_writes_nothing_and_names_every_problem(api, admin):
    three_stations(api, admin)
    csv = export(api, admin)["content"]
    lines = csv.splitlines()  # line 1 is the header, then BJ-A, SH-A, SH-B
    lines[2] = lines[2].replace("SH-A,", "SH-A-2,").replace("shanghai", "atlantis")
    lines[1] = lines[1].replace("39.9087", "north")
    lines.append(lines[3].replace("SH-B,", "SH-C,"))
    reply = api.as_(admin).post("/v1/admin/stations/import", {"format": "csv", "content": "\n".join(lines)}, headers=EN)
    assert reply.status == 400
    assert reply.json["error"]["message"] == "The file has errors; no station was written"
    assert {d["field"] for d in reply.json["error"]["details"]} == {"rows[3].city", "rows[2].lat"}
    assert export(api, admin)["count"] == 3  # SH-A-2 and SH-C were not written


def test_only_admins_move_stations_in_and_out(api, rider):
    assert api.as_(rider).get("/v1/admin/stations/export").status == 403
    assert api.as_(rider).post("/v1/admin/stations/import", {"format": "csv", "content": "x"}).status == 403


def test_import_input_is_checked(api, admin):
    not_text = api.as_(admin).post("/v1/admin/stations/import", {"format": "csv", "content": {"a": 1}})
    assert not_text.status == 400 and not_text.json["error"]["details"][0]["field"] == "content"
    bad_geo = api.as_(admin).post("/v1/admin/stations/import", {"format": "geojson", "content": "{oops"})
    assert bad_geo.status == 400 and bad_geo.json["error"]["details"][0]["code"] == "malformed_json"
    empty = api.as_(admin).post(
        "/v1/admin/stations/import", {"format": "geojson", "content": {"type": "FeatureCollection", "features": []}}
    )
    assert empty.status == 400 and empty.json["error"]["details"][0]["code"] == "empty"
