"""A rider on a phone: logs in, finds the nearest station, books a seat, shows the pass; station staff
check the pass in on their phone, and the rider's booking shows checked in."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import STAFF_BJ_PHONE, STAFF_BJ_STATION, WORKER_PHONES, decode_qr, log_in

RIDER = WORKER_PHONES[0]  # 13800000010, a delivery rider in Beijing


def book_first_free_slot(page: Any) -> None:
    slot = page.get_by_test_id("slot").and_(page.locator("[data-bookable=true]")).first
    slot.wait_for()
    slot.get_by_test_id("slot-book").click()
    page.get_by_test_id("booking").wait_for()


def test_rider_books_shows_pass_and_staff_checks_in(page, open_page, shot, live_stack, checkin_ready_station):
    log_in(page, RIDER, shot=shot)

    # Home: geolocation (granted, next to BJ-WJ-01) -> nearest station first.
    first = page.get_by_test_id("station-item").first
    expect(first).to_have_attribute("data-code", STAFF_BJ_STATION)
    expect(page.get_by_test_id("home-status")).to_contain_text("您的位置")
    expect(first.get_by_test_id("station-distance")).to_contain_text("米")
    shot("nearby-stations")

    first.click()
    expect(page.get_by_test_id("station-name")).to_have_text(checkin_ready_station["name_zh"])
    page.get_by_test_id("slot").first.wait_for()
    shot("station-day-slots")

    book_first_free_slot(page)
    booking = page.get_by_test_id("booking")
    expect(booking).to_have_attribute("data-status", "confirmed")
    shot("booked")

    page.get_by_test_id("show-pass").click()
    qr = page.get_by_test_id("pass-qr")
    expect(qr).to_have_attribute("src", re.compile(r"^data:image/svg\+xml"))  # the API's QR, as an SVG data URL
    token = page.get_by_test_id("pass-token").input_value()
    assert token.count(".") == 2, token  # a signed token, shown as text too
    qr.scroll_into_view_if_needed()
    assert decode_qr(qr) == token  # the QR image really encodes that token
    shot("pass-qr")

    # Staff of BJ-WJ-01 on their own phone: paste the pass code, check in, see the roster.
    staff = open_page()
    log_in(staff, STAFF_BJ_PHONE)
    staff.get_by_test_id("tab-staff").click()
    expect(staff.get_by_test_id("staff-station")).to_contain_text(STAFF_BJ_STATION)
    staff.get_by_test_id("staff-token").fill(token)
    shot("staff-pastes-pass", staff)
    staff.get_by_test_id("staff-checkin").click()
    expect(staff.get_by_test_id("checkin-ok")).to_be_visible()
    expect(staff.get_by_test_id("roster-row").and_(staff.locator("[data-status=checked_in]")).first).to_be_visible()
    shot("staff-checked-in-roster", staff)

    # Back on the rider's phone: the booking now shows checked in.
    page.get_by_test_id("booking-refresh").click()
    expect(booking).to_have_attribute("data-status", "checked_in")
    expect(page.get_by_test_id("booking-checked-in")).to_be_visible()
    shot("rider-sees-checked-in")
