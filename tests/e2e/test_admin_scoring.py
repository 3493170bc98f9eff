"""Scoring in the admin console (Chromium, 1366x900, against the running local stack): an admin starts a
churn scoring run, watches the progress bar until the run finishes, opens the risk dashboard (every chart
drawn by Chart.js with data), opens a high-risk member's reasons and records an outreach call.
"""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from tests.e2e.test_admin_console import ADMIN_PHONE, console_session, token_for

RUN_TIMEOUT_MS = 180_000
FINISHED = ("succeeded", "partially_failed", "failed")
CHARTS = ("chart-tiers", "chart-movement", "chart-reasons", "chart-groups", "chart-cities")


def test_admin_runs_churn_scoring_watches_it_finish_and_acts_on_a_high_risk_member(live_stack, desktop: Page, shot):
    page = desktop
    token = token_for(live_stack, ADMIN_PHONE)
    console_session(page, live_stack, ADMIN_PHONE)
    page.goto("/admin/#/scoring")
    page.get_by_test_id("run-model").select_option("churn")
    page.get_by_test_id("run-segments").fill("4")  # a few segments: the bar moves in steps
    page.get_by_test_id("run-start").click()
    expect(page).to_have_url(re.compile(r"#/scoring/run_"))
    progress = page.get_by_test_id("run-progress")
    expect(progress).to_be_visible()
    shot(page, "run-started")

    seen = watch_progress(page, shot)
    assert seen == sorted(seen) and seen[-1] == 100, f"the bar went {seen}"
    expect(progress).to_have_attribute("data-status", "succeeded")
    run_id = page.url.split("#/scoring/")[1].split("?")[0]
    run = live_stack.get(f"/v1/admin/scoring-runs/{run_id}", token=token).json
    assert run["status"] == "succeeded" and run["members_scored"] > 0, run
    expect(page.get_by_test_id(f"run-row-{run_id}")).to_have_attribute("data-status", "succeeded")
    shot(page, "run-finished")

    page.get_by_test_id("run-open-risk").click()
    expect(page.get_by_test_id("risk-as-of")).to_contain_text(run_id)
    for testid in CHARTS:
        canvas = page.get_by_test_id(testid)
        expect(canvas).to_be_visible()
        drawn = canvas.evaluate(
            "c => { const ch = Chart.getChart(c); return ch && ch.data.datasets.map("
            "d => d.data.reduce((a, b) => a + Number(b || 0), 0)); }"
        )
        assert drawn and sum(drawn) > 0, f"{testid}: Chart.js reports {drawn}"
    shot(page, "risk-dashboard", full_page=True)

    row = page.get_by_test_id("risk-table").locator("tbody tr[data-member]").first
    expect(row).to_be_visible()
    member_id = row.get_attribute("data-member")
    expect(row.locator(".tier")).to_have_attribute("data-tier", "high")
    page.get_by_test_id(f"risk-open-{member_id}").click()
    reasons = page.get_by_test_id(f"risk-reasons-{member_id}").get_by_test_id("reason")
    expect(reasons.first).to_be_visible()
    assert reasons.count() >= 1
    page.get_by_test_id(f"outreach-note-{member_id}").fill("电话回访，了解近况，邀请参加驿站活动")
    page.get_by_test_id(f"outreach-call-{member_id}").click()
    expect(page.get_by_test_id(f"outreach-{member_id}")).to_have_attribute("data-recorded", "call")
    shot(page, "high-risk-reasons-and-outreach")

    recorded = live_stack.get(f"/v1/admin/members/{member_id}/outreach", token=token).json
    items = recorded if isinstance(recorded, list) else recorded["items"]
    assert [o["action"] for o in items] == ["call"], recorded

    page.goto(f"/admin/#/members/{member_id}")
    expect(page.get_by_test_id("member-reasons").get_by_test_id("reason").first).to_be_visible()
    expect(page.get_by_test_id("outreach-table")).to_contain_text("电话回访")
    shot(page, "member-page")


def watch_progress(page: Page, shot) -> list[int]:
    """The values the progress bar showed until the run finished (a screenshot at the first partial one)."""
    bar = page.get_by_test_id("run-progress")
    seen: list[int] = []
    deadline = time.monotonic() + RUN_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        value, status = int(bar.get_attribute("aria-valuenow")), bar.get_attribute("data-status")
        if not seen or value != seen[-1]:
            seen.append(value)
            if 0 < value < 100:
                shot(page, "run-in-progress")
        if status in FINISHED:
            return seen
        page.wait_for_timeout(250)
    raise AssertionError(f"the run did not finish in {RUN_TIMEOUT_MS / 1000:.0f} s; the bar went {seen}")
