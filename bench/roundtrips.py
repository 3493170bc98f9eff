"""DynamoDB round trips per endpoint, counted with a botocore event hook on every client.

The hook is registered in botocore's built-in handler list before any session exists, so
PynamoDB's clients, boto3's and Powertools' all report to it. Each endpoint is called through
chalice's test client against in-process moto, after a warm-up (the first request of a
container also reads the SSM secrets and unwraps the data key: reported as `cold_extra`).
"""

from __future__ import annotations

import collections
import os
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

CALLS: collections.Counter[str] = collections.Counter()


def _count(event_name: str, **_: Any) -> None:
    CALLS[event_name.rsplit(".", 1)[-1]] += 1


def install_counter() -> None:
    import botocore.handlers

    botocore.handlers.BUILTIN_HANDLERS.append(("before-call.dynamodb", _count))


class Scenario:
    """A small world (an admin, a worker with a profile, employers) and a way to count one call."""

    def __init__(self) -> None:
        from app import app
        from chalicelib.services.members import grant_by_phone
        from chalicelib.store.employer_tables import EmployerRecord
        from devstack.seed_services import seed_scenarios
        from tests.api.stations_world import station_body
        from tests.support.client import Api

        EmployerRecord("emp-1", name_zh="美团", name_en="Meituan", city="beijing", industry="delivery").save()
        grant_by_phone("13900000001", {"admin"}, set())
        self.api = Api(app)
        self.admin = self.api.login("13900000001")
        self.worker = self.api.login("13800138001")
        self.api.as_(self.worker).patch("/v1/me", {"name": "张三", "city": "beijing"})
        self.station = (
            self.api.as_(self.admin)
            .post(
                "/v1/admin/stations",
                station_body(
                    hours={d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
                    rules={"min_notice_minutes": 0, "max_days_ahead": 30, "cancel_window_minutes": 0},
                ),
            )
            .json
        )
        seed_scenarios()
        grant_by_phone("13900000002", {"staff"}, {self.station["station_id"]})
        self.staff = self.api.login("13900000002")
        tomorrow = datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=1)
        self.day = tomorrow.isoformat()
        self.slot = f"{self.day}T10:00:00+08:00"

    def count(self, call: Callable[[], Any]) -> tuple[int, dict[str, int], Any]:
        CALLS.clear()
        reply = call()
        return sum(CALLS.values()), dict(CALLS), reply


