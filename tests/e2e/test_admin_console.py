"""The admin console in Chromium (desktop, 1366x900) against the running local stack: stations,
scenarios, membership approvals, and a wage-arrears request filed in the worker mini-app and
resolved by staff in the console's queue. Screenshots of every step go to tests/e2e/artifacts/<test>/.
"""

from __future__ import annotations

import json
import re
import secrets

from playwright.sync_api import Page, expect

from tests.e2e.conftest import fresh_phone

ADMIN_PHONE = "13800000000"
STAFF_PHONE = "13800000002"  # staff of SH-LJZ-01, which handles Shanghai workers' requests
WORKER_PHONE = "13800000011"  # courier in Shanghai, employer emp-sh-01
SLOW = 20_000  # ms for steps that write (a request's submit takes seconds on moto)


def test_admin_creates_a_station_edits_hours_adds_an_exception_and_imports_a_csv(live_stack, desktop: Page, shot):
    page = desktop
    console_login(page, live_stack, ADMIN_PHONE)
    shot(page, "logged-in")

    code = f"E2E-{secrets.token_hex(3).upper()}"
    page.get_by_test_id("nav-stations").click()
    page.get_by_test_id("stations-new").click()
    form = page.get_by_test_id("station-form")
    form.get_by_test_id("station-code").fill(code)
    form.get_by_test_id("station-kind").select_option("workers_home")
    form.get_by_test_id("station-name_zh").fill("测试职工之家")
    form.get_by_test_id("station-name_en").fill("Test Workers' Home")
    form.get_by_test_id("station-address").fill("朝阳区测试路1号")
    form.get_by_test_id("station-city").select_option("beijing")
    form.get_by_test_id("station-district").fill("朝阳区")
    form.get_by_test_id("station-lat").fill("39.95")
    form.get_by_test_id("station-lng").fill("116.45")
    form.get_by_test_id("station-seats").fill("6")
    for day in ("mon", "tue", "wed", "thu", "fri"):
        form.get_by_test_id(f"hours-{day}").fill("09:00-12:00, 13:30-18:00")
    form.get_by_text("无线网络").click()
    shot(page, "new-station-form")
    form.get_by_test_id("station-save").click()
    expect(page).to_have_url(re.compile(r"#/stations/[^/]+$"), timeout=SLOW)
    expect(page.get_by_test_id("page-title")).to_contain_text(code)
    expect(page.get_by_test_id("hours-mon")).to_have_value("09:00-12:00, 13:30-18:00")

    page.get_by_test_id("hours-sat").fill("10:00-16:00")
    page.get_by_test_id("hours-sun").fill("10:00-09:00")  # backwards: the API names the field
    page.get_by_test_id("hours-save").click()
    expect(page.get_by_test_id("hours-form").get_by_test_id("field-error")).to_be_visible()
    shot(page, "hours-error-shown")
    page.get_by_test_id("hours-sun").fill("")
    page.get_by_test_id("hours-save").click()
    expect(page.get_by_test_id("toast").last).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("hours-sat")).to_have_value("10:00-16:00")

    page.get_by_test_id("exc-date").fill("2027-01-01")
    page.get_by_test_id("exc-closed").check()
    page.get_by_test_id("exc-add").click()
    expect(page.get_by_test_id("exc-row-2027-01-01")).to_be_visible()
    page.get_by_test_id("exc-date").fill("2027-01-02")
    page.get_by_test_id("exc-hours").fill("10:00-14:00")
    page.get_by_test_id("exc-add").click()
    expect(page.get_by_test_id("exc-row-2027-01-02")).to_contain_text("10:00-14:00")
    shot(page, "hours-and-exceptions")

    page.get_by_test_id("nav-stations").click()
    expect(page.get_by_test_id(f"station-row-{code}")).to_be_visible()
    page.get_by_test_id("stations-import-open").click()
    imported = [f"E2E-IMP-{secrets.token_hex(2).upper()}-{i}" for i in (1, 2)]
    header = "code,kind,name_zh,name_en,address,city,district,lat,lng,amenities,hours,seats"
    rows = [
        f"{imported[0]},rider_station,导入驿站一,Imported One,海淀区1号,beijing,海淀区,39.98,116.31,water;wifi,mon=08:00-20:00;tue=08:00-20:00,8",
        f"{imported[1]},rider_station,导入驿站二,Imported Two,海淀区2号,beijing,海淀区,139.98,116.32,water,mon=08:00-20:00,8",
    ]
    page.get_by_test_id("import-text").fill("\n".join([header, *rows]))
    page.get_by_test_id("import-submit").click()
    detail = page.get_by_test_id("import-errors").get_by_test_id("error-detail")
    expect(detail.first).to_have_attribute("data-field", "rows[3].lat")
    shot(page, "import-rejected-with-row-errors")
    page.get_by_test_id("import-text").fill("\n".join([header, rows[0], rows[1].replace(",139.98,", ",39.99,")]))
    page.get_by_test_id("import-submit").click()
    expect(page.get_by_test_id("import-result")).to_contain_text("2", timeout=SLOW)
    for imported_code in imported:
        expect(page.get_by_test_id(f"station-row-{imported_code}")).to_be_visible()
    shot(page, "imported")


