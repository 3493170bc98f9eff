"""The station editor after a seat cut (Chromium, desktop, against the running local stack): staff read
which slots now hold more bookings than seats, kindly and in their language; a new slot length under
booked slots is refused next to the field, naming the first booked day."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.e2e.conftest import fresh_phone
from tests.e2e.test_admin_console import SLOW, console_login

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_seat_cut_shows_the_slots_over_and_a_slot_length_change_is_refused(live_stack, desktop: Page, shot):
    phone = fresh_phone()
    granted = live_stack.cli("devstack.grant", "--phone", phone, "--role", "admin")
    assert granted.returncode == 0, granted.stdout + granted.stderr
    admin = live_stack.login(phone)
    station = live_stack.post(
        "/v1/admin/stations",
        {
            "code": f"SEAT-{secrets.token_hex(3).upper()}",
            "kind": "rider_station",
            "name_zh": "座位测试驿站",
            "name_en": "Seat Test Station",
            "address": "测试路2号",
            "city": "beijing",
            "district": "朝阳区",
            "lat": 39.95,
            "lng": 116.45,
            "hours": {d: ["08:00-20:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
            "seats": 3,
            "rules": {"min_notice_minutes": 0},
        },
        token=admin,
    )
    assert station.status == 201, station.json
    sid = station.json["station_id"]
    day = (datetime.now(SHANGHAI) + timedelta(days=1)).date()
    start = datetime.combine(day, datetime.min.time(), SHANGHAI).replace(hour=10).isoformat()
    for _ in range(3):
        booked = live_stack.post(
            "/v1/bookings", {"station_id": sid, "slot_start": start}, token=live_stack.login(fresh_phone())
        )
        assert booked.status == 201, booked.json

    page = desktop
    console_login(page, live_stack, phone)
    page.goto(f"/admin/#/stations/{sid}")
    form = page.get_by_test_id("station-form")
    form.get_by_test_id("station-seats").fill("1")
    form.get_by_test_id("station-save").click()
    notice = page.get_by_test_id("seats-over")
    expect(notice).to_be_visible(timeout=SLOW)
    expect(notice).to_contain_text("有 2 个预约超出新的座位数")
    expect(notice).to_contain_text("不会取消")
    expect(page.get_by_test_id("seats-over-slot")).to_contain_text("已约 3 人，多出 2 人")
    expect(page.get_by_test_id("seats-over-slot")).to_contain_text("10:00")
    shot(page, "seats-over")

    form = page.get_by_test_id("station-form")
    form.get_by_test_id("station-slot_minutes").fill("45")
    form.get_by_test_id("station-save").click()
    refused = form.locator("[data-testid=field-error][data-field=slot_minutes]")
    expect(refused).to_be_visible(timeout=SLOW)
    expect(refused).to_contain_text(day.isoformat())
    expect(form).not_to_contain_text("slot_minutes")  # the field is named by its label, never its code
    shot(page, "slot-length-refused")
