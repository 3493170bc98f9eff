"""The booking rules as pure functions of a station, a worker's standing and `now`."""

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain import booking_errors as err
from chalicelib.domain import booking_rules as rules
from chalicelib.domain.activity import week_counter
from chalicelib.domain.schedule import SlotTime
from tests.unit.station_factory import a_station

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 10:00 in Shanghai


def at(hhmm: str, day: int = 27) -> datetime:
    """A Shanghai wall time on a November day, as UTC."""
    h, m = map(int, hhmm.split(":"))
    return datetime(2026, 11, day, h, m, tzinfo=UTC) - timedelta(hours=8)


def slot(hhmm: str, day: int = 27, minutes: int = 30) -> SlotTime:
    return SlotTime(at(hhmm, day), at(hhmm, day) + timedelta(minutes=minutes))


# --- when a slot may be booked -------------------------------------------------------------


def test_a_slot_inside_hours_with_enough_notice_is_bookable():
    assert rules.bookable_slot(a_station(), at("14:00"), NOW) == slot("14:00")


@pytest.mark.parametrize(
    "start,error",
    [
        (at("12:30"), err.NotASlot),  # lunch break between the two ranges
        (at("14:10"), err.NotASlot),  # not a slot boundary
        (at("09:00"), err.SlotInPast),
        (at("10:00"), err.SlotInPast),  # already started
        (at("10:29"), err.NotASlot),
        (at("20:00", day=26), err.NotASlot),
    ],
)
def test_slots_outside_hours_or_in_the_past_are_refused(start, error):
    with pytest.raises(error):
        rules.bookable_slot(a_station(), start, NOW)


def test_minimum_notice_is_per_station():
    station = a_station(rules={"min_notice_minutes": 60})
    with pytest.raises(err.NoticeTooShort) as exc:
        rules.bookable_slot(station, at("10:30"), NOW)
    assert "60" in exc.value.en and exc.value.details[0].field == "slot_start"
    assert rules.bookable_slot(station, at("11:00"), NOW).start == at("11:00")


def test_at_most_d_days_ahead():
    station = a_station(rules={"max_days_ahead": 2})
    assert rules.bookable_slot(station, at("09:30", day=29), NOW)
    with pytest.raises(err.TooFarAhead) as exc:
        rules.bookable_slot(station, at("10:30", day=29), NOW)
    assert "2 days" in exc.value.en and "2 天" in exc.value.zh


# --- who may book ---------------------------------------------------------------------------


def test_members_only_station_refuses_non_members():
    station = a_station(audience="members")
    with pytest.raises(err.MembersOnly):
        rules.check_audience(station, is_member=False, worker_group="delivery_rider")
    rules.check_audience(station, is_member=True, worker_group=None)


def test_worker_group_station_admits_only_its_groups():
    station = a_station(audience=["delivery_rider", "courier"])
    rules.check_audience(station, is_member=False, worker_group="courier")
    with pytest.raises(err.NotInAudience):
        rules.check_audience(station, is_member=True, worker_group="truck_driver")
    with pytest.raises(err.NotInAudience):
        rules.check_audience(station, is_member=False, worker_group=None)


def test_inactive_station_takes_no_bookings():
    with pytest.raises(err.StationInactive):
        rules.check_audience(a_station(active=False), is_member=True, worker_group=None)


# --- the worker's standing ------------------------------------------------------------------


def standing_with(*slots: SlotTime, **kw) -> rules.Standing:
    return rules.Standing(upcoming={rules.booking_id(s.start): s.end for s in slots}, **kw)


def test_at_most_k_upcoming_bookings():
    three = standing_with(slot("11:00"), slot("13:00"), slot("15:00"))
    with pytest.raises(err.TooManyBookings) as exc:
        rules.check_standing(three, slot("17:00"), NOW, max_active=3)
    assert "3" in exc.value.en
    rules.check_standing(three, slot("17:00"), NOW, max_active=4)


def test_bookings_that_started_or_ended_do_not_count_towards_k():
    standing = standing_with(slot("09:00"), slot("10:00"), slot("15:00"))
    rules.check_standing(standing, slot("17:00"), NOW, max_active=2)


