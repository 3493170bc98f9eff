"""Membership rules: the application's due date, member numbers, the yearly lifecycle."""

from datetime import UTC, date, datetime

from chalicelib.domain.membership import application_due, member_number, next_change, next_year, status_on


def test_an_application_is_due_three_working_days_later():
    assert application_due(datetime(2026, 11, 27, 2, 0, tzinfo=UTC)) == date(2026, 12, 2)
    assert application_due(datetime(2026, 9, 30, 2, 0, tzinfo=UTC)) == date(2026, 10, 10)  # over Golden Week
    assert application_due(datetime(2026, 11, 27, 17, 0, tzinfo=UTC)) == date(2026, 12, 2)  # Saturday 01:00 local


def test_member_numbers_carry_the_year_and_six_digits():
    assert member_number(2026, 123) == "WH-2026-000123"


def test_active_then_grace_then_lapsed():
    due = date(2027, 11, 27)
    assert status_on(due, date(2027, 11, 26)) == "active"
    assert status_on(due, date(2027, 11, 27)) == "grace"
    assert status_on(due, date(2028, 2, 24)) == "grace"
    assert status_on(due, date(2028, 2, 25)) == "lapsed"  # 90 days of grace


def test_the_next_change_is_at_midnight_china_time():
    due = date(2027, 11, 27)
    assert next_change(due, "active") == datetime(2027, 11, 26, 16, 0, tzinfo=UTC)
    assert next_change(due, "grace") == datetime(2028, 2, 24, 16, 0, tzinfo=UTC)
    assert next_change(due, "lapsed") is None


def test_a_year_after_29_february_is_28_february():
    assert next_year(date(2028, 2, 29)) == date(2029, 2, 28)
