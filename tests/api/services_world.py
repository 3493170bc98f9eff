"""Helpers for the member-services tests: joining the union through the API, the seeded scenario
library, filing requests. The fake clock starts on Friday 2026-11-27 at 10:00 in Shanghai."""

from __future__ import annotations

from typing import Any

from tests.support.client import Api, Reply, Session

TERMS = "2026-01"
EN = {"Accept-Language": "en"}


def pool_application(city: str = "beijing", **consent: Any) -> dict[str, Any]:
    return {
        "union": {"kind": "regional_pool", "city": city},
        "consent": {"policy_version": TERMS, "accepted": True, **consent},
    }


def apply(api: Api, who: Session, body: dict[str, Any] | None = None, **kw: Any) -> Reply:
    return api.as_(who).post("/v1/membership/applications", body or pool_application(), **kw)


def join_union(api: Api, admin: Session, who: Session) -> Session:
    """Apply, get approved by the admin, log in again so the token says 'member'."""
    application = apply(api, who)
    assert application.status == 201, application.json
    approved = api.as_(admin).post(
        f"/v1/admin/membership/applications/{application.json['application_id']}/approve", {}
    )
    assert approved.status == 200, approved.json
    return api.login(who.phone)


def error(reply: Reply) -> tuple[int, str]:
    return reply.status, reply.json["error"]["code"]


def fields_of(reply: Reply) -> dict[str, str]:
    """field -> error code, from an error reply."""
    return {d["field"]: d["code"] for d in reply.json["error"]["details"]}


def run_schedule(api: Api, name: str) -> Any:
    """Run a scheduled function the way Lambda would (a CloudWatch event)."""
    client = api._client
    event = client.events.generate_cw_event(
        source="aws.events",
        detail_type="Scheduled Event",
        detail={},
        resources=[f"arn:aws:events:ap-east-1:123456789012:rule/{name}"],
    )
    return client.lambda_.invoke(name, event).payload


def job_help(**answers: Any) -> dict[str, Any]:
    """A valid job-seeking request (no sealed scenario, one optional file field)."""
    base = {
        "desired_occupation": "仓库管理员",
        "desired_city": "北京",
        "expected_monthly_wage": 7000,
        "available_from": "2026-12-01",
        "schedule": "full_time",
        "contact_phone": "13912345678",
    }
    return {"scenario_key": "job_seeking_help", "answers": {**base, **answers}}


def submit(api: Api, who: Session, body: dict[str, Any], **kw: Any) -> Reply:
    return api.as_(who).post("/v1/requests", body, **kw)


def move(api: Api, staff: Session, request_id: str, to: str, note: str | None = None) -> Reply:
    return api.as_(staff).post(
        f"/v1/staff/requests/{request_id}/transition", {"to": to, **({"note": note} if note else {})}
    )


def scenario_body(key: str = "test_service", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "key": key,
        "category": "other",
        "title_zh": "测试服务",
        "title_en": "Test service",
        "description_zh": "用于测试",
        "description_en": "For tests",
        "fields": [{"name": "topic", "label_zh": "主题", "label_en": "Topic", "type": "text"}],
    }
    body.update(overrides)
    return body