def test_one_booking_per_slot_time_even_at_another_station():
    standing = standing_with(slot("14:00", minutes=60))
    with pytest.raises(err.AlreadyBooked):
        rules.check_standing(standing, slot("14:30"), NOW, max_active=3)
    with pytest.raises(err.AlreadyBooked):
        rules.check_standing(standing, slot("14:00"), NOW, max_active=3)
    rules.check_standing(standing, slot("15:00"), NOW, max_active=3)


def test_a_suspended_worker_is_told_when_it_ends():
    until = NOW + timedelta(days=3)
    with pytest.raises(err.Suspended) as exc:
        rules.check_standing(rules.Standing(suspended_until=until), slot("14:00"), NOW, max_active=3)
    assert exc.value.status == 422
    assert "2026-11-30 10:00" in exc.value.zh and "2026-11-30 10:00" in exc.value.en
    rules.check_standing(rules.Standing(suspended_until=NOW), slot("14:00"), NOW, max_active=3)


def test_third_no_show_in_30_days_suspends_for_7_days():
    earlier = (NOW - timedelta(days=20), NOW - timedelta(days=2))
    recent, until = rules.after_no_show(rules.Standing(no_shows=earlier), NOW - timedelta(hours=1), NOW)
    assert len(recent) == 3 and until == NOW + timedelta(days=7)


def test_no_shows_older_than_30_days_are_forgotten():
    old = (NOW - timedelta(days=40), NOW - timedelta(days=31))
    recent, until = rules.after_no_show(rules.Standing(no_shows=old), NOW - timedelta(hours=1), NOW)
    assert recent == [NOW - timedelta(hours=1)] and until is None


# --- cancelling, checking in, waitlist holds ------------------------------------------------


def test_cancel_until_the_window_before_the_start():
    station = a_station(rules={"cancel_window_minutes": 120})
    deadline = rules.cancel_deadline(station, slot("14:00"))
    assert deadline == at("12:00")
    rules.check_cancel(deadline, at("12:00"), station.zone)
    with pytest.raises(err.CancelTooLate) as exc:
        rules.check_cancel(deadline, at("12:01"), station.zone)
    assert "2026-11-27T12:00:00+08:00" in exc.value.en


@pytest.mark.parametrize(
    "now,ok", [(at("13:44"), False), (at("13:45"), True), (at("14:29"), True), (at("14:30"), False)]
)
def test_check_in_from_15_minutes_before_to_the_end(now, ok):
    if ok:
        rules.check_checkin_window(slot("14:00"), now, a_station().zone)
    else:
        with pytest.raises(err.CheckinClosed):
            rules.check_checkin_window(slot("14:00"), now, a_station().zone)


def test_a_hold_lasts_15_minutes_but_never_past_the_start():
    assert rules.hold_until(slot("14:00"), NOW) == NOW + timedelta(minutes=15)
    assert rules.hold_until(slot("10:30"), at("10:20")) == at("10:30")


def test_seats_freed_while_people_wait_are_not_for_everyone():
    assert rules.seats_left(None, 5) == 5
    assert rules.SlotCounts(capacity=3, taken=1).left_of(3) == 2
    waiting = rules.SlotCounts(capacity=3, taken=2, waiting=1)
    assert waiting.left_of(3) == 0 and waiting.free_of(3) == 1


def test_free_seats_count_against_the_seats_the_station_has_now():
    cut = rules.SlotCounts(capacity=5, taken=4)  # made with 5 seats, the station now has 3
    assert cut.left_of(3) == 0 and cut.free_of(3) == 0
    assert rules.seats_left(cut, 3) == 0 and rules.seats_left(cut, 6) == 2


def test_booking_ids_are_the_slot_start():
    assert rules.booking_id(at("14:00")) == "20261127T0600Z"
    assert rules.slot_start_of("20261127T0600Z") == at("14:00")
    assert rules.slot_start_of("../etc") is None


def test_activity_counters_are_per_iso_week_in_china_time():
    assert week_counter("bookings", NOW) == "w2026_48_bookings"
    assert week_counter("bookings", datetime(2026, 11, 29, 16, 30, tzinfo=UTC)) == "w2026_49_bookings"
    with pytest.raises(ValueError):
        week_counter("Bad Name", NOW)
