"""The audit log an auditor can check: every admin and staff write leaves an entry naming who, what,
when and the request it was made in; the log is read by key (never a Scan), filtered and paged; the
auditor reads it and can change nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest

from chalicelib.api.http import ROUTES
from tests.api.services_world import apply, job_help, scenario_body, submit
from tests.api.stations_world import book, create_station, make_staff, new_worker, station_body
from tests.support.client import Api, Reply, Session
from tests.support.clock import FakeClock
from tests.support.round_trips import authenticated, measure

AUDITOR_PHONE = "13700000077"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
NOT_ADMIN_WRITES = {
    # a member's own data: any account may call them for itself (erasure audits itself, elsewhere)
    ("DELETE", "/v1/me"): "the caller's own account",
    ("PATCH", "/v1/me"): "the caller's own profile",
    ("PUT", "/v1/me/privacy"): "the caller's own consent",
    # reads a member card's signature and status, changes nothing
    ("POST", "/v1/staff/member-cards/verify"): "a read sent as POST (the card token is the body)",
    # a look-up by phone, sent as POST so the phone never sits in a URL or an access log
    ("POST", "/v1/admin/members/search"): "a read sent as POST (the phone is the body)",
}


@pytest.fixture
def auditor(api: Api) -> Session:
    from chalicelib.services.members import grant_by_phone

    grant_by_phone(AUDITOR_PHONE, {"auditor"}, set())
    return api.login(AUDITOR_PHONE)


def log(api: Api, who: Session, **query: Any) -> dict[str, Any]:
    reply = api.as_(who).get(f"/v1/admin/audit?{urlencode(query)}")
    assert reply.status == 200, reply.json
    return reply.json


@dataclass
class World:
    """Everything the admin and staff write routes act on, made through the API."""

    api: Api
    clock: FakeClock
    admin: Session
    staff: Session
    rider: Session
    auditor: Session
    station_id: str
    made: dict[str, Any] = field(default_factory=dict)

    def as_admin(self) -> Api:
        return self.api.as_(self.admin)

    def as_staff(self) -> Api:
        return self.api.as_(self.staff)


@pytest.fixture
def world(api, clock, admin, auditor, library) -> World:
    station = create_station(api, admin)
    sid = station["station_id"]
    w = World(api, clock, admin, make_staff(api, sid), new_worker(api), auditor, sid)
    w.made["booking"] = book(api, w.rider, sid, "2026-11-27T10:30:00+08:00").json["booking_id"]
    w.made["request"] = submit(api, w.rider, {**job_help(), "station_id": sid}).json["request_id"]
    w.made["applications"] = [apply(api, new_worker(api)).json["application_id"] for _ in range(2)]
    return w


def _outreach(w: World) -> Reply:
    reply = w.as_admin().post(f"/v1/admin/members/{w.rider.member_id}/outreach", {"action": "call", "note": "打过电话"})
    w.made["outreach"] = reply.json["outreach_id"]
    return reply


def _run(w: World) -> Reply:
    reply = w.as_admin().post("/v1/admin/scoring-runs", {"model": "churn", "segments": 1})
    w.made["run"] = reply.json["run_id"]
    return reply


def _retry(w: World) -> Reply:
    from chalicelib.store import scoring_runs

    scoring_runs.give_up_segment(w.made["run"], 0)  # the run's only segment went to the dead-letter queue
    scoring_runs.settle(w.made["run"], w.clock.now())
    return w.as_admin().post(f"/v1/admin/scoring-runs/{w.made['run']}/retry")


def _import(w: World) -> Reply:
    csv = w.as_admin().get("/v1/admin/stations/export").json["content"]
    return w.as_admin().post("/v1/admin/stations/import", {"format": "csv", "content": csv})


def _reassign(w: World) -> Reply:
    elsewhere = create_station(w.api, w.admin)["station_id"]
    body = {"station_id": elsewhere, "reason": "离工友住处更近"}
    return w.as_staff().post(f"/v1/staff/requests/{w.made['request']}/reassign", body)


def _check_in(w: World) -> Reply:
    w.clock.advance(minutes=20)  # 10:20, in the pass's window; access tokens last 15 minutes
    w.rider, w.staff, w.admin, w.auditor = (w.api.login(s.phone) for s in (w.rider, w.staff, w.admin, w.auditor))
    token = w.api.as_(w.rider).get(f"/v1/bookings/{w.made['booking']}/pass").json["token"]
    return w.as_staff().post("/v1/staff/checkins", {"token": token})


TEST_SERVICE = {k: v for k, v in scenario_body().items() if k != "key"}
ONE_DAY = "2026-12-01"

# How each admin and staff write is made to succeed, in an order where each finds what it needs.
RECIPES: dict[tuple[str, str], Callable[[World], Reply]] = {
    ("PUT", "/v1/admin/members/{member_id}/roles"): lambda w: w.as_admin().put(
        f"/v1/admin/members/{w.rider.member_id}/roles", {"roles": ["worker"], "station_ids": []}
    ),
    ("POST", "/v1/admin/members/{member_id}/reveal"): lambda w: w.as_admin().post(
        f"/v1/admin/members/{w.rider.member_id}/reveal", {"field": "phone", "reason": "核实工伤案件当事人"}
    ),
    ("POST", "/v1/admin/members/{member_id}/outreach"): _outreach,
    ("POST", "/v1/admin/members/{member_id}/outreach/{outreach_id}/outcome"): lambda w: w.as_admin().post(
        f"/v1/admin/members/{w.rider.member_id}/outreach/{w.made['outreach']}/outcome", {"outcome": "retained"}
    ),
    ("POST", "/v1/admin/membership/applications/{application_id}/approve"): lambda w: w.as_admin().post(
        f"/v1/admin/membership/applications/{w.made['applications'][0]}/approve", {"note": "材料齐全"}
    ),
    ("POST", "/v1/admin/membership/applications/{application_id}/reject"): lambda w: w.as_admin().post(
        f"/v1/admin/membership/applications/{w.made['applications'][1]}/reject", {"reason": "不在本区域工作"}
    ),
    ("PUT", "/v1/admin/models/{name}/thresholds"): lambda w: w.as_admin().put(
        "/v1/admin/models/churn/thresholds", {"medium": 0.2, "high": 0.6}
    ),
    ("POST", "/v1/admin/scenarios"): lambda w: w.as_admin().post("/v1/admin/scenarios", scenario_body()),
    ("PUT", "/v1/admin/scenarios/{key}"): lambda w: w.as_admin().put("/v1/admin/scenarios/test_service", TEST_SERVICE),
    ("POST", "/v1/admin/scenarios/{key}/retire"): lambda w: w.as_admin().post(
        "/v1/admin/scenarios/test_service/retire"
    ),
    ("POST", "/v1/admin/scoring-runs"): _run,
    ("POST", "/v1/admin/scoring-runs/{run_id}/retry"): _retry,
    ("POST", "/v1/admin/stations"): lambda w: w.as_admin().post("/v1/admin/stations", station_body()),
    ("POST", "/v1/admin/stations/import"): _import,
    ("POST", "/v1/admin/stations/{station_id}/deactivate"): lambda w: w.as_admin().post(
        f"/v1/admin/stations/{w.station_id}/deactivate"
    ),
    ("POST", "/v1/admin/stations/{station_id}/activate"): lambda w: w.as_admin().post(
        f"/v1/admin/stations/{w.station_id}/activate"
    ),
    ("PATCH", "/v1/stations/{station_id}"): lambda w: w.as_staff().patch(f"/v1/stations/{w.station_id}", {"seats": 3}),
    ("PUT", "/v1/stations/{station_id}/hours"): lambda w: w.as_staff().put(
        f"/v1/stations/{w.station_id}/hours", {"hours": {"sun": ["09:00-17:00"]}}
    ),
    ("PUT", "/v1/stations/{station_id}/exceptions/{day}"): lambda w: w.as_staff().put(
        f"/v1/stations/{w.station_id}/exceptions/{ONE_DAY}", {"closed": True}
    ),
    ("DELETE", "/v1/stations/{station_id}/exceptions/{day}"): lambda w: w.as_staff().delete(
        f"/v1/stations/{w.station_id}/exceptions/{ONE_DAY}"
    ),
    ("POST", "/v1/staff/requests/{request_id}/transition"): lambda w: w.as_staff().post(
        f"/v1/staff/requests/{w.made['request']}/transition", {"to": "accepted"}
    ),
    ("POST", "/v1/requests/{request_id}/comments"): lambda w: w.as_staff().post(
        f"/v1/requests/{w.made['request']}/comments", {"text": "请补充劳动合同照片"}
    ),
    ("POST", "/v1/admin/keys/rotations"): lambda w: w.as_admin().post("/v1/admin/keys/rotations", {}),
    ("POST", "/v1/staff/requests/{request_id}/reassign"): _reassign,  # after the request's other writes
    ("POST", "/v1/staff/checkins"): _check_in,  # last: it moves the clock
}


def admin_and_staff_writes() -> set[tuple[str, str]]:
    return {
        (method, path)
        for (method, path), access in ROUTES.items()
        if method in WRITE_METHODS and access.roles & {"staff", "admin"}
    } - NOT_ADMIN_WRITES.keys()


def test_every_admin_and_staff_write_is_in_the_recipes(api):
    assert admin_and_staff_writes() == set(RECIPES), "a new admin/staff write route needs a recipe here"


def test_every_admin_and_staff_write_leaves_an_entry_with_actor_and_request_id(api, world):
    missing = []
    for route, make in RECIPES.items():
        reply = make(world)
        assert reply.status < 300, (route, reply.json)
        actor = world.staff if route[1].startswith(("/v1/stations", "/v1/staff", "/v1/requests")) else world.admin
        items = log(api, world.auditor, actor=actor.member_id, limit=100)["items"]
        ours = [e for e in items if e["request_id"] == reply.headers["X-Request-Id"]]
        if not ours:
            missing.append(route)
        for e in ours:
            assert e["actor"]["id"] == actor.member_id and e["at"] and e["action"] and e["digest"], (route, e)
    assert not missing, f"writes without an audit entry: {missing}"


def grant(api: Api, admin: Session, member_id: str, *roles: str) -> Reply:
    reply = api.as_(admin).put(f"/v1/admin/members/{member_id}/roles", {"roles": ["worker", *roles], "station_ids": []})
    assert reply.status == 200, reply.json
    return reply


@pytest.fixture
def three_grants(api, admin, clock) -> list[Session]:
    """Three workers made staff by the admin, a minute apart (10:00, 10:01, 10:02)."""
    workers = [new_worker(api) for _ in range(3)]
    admin = api.login(admin.phone)
    for w in workers:
        grant(api, admin, w.member_id, "staff")
        clock.advance(minutes=1)
    return workers


def test_the_log_is_filtered_by_target_actor_action_and_time(api, admin, auditor, three_grants, station):
    auditor = api.login(auditor.phone)
    first, second, _ = three_grants
    by_target = log(api, auditor, target=f"member#{second.member_id}")["items"]
    assert [(e["action"], e["target"]["id"]) for e in by_target] == [("set_roles", second.member_id)]
    assert by_target[0]["detail"]["after"]["roles"] == ["staff", "worker"]  # not personal: readable
    assert by_target[0]["digest"] and by_target[0]["request_id"]
    grants = log(api, auditor, actor=admin.member_id, action="set_roles")["items"]
    assert [e["target"]["id"] for e in grants] == [w.member_id for w in reversed(three_grants)]  # newest first
    stations = log(api, auditor, action="create")["items"]
    assert [e["target"]["label"] for e in stations] == ["人民广场骑手驿站"]  # by name, not id
    window = log(api, auditor, **{"from": "2026-11-27T02:00:30Z", "to": "2026-11-27T02:01:30Z"})["items"]
    assert [e["target"]["id"] for e in window] == [second.member_id]
    assert window[0]["actor"]["label"] != admin.member_id  # a masked label, never the raw id


def test_the_whole_log_is_paged_newest_first_with_a_signed_cursor(api, auditor, three_grants):
    auditor = api.login(auditor.phone)
    everything = log(api, auditor)["items"]
    pages, cursor = [], None
    while True:
        page = log(api, auditor, limit=2, **({"cursor": cursor} if cursor else {}))
        pages.append(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [e for p in pages for e in p] == everything and all(len(p) <= 2 for p in pages)
    assert [e["at"] for e in everything] == sorted((e["at"] for e in everything), reverse=True)
    page = log(api, auditor, limit=2)
    forged = page["next_cursor"][:-3] + ("AAA" if not page["next_cursor"].endswith("AAA") else "BBB")
    for bad in ({"limit": 2, "cursor": forged}, {"limit": 2, "cursor": page["next_cursor"], "action": "erase"}):
        reply = api.as_(auditor).get(f"/v1/admin/audit?{urlencode(bad)}")
        assert reply.status == 400 and reply.json["error"]["details"][0]["field"] == "cursor", reply.json


def test_a_log_page_is_one_query_per_partition_and_the_name_lookups(api, auditor, three_grants, calls):
    auditor = api.as_(api.login(auditor.phone))
    november = measure(calls, lambda: auditor.get("/v1/admin/audit?limit=10&from=2026-11-01T00:00:00Z"))
    assert november == authenticated({"Query": 1, "BatchGetItem": 1}), november  # one month partition + masked names
    last_30_days = measure(calls, lambda: auditor.get("/v1/admin/audit?limit=10"))
    assert last_30_days == authenticated({"Query": 2, "BatchGetItem": 1}), last_30_days  # November, then October
    one = three_grants[0].member_id
    by_target = measure(calls, lambda: auditor.get(f"/v1/admin/audit?target=member%23{one}&action=set_roles"))
    assert by_target == authenticated({"Query": 1, "BatchGetItem": 1}), by_target


def test_bad_filters_name_the_field(api, auditor):
    for query, name in (
        ({"from": "2026-11-28T00:00:00Z", "to": "2026-11-27T00:00:00Z"}, "from"),
        ({"from": "2025-01-01T00:00:00Z", "to": "2026-11-27T00:00:00Z"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"limit": "0"}, "limit"),
    ):
        reply = api.as_(auditor).get(f"/v1/admin/audit?{urlencode(query)}")
        assert reply.status == 400 and reply.json["error"]["details"][0]["field"] == name, (query, reply.json)


def test_reasons_are_sealed_at_rest_and_opened_for_the_auditor(api, aws, admin, auditor, worker):
    from tests.api.test_no_plaintext_pii import every_item

    reason = "工伤维权案件需要核实身份"
    assert (
        api.as_(admin).post(f"/v1/admin/members/{worker.member_id}/reveal", {"field": "name", "reason": reason}).status
        == 200
    )
    assert reason not in every_item(aws)
    shown = log(api, auditor, target=f"member#{worker.member_id}", action="reveal:name")["items"]
    assert [e["reason"] for e in shown] == [reason]


def test_an_auditor_can_be_granted_and_changes_nothing(api, admin, auditor, worker):
    me = api.as_(auditor).get("/v1/me").json
    assert "auditor" in me["roles"]
    for method, path in sorted(r for r in admin_and_staff_writes() if "worker" not in ROUTES[r].roles):
        url = path.replace("{", "").replace("}", "")
        reply = api.as_(auditor).request(method, url, {})
        assert (reply.status, reply.json["error"]["code"]) == (403, "role_not_allowed"), (method, path)


def test_notes_and_reasons_staff_and_admins_type_are_never_stored_in_the_clear(api, aws, admin, auditor, library):
    from tests.api.test_no_plaintext_pii import every_item

    sid = create_station(api, admin)["station_id"]
    staff = make_staff(api, sid)
    approve_note, reject_reason, move_note = "材料齐全身份核实无误", "申请人不在本区域工作", "已电话联系用人单位协商"
    first, second = (apply(api, new_worker(api)).json["application_id"] for _ in range(2))
    path = "/v1/admin/membership/applications"
    assert api.as_(admin).post(f"{path}/{first}/approve", {"note": approve_note}).status == 200
    rejected = api.as_(admin).post(f"{path}/{second}/reject", {"reason": reject_reason})
    assert rejected.status == 200 and rejected.json["reason"] == reject_reason  # opened for the admin
    request_id = submit(api, new_worker(api), {**job_help(), "station_id": sid}).json["request_id"]
    moved = api.as_(staff).post(f"/v1/staff/requests/{request_id}/transition", {"to": "accepted", "note": move_note})
    assert moved.status == 200, moved.json
    stored = every_item(aws)
    assert approve_note not in stored and reject_reason not in stored
    assert move_note not in stored  # neither in the audit entry nor in the request's history
    shown = api.as_(staff).get(f"/v1/requests/{request_id}").json["history"]
    assert [h.get("note") for h in shown if h.get("note")] == [move_note]  # opened for those who read the request
    reasons = {e["action"]: e["reason"] for e in log(api, auditor)["items"]}
    assert reasons["membership_approve"] == approve_note and reasons["membership_reject"] == reject_reason
    assert reasons["request_move"] == move_note  # opened for the auditor