def endpoints(s: Scenario) -> list[tuple[str, Callable[[], Any]]]:
    api, w, a = s.api, s.api.as_(s.worker), s.api.as_(s.admin)
    phone = "13700000009"
    state: dict[str, Any] = {}

    def token() -> Any:
        reply = api.post("/v1/auth/token", {"phone": phone, "code": state["code"]})
        state["refresh"] = reply.json["refresh_token"]
        return reply

    def read_code() -> None:
        state["code"] = re.search(r"\d{6}", api.get(f"/v1/dev/outbox?phone={phone}").json[0]["body"]).group(0)

    sid = s.station["station_id"]
    lat, lng = s.station["lat"], s.station["lng"]

    def book() -> Any:
        reply = w.post("/v1/bookings", {"station_id": sid, "slot_start": s.slot})
        state["booking"] = reply.json["booking_id"]
        return reply

    return [
        ("GET /v1/stations (search, 3 km)", lambda: w.get(f"/v1/stations?lat={lat}&lng={lng}&radius_km=3")),
        ("GET /v1/stations/{id}/availability", lambda: w.get(f"/v1/stations/{sid}/availability?date={s.day}")),
        ("POST /v1/bookings", book),
        ("POST /v1/bookings/{id}/cancel", lambda: w.post(f"/v1/bookings/{state['booking']}/cancel")),
        (
            "POST /v1/bookings (Idempotency-Key, first)",
            lambda: w.post(
                "/v1/bookings", {"station_id": sid, "slot_start": s.slot}, headers={"Idempotency-Key": "bench-b1"}
            ),
        ),
        (
            "POST /v1/bookings (Idempotency-Key, replay)",
            lambda: w.post(
                "/v1/bookings", {"station_id": sid, "slot_start": s.slot}, headers={"Idempotency-Key": "bench-b1"}
            ),
        ),
        (
            "POST /v1/requests (job-seeking help)",
            lambda: w.post(
                "/v1/requests",
                {
                    "scenario_key": "job_seeking_help",
                    "answers": {
                        "desired_occupation": "仓库管理员",
                        "desired_city": "北京",
                        "expected_monthly_wage": 7000,
                        "available_from": "2026-12-01",
                        "schedule": "full_time",
                        "contact_phone": "13912345678",
                    },
                },
            ),
        ),
        (
            "GET /v1/staff/requests?status=submitted",
            lambda: api.as_(s.staff).get("/v1/staff/requests?status=submitted"),
        ),
        ("GET /v1/staff/requests (all open)", lambda: api.as_(s.staff).get("/v1/staff/requests")),
        ("GET /v1/scenarios", lambda: w.get("/v1/scenarios")),
        ("GET /v1/health", lambda: api.get("/v1/health")),
        ("POST /v1/auth/otp", lambda: api.post("/v1/auth/otp", {"phone": phone})),
        (
            "POST /v1/auth/otp (Idempotency-Key, first)",
            lambda: api.post("/v1/auth/otp", {"phone": "13700000008"}, headers={"Idempotency-Key": "bench-1"}),
        ),
        (
            "POST /v1/auth/otp (Idempotency-Key, replay)",
            lambda: api.post("/v1/auth/otp", {"phone": "13700000008"}, headers={"Idempotency-Key": "bench-1"}),
        ),
        ("_read_code", read_code),
        ("POST /v1/auth/token (first login)", token),
        ("POST /v1/auth/refresh", lambda: api.post("/v1/auth/refresh", {"refresh_token": state["refresh"]})),
        ("GET /v1/me", lambda: w.get("/v1/me")),
        ("PATCH /v1/me", lambda: w.patch("/v1/me", {"city": "shanghai"})),
        ("PATCH /v1/me (employer)", lambda: w.patch("/v1/me", {"employer_id": "emp-1"})),
        ("GET /v1/employers", lambda: w.get("/v1/employers?city=beijing")),
        ("POST /v1/admin/members/search", lambda: a.post("/v1/admin/members/search", {"phone": "13800138001"})),
        (
            "POST /v1/admin/members/{id}/reveal",
            lambda: a.post(
                f"/v1/admin/members/{s.worker.member_id}/reveal", {"field": "name", "reason": "bench reveal"}
            ),
        ),
        ("POST /v1/auth/logout", lambda: api.post("/v1/auth/logout", {"refresh_token": s.worker.refresh_token})),
    ]


def measure() -> tuple[dict[str, float], list[tuple[str, int, dict[str, int]]]]:
    """Run inside mock_aws with the counter installed (see bench.__main__)."""
    from chalicelib.runtime import Runtime, install
    from chalicelib.settings import settings
    from infra.provision import provision

    rt = install(Runtime(settings))
    provision(rt)
    cold_extra = _cold_extra(rt)
    scenario = Scenario()
    rows = []
    for name, call in endpoints(scenario):
        total, by_op, reply = scenario.count(call)
        if name.startswith("_"):
            continue
        assert reply is None or reply.status < 400, (name, reply.json)
        rows.append((name, total, by_op))
    figures = {f"roundtrips.{name}": float(total) for name, total, _ in rows}
    figures.update({f"cold_extra.{k}": float(v) for k, v in cold_extra.items()})
    return figures, rows


def _cold_extra(rt: Any) -> dict[str, int]:
    """AWS calls a fresh container makes before its first sealed field: SSM + KMS, once."""
    counter: collections.Counter[str] = collections.Counter()
    ssm, kms = rt.client("ssm"), rt.client("kms")
    ssm.meta.events.register("before-call.ssm", lambda event_name, **_: counter.update(["ssm"]))
    kms.meta.events.register("before-call.kms", lambda event_name, **_: counter.update(["kms"]))
    rt.cipher.seal("x", context="bench")
    rt.blind_index("phone", "13800138000")
    rt.cipher.seal("y", context="bench")
    return dict(counter)


os.environ.setdefault("WH_STAGE", "test")
