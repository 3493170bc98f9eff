"""Finding a station without location access (city picker), filtering, and the language switch (the
app's texts, the API's data and the API's error messages all follow it)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import fresh_phone, log_in

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_city_picker_when_location_is_denied(open_page, shot):
    page = open_page()  # no geolocation permission: the browser refuses
    log_in(page, fresh_phone())
    picker = page.get_by_test_id("city-picker")
    expect(page.get_by_test_id("geo-denied")).to_be_visible()
    shot("location-denied-city-picker", page)

    picker.select_option("shanghai")
    first = page.get_by_test_id("station-item").first
    expect(first).to_have_attribute("data-code", re.compile(r"^SH-"))
    expect(page.get_by_test_id("home-status")).to_contain_text("上海")
    shot("shanghai-stations", page)

    # Filter: Workers' Homes only, then those with a reading corner too.
    page.locator("details.filters summary").click()
    page.get_by_test_id("filter-kind").select_option("workers_home")
    expect(page.get_by_test_id("station-item").first).to_contain_text("职工之家")
    for item in page.get_by_test_id("station-item").all():
        expect(item).to_contain_text("职工之家")
    page.get_by_test_id("filter-amenity-mother_baby_room").click()
    page.get_by_test_id("filter-amenity-reading").click()
    expect(page.get_by_test_id("station-item").or_(page.get_by_test_id("station-empty")).first).to_be_visible()
    for item in page.get_by_test_id("station-item").all():
        expect(item).to_contain_text("阅读角")
        expect(item).to_contain_text("母婴室")
    shot("filtered", page)

    # The choice is remembered: a reload goes straight to Shanghai.
    page.reload()
    expect(page.get_by_test_id("city-picker")).to_have_value("shanghai")


def test_language_switch_changes_texts_data_and_api_errors(page, shot):
    log_in(page, fresh_phone())
    expect(page.get_by_role("heading", level=1)).to_have_text("附近的驿站")
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stations near you")
    expect(page.get_by_test_id("tab-home")).to_have_text("Nearby")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    first = page.get_by_test_id("station-item").first
    expect(first).to_contain_text("Wangjing Riders' Rest Station")  # the API's name_en
    expect(first.get_by_test_id("station-distance")).to_contain_text(" m")
    shot("english-home")

    # The API answers in English too (Accept-Language): an empty service form.
    page.goto("/app/#/services/labour_law_consultation")
    page.get_by_test_id("form-submit").click()
    message = page.get_by_test_id("error-message")
    expect(message).to_be_visible()
    assert not CJK.search(message.inner_text()), message.inner_text()
    details = page.get_by_test_id("error-detail")
    expect(details.first).to_contain_text("Topic")  # the field's English label
    assert not any(CJK.search(t) for t in details.all_inner_texts()), details.all_inner_texts()
    shot("english-api-errors")

    # The choice survives a reload; switching back is one tap.
    page.reload()
    expect(page.get_by_test_id("tab-services")).to_have_text("Services")
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("tab-services")).to_have_text("服务")
    expect(page.get_by_role("heading", level=1)).to_have_text("劳动法律咨询")
