"""Staff see only their stations' requests, in Chromium against the running local stack: a Shanghai
worker's request goes to Shanghai's first station; Beijing staff do not see it in their queue (nor by
its address); an admin hands it to BJ-WJ-01 from the console; then Beijing staff see it, named by
its station, and the worker's request page names the station that handles it and the hand-over.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.api.services_world import job_help
from tests.e2e.conftest import STAFF_BJ_PHONE, STAFF_BJ_STATION, fresh_phone
from tests.e2e.test_admin_console import console_session, token_for

ADMIN_PHONE = "13800000000"
SLOW = 20_000  # ms for steps that write


def test_staff_of_another_station_see_a_request_only_once_it_is_handed_to_them(
    live_stack, desktop: Page, new_context, page_errors, login, shot
):
    worker_phone = fresh_phone()
    worker = token_for(live_stack, worker_phone)
    assert live_stack.request("PATCH", "/v1/me", {"city": "shanghai"}, token=worker).status == 200
    filed = live_stack.post("/v1/requests", job_help(), token=worker, timeout=30)
    assert filed.status == 201, filed.json
    request_id, first_station = filed.json["request_id"], filed.json["station"]
    assert first_station is not None
    stations = live_stack.get("/v1/admin/stations/export?format=geojson", token=token_for(live_stack, ADMIN_PHONE))
    bj = next(f for f in stations.json["features"] if f["properties"]["code"] == STAFF_BJ_STATION)

    staff = desktop
    console_session(staff, live_stack, STAFF_BJ_PHONE)
    staff.goto("/admin/#/queue")
    expect(staff.get_by_test_id("queue-table")).to_be_visible()
    expect(staff.get_by_test_id(f"queue-row-{request_id}")).to_have_count(0)
    staff.goto(f"/admin/#/queue/{request_id}")
    expect(staff.get_by_test_id("request-detail")).to_contain_text("找不到该服务申请")  # as if it did not exist
    shot(staff, "beijing-staff-do-not-see-it")

    admin = page_errors.watch(new_context(mobile=False).new_page())
    console_session(admin, live_stack, ADMIN_PHONE)
    admin.goto(f"/admin/#/queue/{request_id}")
    detail = admin.get_by_test_id("request-detail")
    expect(detail.get_by_test_id("request-station")).to_contain_text(first_station["name_zh"])
    detail.get_by_test_id("reassign-station").select_option(bj["id"])
    detail.get_by_test_id("reassign-reason").fill("工友已回北京工作")
    shot(admin, "admin-hands-it-over")
    detail.get_by_test_id("reassign-send").click()
    expect(detail.get_by_test_id("request-station")).to_contain_text(bj["properties"]["name_zh"], timeout=SLOW)
    expect(detail.get_by_test_id("history-moved")).to_contain_text(first_station["name_zh"])
    shot(admin, "handed-over")

    staff.goto("/admin/#/queue")
    row = staff.get_by_test_id(f"queue-row-{request_id}")
    expect(row.get_by_test_id("queue-station")).to_have_text(bj["properties"]["name_zh"])
    row.get_by_role("link").click()
    expect(staff.get_by_test_id("request-detail").get_by_test_id("move-accepted")).to_be_visible()
    expect(staff.get_by_test_id("reassign-form")).to_have_count(0)  # handing over from the console: admins
    shot(staff, "beijing-staff-see-it")

    phone = page_errors.watch(new_context(mobile=True).new_page())
    login(phone, worker_phone)
    phone.goto(f"/app/#/requests/{request_id}")
    expect(phone.get_by_test_id("request-station")).to_contain_text(bj["properties"]["name_zh"])
    expect(phone.get_by_test_id("timeline-moved")).to_contain_text(first_station["name_zh"])
    shot(phone, "worker-sees-the-station")
