"""Services from JSON Schema forms (the API's field errors shown inline, an attachment uploaded to S3 by
presigned POST, the request's timeline and messages), and joining the union up to the member card."""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import STAFF_BJ_PHONE, decode_qr, fresh_phone, log_in, session_token


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 16, 46)).save(out, format="PNG")
    return out.getvalue()


def test_service_form_shows_api_field_errors_then_submits(page, shot):
    log_in(page, fresh_phone())
    page.get_by_test_id("tab-services").click()
    page.locator("[data-testid=scenario-item][data-key=labour_law_consultation]").click()
    form = page.get_by_test_id("service-form")
    form.get_by_test_id("field-topic").select_option("wages")
    form.get_by_test_id("field-question").fill("老板两个月没发工资，我该怎么办？需要准备什么材料？")
    form.get_by_test_id("field-contact_by").select_option("phone")
    form.get_by_test_id("field-contact_phone").fill("12345")
    form.get_by_test_id("form-submit").click()

    # The API's details, under the field and in the summary with the field's label.
    field_error = page.locator("[data-testid=field-error][data-field=contact_phone]")
    expect(field_error).to_contain_text("手机号")
    expect(form.get_by_test_id("field-contact_phone")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("error-detail").first).to_contain_text("联系电话")
    shot("field-error-from-api")

    form.get_by_test_id("field-contact_phone").fill("13912345678")
    form.get_by_test_id("form-submit").click()
    request = page.get_by_test_id("request")
    expect(request).to_have_attribute("data-status", "submitted")
    expect(page.get_by_test_id("request-timeline").locator("li")).to_have_count(1)
    page.get_by_test_id("comment-text").fill("下午两点以后方便接电话")
    page.get_by_test_id("comment-send").click()
    expect(page.get_by_test_id("comments")).to_contain_text("下午两点以后方便接电话")
    page.get_by_test_id("request-timeline").scroll_into_view_if_needed()
    shot("request-with-timeline-and-comment")


def test_service_with_evidence_file_uploads_it(page, shot):
    log_in(page, fresh_phone())
    page.goto("/app/#/services/skill_level_certification")
    form = page.get_by_test_id("service-form")
    form.get_by_test_id("field-occupation").select_option("courier")
    form.get_by_test_id("field-level").select_option("4")
    form.get_by_test_id("field-years_in_occupation").fill("6")
    form.get_by_test_id("field-id_number").fill("11010519491231002x")
    form.get_by_test_id("upload-evidence").set_input_files(
        {"name": "certificate.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    form.get_by_test_id("upload-evidence").scroll_into_view_if_needed()
    shot("form-with-file")
    form.get_by_test_id("form-submit").click()
    expect(page.get_by_test_id("request")).to_have_attribute("data-status", "submitted")
    attachment = page.get_by_test_id("attachment")
    expect(attachment).to_contain_text("certificate.png")
    expect(attachment.locator("a")).to_have_attribute("href", re.compile(r"^http://127\.0\.0\.1:\d+/"))
    attachment.scroll_into_view_if_needed()
    shot("request-with-attachment")


def test_membership_apply_approve_and_member_card(page, shot, live_stack, fresh_admin, token_for):
    log_in(page, fresh_phone())
    page.get_by_test_id("tab-membership").click()
    page.get_by_test_id("union-pool").check()
    page.get_by_test_id("union-city").select_option("beijing")
    page.get_by_test_id("membership-apply").click()  # without ticking the consent
    expect(page.get_by_test_id("error-detail")).to_contain_text("入会须知")
    shot("consent-required")

    page.get_by_test_id("union-consent").check()
    page.get_by_test_id("membership-apply").click()
    expect(page.get_by_test_id("membership-pending")).to_be_visible()
    shot("application-pending")

    # An admin approves it (through the API, as the admin console does).
    worker = session_token(page)
    pending = live_stack.get("/v1/me/membership", token=worker).json["open_application"]
    approved = live_stack.post(
        f"/v1/admin/membership/applications/{pending['application_id']}/approve", {}, token=fresh_admin
    )
    assert approved.status == 200, approved.json

    page.reload()
    card = page.get_by_test_id("member-card")
    expect(card).to_have_attribute("data-status", "active")
    number = page.get_by_test_id("member-number").inner_text()
    assert re.fullmatch(r"WH-\d{4}-\d{6}", number), number
    qr = page.get_by_test_id("member-card-qr")
    expect(qr).to_have_attribute("src", re.compile(r"^data:image/svg\+xml"))
    token = decode_qr(qr)
    shot("member-card")

    # What the QR holds is a card the station staff can verify.
    staff = token_for(STAFF_BJ_PHONE)
    verified = live_stack.post("/v1/staff/member-cards/verify", {"token": token}, token=staff)
    assert verified.status == 200 and verified.json["valid"] and verified.json["member_number"] == number, verified.json
