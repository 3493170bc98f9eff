"""Latency of search and book over HTTP against the local stack, vs the bare DynamoDB call underneath.

Run as its own process (`python -m bench.latency`, started by `make bench`): it brings up the local
stack in-process (moto server + chalice local, exactly as `make run`), then times, against the SAME
moto server, (a) GET /v1/stations and POST /v1/bookings through the API and (b) a bare Query on the
station geohash index and a bare two-item TransactWriteItems. Prints one JSON object.
"""

from __future__ import annotations

import json
import statistics
import time
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

N = 100
HOURS_ALL_DAY = {d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def _timed(call: Callable[[], Any], n: int = N) -> list[float]:
    call()  # warm: first call of each path
    samples = []
    for _ in range(n):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def _p(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[int(q) - 1]


class Http:
    def __init__(self, base: str) -> None:
        self.base = base

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read() or b"null")

    def login(self, phone: str) -> str:
        import re

        self.call("POST", "/v1/auth/otp", {"phone": phone})
        code = re.search(r"\d{6}", self.call("GET", f"/v1/dev/outbox?phone={phone}")[0]["body"]).group(0)
        return self.call("POST", "/v1/auth/token", {"phone": phone, "code": code})["access_token"]


def main() -> dict[str, float]:
    from devstack.stack import Stack  # the stack configures the environment before chalicelib loads

    stack = Stack(moto_port_=_free_port(), api_port_=_free_port())
    stack.start()
    try:
        return _measure(stack)
    finally:
        stack.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _measure(stack: Any) -> dict[str, float]:
    import boto3

    from chalicelib.domain.geo import encode
    from chalicelib.settings import settings

    http = Http(stack.api_url)
    admin = http.login("13800000000")
    station = http.call(
        "POST",
        "/v1/admin/stations",
        {
            "code": "BENCH-01",
            "kind": "rider_station",
            "name_zh": "基准驿站",
            "name_en": "Bench Station",
            "address": "测试路2号",
            "city": "beijing",
            "district": "朝阳区",
            "lat": 39.99,
            "lng": 116.47,
            "hours": HOURS_ALL_DAY,
            "slot_minutes": 30,
            "seats": 50,
            "rules": {"min_notice_minutes": 0, "max_days_ahead": 30, "max_active_bookings": 50},
        },
        admin,
    )
    workers = [http.login(f"1360000{i:04d}") for i in range(5)]
    first = (datetime.now().astimezone() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    starts = [(first + timedelta(minutes=30 * k)).isoformat() for k in range(N // len(workers) + 2)]
    plan = iter([(w, s) for s in starts for w in workers])  # each worker books each slot once

    def book() -> None:
        worker, start = next(plan)
        http.call("POST", "/v1/bookings", {"station_id": station["station_id"], "slot_start": start}, worker)

    search = _timed(lambda: http.call("GET", "/v1/stations?lat=39.99&lng=116.47&radius_km=3", token=workers[0]))
    booking = _timed(book)

    ddb = boto3.client("dynamodb", endpoint_url=stack.moto.url, region_name=settings.region)
    stations_table, slots_table = settings.table("stations"), settings.table("slots")
    cell = encode(39.99, 116.47, 5)
    counter = iter(range(10**6))

    def bare_query() -> None:
        ddb.query(
            TableName=stations_table,
            IndexName="geo5_index",
            KeyConditionExpression="geo5 = :v",
            ExpressionAttributeValues={":v": {"S": cell}},
        )

    def bare_transact() -> None:
        n = next(counter)
        ddb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": slots_table,
                        "Key": {"resource_id": {"S": "bench"}, "slot_start": {"S": f"s{n}"}},
                        "UpdateExpression": "ADD taken :one",
                        "ConditionExpression": "attribute_not_exists(taken) OR taken < :cap",
                        "ExpressionAttributeValues": {":one": {"N": "1"}, ":cap": {"N": "10"}},
                    }
                },
                {
                    "Put": {
                        "TableName": slots_table,
                        "Item": {"resource_id": {"S": "bench-b"}, "slot_start": {"S": f"b{n}"}},
                        "ConditionExpression": "attribute_not_exists(resource_id)",
                    }
                },
            ]
        )

    query, transact = _timed(bare_query), _timed(bare_transact)
    figures = {}
    for name, api_s, bare_s in (("search", search, query), ("book", booking, transact)):
        for q in (50, 95):
            figures[f"latency.{name}.p{q}_ms"] = round(_p(api_s, q), 2)
            figures[f"latency.{name}.bare_p{q}_ms"] = round(_p(bare_s, q), 2)
            figures[f"latency.{name}.p{q}_ratio"] = round(_p(api_s, q) / _p(bare_s, q), 2)
    return figures


if __name__ == "__main__":
    print(json.dumps(main()))