def test_admin_adds_a_field_to_a_scenario_and_sees_it_in_the_preview(live_stack, desktop: Page, shot):
    page = desktop
    console_session(page, live_stack, ADMIN_PHONE)
    page.goto("/admin/#/scenarios")
    page.get_by_test_id("scenario-row-job_seeking_help").get_by_role("link").click()
    expect(page.get_by_test_id("scenario-preview")).to_be_visible()
    before = int(re.search(r"v(\d+)", page.get_by_test_id("scenario-version").inner_text()).group(1))
    cards = page.get_by_test_id("fields-list").locator("[data-testid^=field-card-]")
    n = cards.count()
    shot(page, "scenario-before")

    name = f"district_{secrets.token_hex(2)}"
    page.get_by_test_id("field-add").click()
    page.get_by_test_id(f"field-{n}-name").fill(name)
    page.get_by_test_id(f"field-{n}-type").select_option("choice")
    page.get_by_test_id(f"field-{n}-label_zh").fill("希望工作的区")
    page.get_by_test_id(f"field-{n}-label_en").fill("Preferred district")
    page.get_by_test_id(f"field-{n}-required").uncheck()
    page.get_by_test_id("scenario-save").click()  # a choice without options: refused, field named
    expect(page.get_by_test_id("scenario-form").get_by_test_id("error-detail").first).to_have_attribute(
        "data-field", f"fields.{n}.options"
    )
    shot(page, "scenario-error-names-the-field")
    page.get_by_test_id(f"field-{n}-options").fill("chaoyang | 朝阳区 | Chaoyang\nhaidian | 海淀区 | Haidian")
    page.get_by_test_id("scenario-save").click()

    expect(page.get_by_test_id("scenario-version")).to_contain_text(f"v{before + 1}", timeout=SLOW)
    preview = page.get_by_test_id("scenario-preview")  # drawn by the worker's own form renderer
    expect(preview.get_by_test_id(f"q-{name}")).to_contain_text("希望工作的区")
    expect(preview.get_by_test_id(f"field-{name}")).to_be_disabled()
    expect(preview.get_by_test_id(f"field-{name}").locator("option")).to_have_count(3)
    shot(page, "scenario-preview-with-new-field")


