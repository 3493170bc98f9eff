"""Opening hours, dated exceptions and time zones -> the slots a station offers."""

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from chalicelib.domain.schedule import current_slot, day_bounds, day_slots, find_slot, is_open, local_iso
from chalicelib.domain.stations import StationCreate
from tests.unit.station_factory import a_station

FRIDAY = date(2026, 11, 27)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_several_ranges_a_day_give_slots_in_each_range_only():
    slots = day_slots(a_station(), FRIDAY)
    local = [local_iso(s.start, a_station().zone)[11:16] for s in slots]
    assert local[:3] == ["08:00", "08:30", "09:00"]
    assert "11:30" in local and "12:00" not in local and "12:30" not in local
    assert local[8] == "13:00" and local[-1] == "19:30"
    assert len(slots) == 8 + 14


def test_a_slot_must_fit_entirely_in_its_range():
    station = a_station(hours={"fri": ["08:00-09:45"]}, slot_minutes=30)
    assert [local_iso(s.end, station.zone)[11:16] for s in day_slots(station, FRIDAY)] == ["08:30", "09:00", "09:30"]


def test_a_weekday_without_hours_is_closed():
    station = a_station(hours={"mon": ["08:00-12:00"]})
    assert day_slots(station, FRIDAY) == []
    assert len(day_slots(station, date(2026, 11, 30))) == 8


def test_a_closed_exception_closes_the_day():
    station = a_station(exceptions={"2026-11-27": []})
    assert day_slots(station, FRIDAY) == []
    assert not is_open(station, utc(2026, 11, 27, 2, 0))


def test_special_hours_replace_the_weekly_hours():
    station = a_station(exceptions={"2026-11-27": ["18:00-19:00"]})
    slots = day_slots(station, FRIDAY)
    assert [s.start for s in slots] == [utc(2026, 11, 27, 10, 0), utc(2026, 11, 27, 10, 30)]


def test_slots_follow_the_station_time_zone():
    urumqi = a_station(time_zone="Asia/Urumqi", hours={"fri": ["10:00-11:00"]})
    slots = day_slots(urumqi, FRIDAY)
    assert slots[0].start == utc(2026, 11, 27, 4, 0)  # 10:00 at UTC+6
    assert local_iso(slots[0].start, urumqi.zone) == "2026-11-27T10:00:00+06:00"
    assert day_bounds(urumqi, FRIDAY) == (utc(2026, 11, 26, 18, 0), utc(2026, 11, 27, 18, 0))


def test_a_wall_time_the_clock_skips_has_no_slot():
    london = a_station(time_zone="Europe/London", hours={"sun": ["00:00-04:00"]}, slot_minutes=60)
    starts = [local_iso(s.start, london.zone) for s in day_slots(london, date(2026, 3, 29))]
    assert starts == ["2026-03-29T00:00:00+00:00", "2026-03-29T02:00:00+01:00", "2026-03-29T03:00:00+01:00"]


def test_24_00_closes_at_midnight():
    station = a_station(hours={"fri": ["23:00-24:00"]})
    assert [s.end for s in day_slots(station, FRIDAY)][-1] == utc(2026, 11, 27, 16, 0)


def test_open_now_and_the_running_slot():
    station = a_station()
    assert is_open(station, utc(2026, 11, 27, 2, 10))  # 10:10 in Shanghai
    assert current_slot(station, utc(2026, 11, 27, 2, 10)).start == utc(2026, 11, 27, 2, 0)
    assert not is_open(station, utc(2026, 11, 27, 4, 30))  # 12:30: lunch break
    assert current_slot(station, utc(2026, 11, 27, 4, 30)) is None
    assert not is_open(a_station(active=False), utc(2026, 11, 27, 2, 10))


def test_find_slot_accepts_only_slot_starts():
    station = a_station()
    assert find_slot(station, utc(2026, 11, 27, 6, 0)) is not None  # 14:00
    assert find_slot(station, utc(2026, 11, 27, 6, 10)) is None  # 14:10
    assert find_slot(station, utc(2026, 11, 27, 4, 0)) is None  # 12:00, closed


@pytest.mark.parametrize(
    "hours,code",
    [
        (["12:00-08:00"], "invalid_time_range"),
        (["8:00-12:00"], "invalid_time_range"),
        (["08:00-12:00", "11:00-13:00"], "overlapping_ranges"),
        (["08:00-25:00"], "invalid_time_range"),
    ],
)
def test_bad_hours_are_refused_with_a_named_field(hours, code):
    with pytest.raises(ValidationError) as exc:
        a_station(hours={"mon": hours})
    assert exc.value.errors()[0]["type"] == code
    assert exc.value.errors()[0]["loc"][:2] == ("hours", "mon")


def test_unknown_time_zone_and_bad_code_are_refused():
    with pytest.raises(ValidationError) as exc:
        a_station(time_zone="Mars/Olympus", code="a")
    assert {e["type"] for e in exc.value.errors()} == {"unknown_time_zone", "invalid_station_code"}


def test_codes_are_normalised_to_upper_case():
    assert a_station(code=" bj-cy-001 ").code == "BJ-CY-001"


def test_audience_is_everyone_members_or_worker_groups():
    base = a_station().model_dump(exclude={"station_id", "created_at", "updated_at"})
    assert StationCreate.model_validate({**base, "audience": ["delivery_rider", "courier"]}).audience == [
        "delivery_rider",
        "courier",
    ]
    with pytest.raises(ValidationError):
        StationCreate.model_validate({**base, "audience": ["astronaut"]})
    with pytest.raises(ValidationError):
        StationCreate.model_validate({**base, "audience": []})
