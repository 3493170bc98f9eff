"""The admin console finds a member by phone without the phone ever being in a URL: not in the API
request (a POST body: access logs keep URLs), not in the console's own address (browser history)."""

from __future__ import annotations

from playwright.sync_api import Page, Request, expect

from tests.e2e.conftest import ADMIN_PHONE, WORKER_PHONES
from tests.e2e.test_admin_console import console_login


def test_admin_finds_a_member_by_phone_sent_in_a_post_body(live_stack, desktop: Page, shot):
    page, phone = desktop, WORKER_PHONES[0]
    console_login(page, live_stack, ADMIN_PHONE)
    seen: list[Request] = []
    page.on("request", lambda request: seen.append(request))

    page.get_by_test_id("nav-members").click()
    page.get_by_test_id("member-phone").fill(phone)
    page.get_by_test_id("member-find").click()
    expect(page.get_by_test_id("member-profile")).to_be_visible()
    shot(page, "member-found")

    searches = [r for r in seen if r.url.endswith("/v1/admin/members/search")]
    assert [r.method for r in searches] == ["POST"] and phone in (searches[0].post_data or "")
    assert not [r.url for r in seen if phone in r.url]
    assert phone not in page.url