def test_admin_approves_a_membership_application(live_stack, desktop: Page, shot):
    worker = token_for(live_stack, fresh_phone())
    call(live_stack, "PATCH", "/v1/me", worker, {"name": "赵小红", "city": "beijing", "worker_group": "courier"})
    application = call(
        live_stack,
        "POST",
        "/v1/membership/applications",
        worker,
        {
            "union": {"kind": "regional_pool", "city": "beijing"},
            "consent": {"policy_version": "2026-01", "accepted": True},
        },
    )
    app_id = application["application_id"]

    page = desktop
    console_session(page, live_stack, ADMIN_PHONE)
    page.goto("/admin/#/membership")
    row = page.get_by_test_id(f"mb-row-{app_id}")
    expect(row).to_contain_text("赵*")
    shot(page, "pending-applications")
    row.get_by_test_id(f"mb-note-{app_id}").fill("材料齐全")
    row.get_by_test_id(f"mb-approve-{app_id}").click()
    expect(page.get_by_test_id("toast").last).to_contain_text("WH-", timeout=SLOW)
    expect(page.get_by_test_id(f"mb-row-{app_id}")).to_have_count(0)
    page.get_by_test_id("mb-tab-approved").click()
    expect(page.get_by_test_id(f"mb-row-{app_id}")).to_contain_text("WH-")
    shot(page, "approved")
    assert call(live_stack, "GET", "/v1/me/membership", worker)["status"] == "active"


def test_admin_tunes_churn_thresholds_on_the_model_card(live_stack, desktop: Page, shot):
    page = desktop
    console_session(page, live_stack, ADMIN_PHONE)
    page.goto("/admin/#/models")
    expect(page.get_by_test_id("page-title")).to_have_text("模型与阈值")
    page.get_by_test_id("lang-toggle").click()  # English: the console's texts and the API's
    expect(page.get_by_test_id("page-title")).to_have_text("Models & thresholds")
    card = page.get_by_test_id("model-churn")
    expect(card.get_by_test_id("chart-calibration-churn")).to_be_visible()
    medium, high = card.get_by_test_id("threshold-churn-medium"), card.get_by_test_id("threshold-churn-high")
    before = {"medium": medium.input_value(), "high": high.input_value()}
    estimate = card.get_by_test_id("threshold-estimate-churn")
    shown = estimate.inner_text()
    high.fill("0.3")
    expect(estimate).not_to_have_text(shown)  # the estimate follows the inputs
    medium.fill("0.4")
    card.get_by_test_id("threshold-save-churn").click()  # medium above high: refused, field marked
    expect(card.get_by_test_id("field-error")).to_have_text("must be less than high")
    expect(medium).to_have_attribute("aria-invalid", "true")
    shot(page, "thresholds-refused")
    medium.fill("0.15")
    card.get_by_test_id("threshold-save-churn").click()
    expect(page.get_by_test_id("toast").last).to_be_visible(timeout=SLOW)
    models = call(live_stack, "GET", "/v1/admin/models", token_for(live_stack, ADMIN_PHONE))
    churn = next(m for m in (models if isinstance(models, list) else models["items"]) if m["name"] == "churn")
    assert churn["thresholds"]["in_force"] == {"medium": 0.15, "high": 0.3}
    shot(page, "thresholds-saved")
    call(
        live_stack,
        "PUT",
        "/v1/admin/models/churn/thresholds",
        token_for(live_stack, ADMIN_PHONE),
        {"medium": float(before["medium"]), "high": float(before["high"])},
    )  # as the other tests expect


