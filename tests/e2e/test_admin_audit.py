"""The audit log in the admin console (Chromium, desktop) against the running local stack: an admin
reveals a worker's name with a reason; an auditor, granted with `make auditor`'s script, logs in, lands
on the audit log (the only page offered), filters it, reads the reason and sees people by masked name.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import fresh_phone
from tests.e2e.test_admin_console import ADMIN_PHONE, WORKER_PHONE, console_login

REASON = "核实工伤维权案件当事人身份"


def test_an_auditor_filters_the_log_and_reads_why_a_name_was_revealed(live_stack, token_for, desktop: Page, shot):
    auditor = fresh_phone()
    granted = live_stack.cli("devstack.grant", "--phone", auditor, "--role", "auditor")
    assert granted.returncode == 0, granted.stderr
    admin = token_for(ADMIN_PHONE)
    (worker,) = live_stack.post("/v1/admin/members/search", {"phone": WORKER_PHONE}, token=admin).json
    revealed = live_stack.post(
        f"/v1/admin/members/{worker['member_id']}/reveal", {"field": "name", "reason": REASON}, token=admin
    )
    assert revealed.status == 200, revealed.json

    page = desktop
    console_login(page, live_stack, auditor)
    expect(page.get_by_test_id("page-title")).to_have_text("审计日志")
    nav = page.get_by_test_id("nav")
    expect(nav.locator("a")).to_have_count(1)  # an auditor is offered nothing but the log
    expect(page.get_by_test_id("audit-table")).to_be_visible()
    shot(page, "audit-log")

    page.get_by_test_id("audit-action").select_option("reveal:name")
    row = page.get_by_test_id("audit-row").filter(has_text=REASON).first
    expect(row).to_contain_text("查看完整姓名")
    expect(row).to_contain_text(worker["name"])  # the target by masked name
    expect(row).not_to_contain_text(worker["member_id"])  # never a raw id where a name exists
    shot(page, "filtered-by-action")

    row.get_by_test_id("audit-actor-link").click()
    expect(page.get_by_test_id("audit-clear-actor")).to_be_visible()
    expect(page.get_by_test_id("audit-row").first).to_be_visible()
    for each in page.get_by_test_id("audit-row").all():
        expect(each).to_contain_text("查看完整姓名")
    shot(page, "filtered-by-actor")

    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("page-title")).to_have_text("Audit log")
    expect(page.get_by_test_id("audit-row").filter(has_text=REASON).first).to_contain_text("Revealed name")
    shot(page, "in-english")
