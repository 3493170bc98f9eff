"""For you: recommendations with their reasons, my insights, and the privacy switch that turns
profiling off (and back on)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import WORKER_PHONES, log_in


def test_recommendations_insights_and_privacy_switch(page, shot):
    log_in(page, WORKER_PHONES[2])  # 13800000012, a ride-hailing driver in Shenzhen
    page.get_by_test_id("tab-me").click()
    recs = page.get_by_test_id("recommendations")
    expect(recs.get_by_test_id("rec-service").first).to_be_visible()
    expect(recs.locator(".why").first).to_contain_text("原因")
    expect(page.get_by_test_id("insights-summary")).to_be_visible()
    switch = page.get_by_test_id("privacy-switch")
    expect(switch).to_be_enabled()
    expect(switch).to_be_checked()
    shot("for-you")

    switch.click()
    expect(page.get_by_test_id("privacy-state")).to_have_text("已关闭个性化")
    expect(switch).not_to_be_checked()
    page.get_by_test_id("privacy-state").scroll_into_view_if_needed()
    shot("profiling-off")
    page.reload()
    expect(page.get_by_test_id("privacy-switch")).not_to_be_checked()
    page.get_by_test_id("privacy-switch").click()
    expect(page.get_by_test_id("privacy-state")).to_have_text("已开启个性化")
