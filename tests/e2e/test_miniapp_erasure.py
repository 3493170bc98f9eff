"""Erasing one's account in the mini-app: a confirmation that says plainly what will happen, then the
receipt in the worker's language (what was erased, what was kept and why), and the worker is signed out."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.api.services_world import job_help
from tests.e2e.conftest import fresh_phone, log_in


def test_a_worker_erases_their_account_and_reads_the_receipt(page, shot, live_stack):
    phone = fresh_phone()
    log_in(page, phone)
    filed = live_stack.request("POST", "/v1/requests", job_help(), token=live_stack.login(phone))
    assert filed.status == 201, filed.json

    page.goto("/app/#/me")
    page.get_by_test_id("erase-start").click()
    ask = page.get_by_test_id("erase-ask")
    expect(ask).to_be_visible()
    for plain in ("预约会全部取消", "留言和上传的文件都会删除", "维权申请会保留到结案", "无法恢复"):
        expect(ask).to_contain_text(plain)
    shot("erase-confirmation", page)
    page.get_by_test_id("erase-cancel").click()
    expect(ask).to_be_hidden()  # changing one's mind costs nothing

    page.get_by_test_id("erase-start").click()
    page.get_by_test_id("erase-confirm").click()
    receipt = page.get_by_test_id("erase-receipt")
    expect(receipt).to_contain_text("您的账号和个人信息已删除")
    expect(receipt.locator("[data-kind=requests]")).to_contain_text("服务申请中填写的内容")
    expect(receipt.locator("[data-kind=erasure_record]")).to_contain_text("没有个人信息")
    expect(receipt).not_to_contain_text("requests")  # no codes or field names for a worker to read
    expect(receipt).to_contain_text("您已退出登录")
    shot("erase-receipt", page)

    page.get_by_test_id("erase-done").click()
    expect(page.get_by_test_id("login-phone")).to_be_visible()
    page.goto("/app/#/me")
    expect(page.get_by_test_id("login-phone")).to_be_visible()  # signed out for good
