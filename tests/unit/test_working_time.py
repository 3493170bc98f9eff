"""Working days and working hours in China: weekends, public holidays, make-up workdays (调休)."""

from datetime import UTC, date, datetime

import pytest

from chalicelib.domain.working_time import add_working_days, add_working_hours, is_working_day


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 27), True),  # a Friday
        (date(2026, 11, 28), False),  # a Saturday
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 7), False),  # Golden Week, moved from 10 October
        (date(2026, 9, 20), True),  # a Sunday that is a make-up workday
        (date(2026, 10, 10), True),  # a Saturday that is a make-up workday
        (date(2026, 2, 17), False),  # Spring Festival
        (date(2027, 1, 1), False),  # next year is known too (chinesecalendar stops at 2026)
    ],
)
def test_working_days_know_holidays_and_make_up_days(day, working):
    assert is_working_day(day) is working


def test_three_working_days_after_a_friday_is_wednesday():
    assert add_working_days(date(2026, 11, 27), 3) == date(2026, 12, 2)


def test_working_days_skip_golden_week_and_count_the_make_up_saturday():
    # 30 Sep (Wed) + 3: 1-7 Oct are off, 8 Oct (Thu), 9 Oct (Fri), 10 Oct (make-up Saturday)
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)


def test_working_hours_run_around_the_clock_on_working_days_only():
    friday_10 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    assert add_working_hours(friday_10, 8) == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    assert add_working_hours(friday_10, 24) == datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # over the weekend
    assert add_working_hours(friday_10, 14) == datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # Friday 24:00 in Shanghai
    assert add_working_hours(friday_10, 15) == datetime(2026, 11, 29, 17, 0, tzinfo=UTC)  # Monday 01:00 in Shanghai


def test_a_request_filed_on_a_holiday_starts_its_clock_on_the_next_working_day():
    national_day_noon = datetime(2026, 10, 2, 4, 0, tzinfo=UTC)
    # next working day: 8 Oct 00:00 Shanghai = 7 Oct 16:00 UTC; 8 hours later
    assert add_working_hours(national_day_noon, 8) == datetime(2026, 10, 8, 0, 0, tzinfo=UTC)