def test_worker_files_wage_arrears_in_the_mini_app_and_staff_resolve_it_in_the_queue(
    live_stack, desktop: Page, mobile: Page, login, shot
):
    worker = mobile
    login(worker, WORKER_PHONE)
    worker.goto("/app/#/services/wage_arrears_complaint")
    form = worker.get_by_test_id("service-form")
    expect(form).to_be_visible()
    employer = form.get_by_test_id("field-employer_id")
    expect(employer.locator("option[value=emp-sh-01]")).to_have_count(1)  # the worker's city comes preselected
    employer.select_option("emp-sh-01")
    form.get_by_test_id("field-work_start").fill("2025-03-01")
    form.get_by_test_id("field-amount_owed").fill("12600")
    form.get_by_test_id("field-months_owed").fill("3")
    form.get_by_test_id("field-workers_affected").fill("5")
    form.get_by_test_id("field-description").fill("站点从今年八月起拖欠三个月工资，多次催讨未果。")
    form.get_by_test_id("field-id_number").fill("11010519491231002X")
    form.get_by_test_id("field-contact_phone").fill(WORKER_PHONE)
    shot(worker, "worker-form")
    form.get_by_test_id("form-submit").click()
    expect(worker).to_have_url(re.compile(r"#/requests/"), timeout=SLOW)
    request_id = worker.url.rsplit("/", 1)[1]
    expect(worker.get_by_test_id("request")).to_have_attribute("data-status", "submitted")
    shot(worker, "worker-filed")

    staff = desktop
    console_login(staff, live_stack, STAFF_PHONE)
    expect(staff.get_by_test_id("nav-stations")).to_have_count(0)  # staff see the queue only
    row = staff.get_by_test_id(f"queue-row-{request_id}")
    expect(row).to_have_attribute("data-overdue", "false")
    shot(staff, "queue")
    row.get_by_role("link").click()
    detail = staff.get_by_test_id("request-detail")
    expect(detail.get_by_test_id("request-answers")).to_contain_text("12600")
    for to in ("accepted", "in_progress"):
        detail.get_by_test_id(f"move-{to}").click()
        expect(detail.get_by_test_id("status").first).to_have_attribute("data-status", to, timeout=SLOW)
    detail.get_by_test_id("comment-text").fill("已联系用人单位，约定本周五前结清。")
    detail.get_by_test_id("comment-send").click()
    expect(detail.get_by_test_id("request-comments")).to_contain_text("本周五", timeout=SLOW)
    detail.get_by_test_id("move-note").fill("用人单位已支付全部欠薪 12600 元。")
    detail.get_by_test_id("move-resolved").click()
    expect(detail.get_by_test_id("status").first).to_have_attribute("data-status", "resolved", timeout=SLOW)
    expect(staff.get_by_test_id(f"queue-row-{request_id}")).to_have_count(0)  # off the open queue
    shot(staff, "resolved")

    worker.reload()
    expect(worker.get_by_test_id("request")).to_have_attribute("data-status", "resolved")
    expect(worker.get_by_test_id("comments")).to_contain_text("本周五")
    shot(worker, "worker-sees-resolved")


# --- helpers -----------------------------------------------------------------------------------

_TOKENS: dict[str, str] = {}


def token_for(live_stack, phone: str) -> str:
    """An access token, logged in once per session (login codes are rate limited per phone)."""
    if phone not in _TOKENS:
        _TOKENS[phone] = live_stack.login(phone)
    return _TOKENS[phone]


def call(live_stack, method: str, path: str, token: str, body: dict | None = None) -> dict:
    reply = live_stack.request(method, path, body, token=token)
    assert reply.status < 300, (method, path, reply.status, reply.json)
    return reply.json


def console_session(page: Page, live_stack, phone: str) -> None:
    """Open the console already signed in: the token goes where the console keeps its session."""
    session = {"access_token": token_for(live_stack, phone)}
    page.add_init_script(
        f"localStorage.getItem('wh.admin.session') || "
        f"localStorage.setItem('wh.admin.session', {json.dumps(json.dumps(session))})"
    )


def console_login(page: Page, live_stack, phone: str) -> None:
    """Log in through the console's own form, reading the code from the dev SMS outbox."""
    page.goto("/admin/")
    page.get_by_test_id("login-phone").fill(phone)
    page.get_by_test_id("login-send").click()
    expect(page.get_by_test_id("dev-outbox")).to_be_visible()
    outbox = live_stack.get(f"/v1/dev/outbox?phone={phone}").json
    page.get_by_test_id("login-code").fill(re.search(r"\d{6}", outbox[0]["body"]).group())
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("nav")).to_be_visible()
