"""Audit and change are one: for every audited route, a TransactWriteItems that fails (injected
through the runtime's before_call hook) leaves neither the change nor its audit entry behind, and a
retry with the same Idempotency-Key completes it, audited once; a further replay changes nothing."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.api.services_world import apply, join_union, scenario_body
from tests.api.stations_world import create_station, new_worker, station_body
from tests.support.client import Api, Session

Call = tuple[Session, str, str, dict[str, Any] | None]
WHY = {"field": "phone", "reason": "核实身份信息"}


def _roles(api: Api, admin: Session, sid: str) -> Call:
    body = {"roles": ["worker", "staff"], "station_ids": [sid]}
    return admin, "PUT", f"/v1/admin/members/{new_worker(api).member_id}/roles", body


def _reveal(api: Api, admin: Session, sid: str) -> Call:
    return admin, "POST", f"/v1/admin/members/{new_worker(api).member_id}/reveal", WHY


def _publish(api: Api, admin: Session, sid: str) -> Call:
    return admin, "POST", "/v1/admin/scenarios", scenario_body()


def _published(api: Api, admin: Session) -> str:
    assert api.as_(admin).post("/v1/admin/scenarios", scenario_body()).status == 201
    return "/v1/admin/scenarios/test_service"


def _new_version(api: Api, admin: Session, sid: str) -> Call:
    spec = {k: v for k, v in scenario_body(title_en="Test service, v2").items() if k != "key"}
    return admin, "PUT", _published(api, admin), spec


def _retire(api: Api, admin: Session, sid: str) -> Call:
    return admin, "POST", f"{_published(api, admin)}/retire", None


def _create_station(api: Api, admin: Session, sid: str) -> Call:
    return admin, "POST", "/v1/admin/stations", station_body()


def _edit_station(api: Api, admin: Session, sid: str) -> Call:
    return admin, "PATCH", f"/v1/stations/{sid}", {"seats": 4}


def _hours(api: Api, admin: Session, sid: str) -> Call:
    return admin, "PUT", f"/v1/stations/{sid}/hours", {"hours": {"mon": ["09:00-17:00"]}}


def _closed_day(api: Api, admin: Session, sid: str) -> Call:
    return admin, "PUT", f"/v1/stations/{sid}/exceptions/2026-11-28", {"closed": True}


def _reopened_day(api: Api, admin: Session, sid: str) -> Call:
    assert api.as_(admin).put(f"/v1/stations/{sid}/exceptions/2026-11-28", {"closed": True}).status == 200
    return admin, "DELETE", f"/v1/stations/{sid}/exceptions/2026-11-28", None


def _deactivate(api: Api, admin: Session, sid: str) -> Call:
    return admin, "POST", f"/v1/admin/stations/{sid}/deactivate", None


def _activate(api: Api, admin: Session, sid: str) -> Call:
    assert api.as_(admin).post(f"/v1/admin/stations/{sid}/deactivate").status == 200
    return admin, "POST", f"/v1/admin/stations/{sid}/activate", None


def _profiling_off(api: Api, admin: Session, sid: str) -> Call:
    return new_worker(api), "PUT", "/v1/me/privacy", {"profiling": False}


def _erase(api: Api, admin: Session, sid: str) -> Call:
    return new_worker(api), "DELETE", "/v1/me", None


def _outreach(api: Api, admin: Session, sid: str) -> Call:
    return admin, "POST", f"/v1/admin/members/{new_worker(api).member_id}/outreach", {"action": "call"}


def _outcome(api: Api, admin: Session, sid: str) -> Call:
    member = new_worker(api).member_id
    made = api.as_(admin).post(f"/v1/admin/members/{member}/outreach", {"action": "call"})
    assert made.status == 201, made.json
    return (
        admin,
        "POST",
        f"/v1/admin/members/{member}/outreach/{made.json['outreach_id']}/outcome",
        {"outcome": "retained"},
    )


def _thresholds(api: Api, admin: Session, sid: str) -> Call:
    return admin, "PUT", "/v1/admin/models/churn/thresholds", {"medium": 0.2, "high": 0.6}


def _application(api: Api) -> str:
    applied = apply(api, new_worker(api))
    assert applied.status == 201, applied.json
    return f"/v1/admin/membership/applications/{applied.json['application_id']}"


def _approve(api: Api, admin: Session, sid: str) -> Call:
    return admin, "POST", f"{_application(api)}/approve", {"note": "资料齐全"}


def _reject(api: Api, admin: Session, sid: str) -> Call:
    return admin, "POST", f"{_application(api)}/reject", {"reason": "资料不全"}


def _leave(api: Api, admin: Session, sid: str) -> Call:
    return join_union(api, admin, new_worker(api)), "POST", "/v1/me/membership/leave", None


AUDITED: dict[str, Callable[[Api, Session, str], Call]] = {
    "set_roles": _roles,
    "reveal:phone": _reveal,
    "publish": _publish,
    "publish (new version)": _new_version,
    "retire": _retire,
    "create": _create_station,
    "update": _edit_station,
    "set_hours": _hours,
    "set_exception": _closed_day,
    "clear_exception": _reopened_day,
    "deactivate": _deactivate,
    "activate": _activate,
    "profiling_off": _profiling_off,
    "erase": _erase,
    "outreach": _outreach,
    "outreach_outcome": _outcome,
    "set_thresholds": _thresholds,
    "membership_approve": _approve,
    "membership_reject": _reject,
    "membership_leave": _leave,
}


class FailingTransaction:
    """A before_call hook (runtime): the next TransactWriteItems fails as if DynamoDB were down."""

    def __init__(self) -> None:
        self.armed, self.failed = True, 0

    def __call__(self, operation: str, params: dict[str, Any]) -> None:
        if operation == "TransactWriteItems" and self.armed:
            self.armed, self.failed = False, self.failed + 1
            raise ClientError({"Error": {"Code": "InternalServerError", "Message": "injected"}}, operation)


def world(rt) -> dict[str, list[Any]]:
    """Every item of every table (a test may Scan), sorted, to compare before and after."""
    ddb = rt.client("dynamodb")
    dump = {}
    for table in ddb.list_tables()["TableNames"]:
        items = [i for page in ddb.get_paginator("scan").paginate(TableName=table) for i in page["Items"]]
        dump[table] = sorted(json.dumps(i, sort_keys=True, default=repr) for i in items)
    return dump


def actions(rt) -> Counter[str]:
    """How many audit entries each action has."""
    pages = rt.client("dynamodb").get_paginator("scan").paginate(TableName=rt.settings.table("audit"))
    return Counter(i["action"]["S"] for page in pages for i in page["Items"])


@pytest.mark.parametrize("case", list(AUDITED))
def test_a_failed_commit_leaves_neither_change_nor_audit_entry_and_a_retry_completes_it(
    api: Api, aws, admin: Session, case: str
) -> None:
    sid = create_station(api, admin)["station_id"]
    who, method, path, body = AUDITED[case](api, admin, sid)
    action = case.split(" ")[0]
    send = lambda: api.as_(who).request(method, path, body, headers={"Idempotency-Key": f"audited-{case}"})  # noqa: E731
    before, audited = world(aws), actions(aws)[action]

    aws.before_call = fault = FailingTransaction()
    failed = send()
    assert fault.failed == 1 and failed.status == 500 and failed.json["error"]["code"] == "internal_error"
    assert world(aws) == before  # neither the change nor its audit entry, nor a stuck idempotency record

    done = send()
    assert done.status in (200, 201, 204), done.json
    assert actions(aws)[action] == audited + 1
    replayed = send()
    if case == "erase":  # once erased, the account's tokens stop: even a replay is turned away
        assert (replayed.status, replayed.json["error"]["code"]) == (401, "token_revoked")
    else:
        assert (replayed.status, replayed.json) == (done.status, done.json)
    assert actions(aws)[action] == audited + 1
