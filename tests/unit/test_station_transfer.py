"""Stations to and from CSV and GeoJSON."""

from chalicelib.domain.station_transfer import parse_csv, parse_geojson, to_csv, to_geojson
from tests.unit.station_factory import a_station

FIELDS = {"station_id", "created_at", "updated_at"}


def two_stations():
    return [
        a_station(
            code="SH-001",
            amenities=["water", "wifi"],
            exceptions={"2026-12-25": [], "2026-12-31": ["10:00-14:00"]},
            audience=["delivery_rider", "courier"],
            rules={"max_active_bookings": 2, "min_notice_minutes": 0},
        ),
        a_station(
            station_id="st2",
            code="BJ-001",
            city="beijing",
            lat=39.9,
            lng=116.4,
            audience="members",
            time_zone="Asia/Urumqi",
            active=False,
            hours={"sat": ["09:00-17:00"]},
        ),
    ]


def test_csv_round_trip_keeps_every_field():
    stations = two_stations()
    parsed, issues = parse_csv(to_csv(stations))
    assert issues == []
    assert [p.model_dump() for p in parsed] == [s.model_dump(exclude=FIELDS) for s in stations]


def test_geojson_round_trip_keeps_every_field():
    stations = two_stations()
    doc = to_geojson(stations)
    assert doc["features"][0]["geometry"] == {"type": "Point", "coordinates": [121.47, 31.23]}
    parsed, issues = parse_geojson(doc)
    assert issues == []
    assert [p.model_dump() for p in parsed] == [s.model_dump(exclude=FIELDS) for s in stations]


def test_csv_problems_name_the_line_and_field_of_every_bad_row():
    text = to_csv(two_stations())
    lines = text.splitlines()
    lines[1] = lines[1].replace("31.23", "north").replace("08:00-12:00", "8-12", 1)
    lines.append(lines[2])  # a repeated code
    parsed, issues = parse_csv("\n".join(lines) + "\n")
    fields = {i.field: i.code for i in issues}
    assert fields["rows[2].lat"] == "float_parsing"
    assert fields["rows[2].hours.mon"] == "invalid_time_range"
    assert fields["rows[4].code"] == "duplicate_code"
    assert all(i.zh and i.en for i in issues)


def test_missing_columns_are_reported_once():
    _, issues = parse_csv("code,kind\nX,rider_station\n")
    assert [i.code for i in issues] == ["missing_columns"]
    assert "lat" in issues[0].en


def test_geojson_features_without_a_point_are_named():
    doc = to_geojson(two_stations())
    doc["features"][1]["geometry"] = {"type": "Polygon", "coordinates": []}
    doc["features"][0]["properties"]["seats"] = 0
    _, issues = parse_geojson(doc)
    assert {i.field for i in issues} == {"features[1].geometry", "features[0].properties.seats"}
    assert parse_geojson({"type": "Feature"})[1][0].code == "not_a_feature_collection"
