"""Download my data: the worker taps one button on "Me", the zip downloads, and it holds every section
(export.json) and CSVs that parse."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import requests
from playwright.sync_api import expect

from tests.e2e.conftest import fresh_phone, log_in
from tests.support.exports import SECTIONS


def test_download_my_data_gives_a_zip_with_every_section(page, shot, live_stack, token_for):
    phone = fresh_phone()
    log_in(page, phone)
    assert live_stack.request("PATCH", "/v1/me", {"name": "=王五"}, token=token_for(phone)).status == 200
    page.get_by_test_id("tab-me").click()
    expect(page.get_by_test_id("export-help")).to_contain_text("工会工作人员")
    with page.expect_download() as started:
        page.get_by_test_id("export-data").click()
    assert started.value.suggested_filename.endswith(".zip")
    expect(page.get_by_test_id("export-ready")).to_contain_text("15 分钟")
    shot("export-ready")

    url = page.get_by_test_id("export-link").get_attribute("href")
    reply = requests.get(url, timeout=10)
    assert reply.status_code == 200
    with zipfile.ZipFile(io.BytesIO(reply.content)) as zipped:
        document = json.loads(zipped.read("export.json"))
        tables = {n: zipped.read(n).decode("utf-8-sig") for n in zipped.namelist() if n.endswith(".csv")}
    assert tuple(document["sections"]) == SECTIONS
    assert document["sections"]["profile"]["name"] == "=王五" and document["sections"]["profile"]["phone"] == phone
    assert {"bookings.csv", "requests.csv", "audit.csv"} <= set(tables)
    for text in tables.values():
        list(csv.reader(io.StringIO(text)))  # every CSV parses
