"""A phone on a bad connection: slow answers show loading states, and a booking whose answer is lost on
the way back is retried automatically with the SAME Idempotency-Key, so exactly one booking exists."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.e2e.conftest import fresh_phone, log_in, session_token

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_lost_booking_answer_is_retried_with_the_same_key(page, shot, live_stack, checkin_ready_station):
    log_in(page, fresh_phone())

    # Slow station search: the list shows a loading state meanwhile.
    def slow(route, request):
        time.sleep(1.2)
        route.continue_()

    page.get_by_test_id("tab-bookings").click()
    page.route(re.compile(r"/v1/stations\?"), slow)
    page.get_by_test_id("tab-home").click()
    expect(page.get_by_test_id("station-list").get_by_test_id("loading")).to_be_visible()
    shot("slow-search-loading")
    page.unroute(re.compile(r"/v1/stations\?"))
    page.get_by_test_id("station-item").first.click()

    # The first POST /v1/bookings reaches the API, which books; its answer never reaches the phone.
    keys: list[str | None] = []

    def lose_first_answer(route, request):
        if request.method != "POST":
            return route.continue_()
        keys.append(request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # the server does the work...
            route.abort("connectionreset")  # ...and the connection drops before the answer
        else:
            route.continue_()

    page.route("**/v1/bookings", lose_first_answer)
    slot = page.get_by_test_id("slot").and_(page.locator("[data-bookable=true]")).first
    slot_start = slot.get_attribute("data-start")
    slot.get_by_test_id("slot-book").click()
    expect(page.get_by_test_id("booking")).to_have_attribute("data-status", "confirmed")
    shot("booked-after-retry")

    assert len(keys) == 2, keys
    assert keys[0] == keys[1] and UUID.match(keys[0] or ""), keys
    mine = live_stack.get("/v1/me/bookings?status=upcoming", token=session_token(page))
    assert mine.status == 200, mine.json
    assert [b["slot_start"] for b in mine.json] == [slot_start], mine.json


def test_an_unreachable_api_says_so_and_retry_recovers(page, shot):
    log_in(page, fresh_phone())
    page.route(re.compile(r"/v1/me/bookings"), lambda route, request: route.abort("internetdisconnected"))
    page.get_by_test_id("tab-bookings").click()
    error = page.get_by_test_id("error")
    expect(error).to_have_attribute("data-code", "network_error", timeout=20_000)  # after its own retries
    expect(page.get_by_test_id("error-message")).to_contain_text("网络")
    shot("network-error")
    page.unroute(re.compile(r"/v1/me/bookings"))
    page.get_by_test_id("retry").click()
    expect(page.get_by_test_id("bookings").locator(".empty")).to_be_visible()
