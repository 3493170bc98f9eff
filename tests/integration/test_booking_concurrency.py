"""No overbooking under any interleaving: hundreds of riders hit the same 10-seat slot at once.

Over real HTTP against the running local stack (chalice local, many threads) and its moto server,
whose one lock gives DynamoDB's isolation of transactions (DESIGN.md §3). What keeps the count at
exactly 10 is then our own condition on the slot counter (`seat_left`, chalicelib/store/slots.py):
with it removed this test fails (shown in the closing note of the booking issue).
"""

from __future__ import annotations

import collections
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import boto3
import pytest

pytestmark = pytest.mark.integration

WORKERS = 200
SEATS = 10
REPEATS = 20
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def race_world(live_stack):
    admin = live_stack.login("13800000000")
    station = live_stack.post(
        "/v1/admin/stations",
        {
            "code": "RACE-01",
            "kind": "rider_station",
            "name_zh": "压力测试驿站",
            "name_en": "Race Station",
            "address": "测试路1号",
            "city": "beijing",
            "district": "朝阳区",
            "lat": 39.95,
            "lng": 116.45,
            "hours": {d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
            "slot_minutes": 30,
            "seats": SEATS,
            "rules": {"min_notice_minutes": 0, "max_days_ahead": 30, "max_active_bookings": 50},
        },
        token=admin,
    )
    assert station.status == 201, station.json
    with ThreadPoolExecutor(16) as pool:
        tokens = list(pool.map(live_stack.login, [f"1370000{i:04d}" for i in range(WORKERS)]))
    return station.json, tokens


def slot_counter(live_stack, station_id: str) -> dict[str, int]:
    """The stored `booked` counter of every slot of the station, read from moto directly."""
    ddb = boto3.client(
        "dynamodb",
        endpoint_url=live_stack.moto_url,
        region_name="ap-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    items = ddb.query(
        TableName="workerhome-local-slots",
        KeyConditionExpression="resource_id = :s",
        ExpressionAttributeValues={":s": {"S": station_id}},
    )["Items"]
    return {i["slot_start"]["S"]: int(i["booked"]["N"]) for i in items}


def confirmed_bookings(live_stack, station_id: str) -> collections.Counter[str]:
    ddb = boto3.client(
        "dynamodb",
        endpoint_url=live_stack.moto_url,
        region_name="ap-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    found: collections.Counter[str] = collections.Counter()
    for page in ddb.get_paginator("scan").paginate(TableName="workerhome-local-bookings"):
        for item in page["Items"]:
            if item["station_id"]["S"] == station_id and item["status"]["S"] == "confirmed":
                found[item["slot_start"]["S"]] += 1
    return found


def race(live_stack, tokens: list[str], station_id: str, slot_start: str) -> collections.Counter[tuple[int, str]]:
    """Every worker books the same slot at the same instant; returns (status, code) counts."""
    gate = threading.Barrier(len(tokens))

    def attempt(token: str) -> tuple[int, str]:
        gate.wait()
        reply = live_stack.post(
            "/v1/bookings", {"station_id": station_id, "slot_start": slot_start}, token=token, timeout=120
        )
        return reply.status, (reply.json.get("error", {}).get("code", "") if reply.status != 201 else "")

    with ThreadPoolExecutor(len(tokens)) as pool:
        return collections.Counter(pool.map(attempt, tokens))


def test_exactly_ten_of_two_hundred_get_the_ten_seats_every_time(live_stack, race_world):
    station, tokens = race_world
    tomorrow = (datetime.now(SHANGHAI) + timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
    for round_ in range(REPEATS):
        start = (tomorrow + timedelta(minutes=30 * round_)).isoformat()
        began = time.monotonic()
        outcome = race(live_stack, tokens, station["station_id"], start)
        print(f"round {round_}: {dict(outcome)} in {time.monotonic() - began:.1f} s")
        assert outcome[(201, "")] == SEATS, f"round {round_}: {dict(outcome)}"
        assert outcome[(409, "slot_full")] == WORKERS - SEATS, f"round {round_}: {dict(outcome)}"
    counters = slot_counter(live_stack, station["station_id"])
    bookings = confirmed_bookings(live_stack, station["station_id"])
    assert len(counters) == REPEATS
    assert set(counters.values()) == {SEATS}
    assert counters == dict(bookings), "the slot counters must equal the confirmed bookings, slot by slot"
