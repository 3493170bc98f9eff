"""Which station handles a request, and handing it to another: the worker's chosen station, else their
city's first station in service (the earliest opened), else the union-wide queue only admins see; a reassignment moves the
request out of one station's reach into another's, shows in the history by station names, and is
audited in the same unit of work."""

from __future__ import annotations

import pytest

from chalicelib.domain.access import Caller
from tests.api.services_world import EN, error, fields_of, job_help, move, submit
from tests.api.stations_world import create_station, make_staff, new_worker


def station(api, admin, name_zh, name_en, **kw):
    return create_station(api, admin, name_zh=name_zh, name_en=name_en, **kw)


def reassign(api, who, rid, station_id, reason="离工友住处更近", **kw):
    return api.as_(who).post(f"/v1/staff/requests/{rid}/reassign", {"station_id": station_id, "reason": reason}, **kw)


def queue_ids(api, who):
    reply = api.as_(who).get("/v1/staff/requests")
    assert reply.status == 200, reply.json
    return [r["request_id"] for r in reply.json]


def test_a_request_goes_to_the_station_the_worker_chose(api, admin, worker, library):
    home = station(api, admin, "徐汇驿站", "Xuhui Station")
    filed = submit(api, worker, {**job_help(), "station_id": home["station_id"]})
    assert filed.status == 201, filed.json
    assert filed.json["station"] == {
        "station_id": home["station_id"],
        "name_zh": "徐汇驿站",
        "name_en": "Xuhui Station",
    }
    assert api.as_(worker).get("/v1/me/requests").json[0]["station"]["name_zh"] == "徐汇驿站"
    assert queue_ids(api, make_staff(api, home["station_id"])) == [filed.json["request_id"]]


def test_without_a_choice_it_goes_to_the_first_station_of_their_city_in_service(api, admin, worker, library, clock):
    station(api, admin, "北京驿站", "Beijing Station", code="BJ-001", city="beijing")
    closed = station(api, admin, "已停用驿站", "Closed Station", code="SH-001")
    api.as_(admin).post(f"/v1/admin/stations/{closed['station_id']}/deactivate")
    clock.advance(minutes=1)
    first = station(api, admin, "黄浦驿站", "Huangpu Station", code="SH-009")
    clock.advance(minutes=1)
    later = station(api, admin, "静安驿站", "Jing'an Station", code="SH-002")
    api.as_(worker).patch("/v1/me", {"city": "shanghai"})
    filed = submit(api, worker, job_help()).json
    assert filed["station"]["station_id"] == first["station_id"]
    assert queue_ids(api, make_staff(api, later["station_id"])) == []


def test_a_station_not_in_service_is_refused_on_the_field(api, admin, worker, library):
    closed = station(api, admin, "已停用驿站", "Closed Station")
    api.as_(admin).post(f"/v1/admin/stations/{closed['station_id']}/deactivate")
    for sid in (closed["station_id"], "st-nowhere"):
        reply = submit(api, worker, {**job_help(), "station_id": sid}, headers=EN)
        assert error(reply) == (400, "unknown_station") and fields_of(reply) == {"station_id": "unknown_station"}
        assert reply.json["error"]["details"][0]["message"] == "is not a station in service"
    assert api.as_(worker).get("/v1/me/requests").json == []


def test_without_a_city_it_waits_in_the_union_queue_that_only_admins_see(api, admin, library):
    somewhere = station(api, admin, "徐汇驿站", "Xuhui Station")
    newcomer = new_worker(api)
    filed = submit(api, newcomer, job_help()).json
    assert filed["station"] is None
    rid = filed["request_id"]
    staff = make_staff(api, somewhere["station_id"])
    assert queue_ids(api, staff) == [] and error(api.as_(staff).get(f"/v1/requests/{rid}")) == (
        404,
        "request_not_found",
    )
    assert rid in queue_ids(api, admin)
    assert reassign(api, admin, rid, somewhere["station_id"]).status == 200
    assert queue_ids(api, staff) == [rid]


def test_staff_hand_a_request_to_another_station_which_takes_it_from_there(api, admin, worker, library):
    a = station(api, admin, "徐汇驿站", "Xuhui Station")
    b = station(api, admin, "浦东驿站", "Pudong Station")
    staff_a, staff_b = make_staff(api, a["station_id"]), make_staff(api, b["station_id"])
    rid = submit(api, worker, {**job_help(), "station_id": a["station_id"]}).json["request_id"]
    assert move(api, staff_a, rid, "accepted").json["assignee"] == staff_a.member_id

    moved = reassign(api, staff_a, rid, b["station_id"], headers={"Idempotency-Key": "hand-over-1"})
    assert moved.status == 200, moved.json
    assert moved.json == {
        "request_id": rid,
        "status": "accepted",
        "station": {"station_id": b["station_id"], "name_zh": "浦东驿站", "name_en": "Pudong Station"},
    }
    again = reassign(api, staff_a, rid, b["station_id"], headers={"Idempotency-Key": "hand-over-1"})
    assert again.json == moved.json  # a retry answers the first result and moves nothing twice

    assert error(api.as_(staff_a).get(f"/v1/requests/{rid}")) == (404, "request_not_found")
    assert error(move(api, staff_a, rid, "in_progress")) == (404, "request_not_found")
    assert queue_ids(api, staff_a) == [] and queue_ids(api, staff_b) == [rid]
    seen = api.as_(worker).get(f"/v1/requests/{rid}").json
    assert seen["station"]["name_zh"] == "浦东驿站" and seen["assignee"] is None  # nobody at B took it on yet
    hand_overs = [h for h in seen["history"] if h["event"] == "reassigned"]
    assert [(h["status"], h["moved_from"]["name_zh"], h["moved_to"]["name_en"], h["note"]) for h in hand_overs] == [
        ("accepted", "徐汇驿站", "Pudong Station", "离工友住处更近")
    ]
    assert move(api, staff_b, rid, "in_progress").json["assignee"] is None
    assert api.as_(staff_b).post(f"/v1/requests/{rid}/comments", {"text": "我们来跟进"}).status == 201

    from chalicelib.store import audit

    entries = [e for e in audit.trail(f"request#{rid}") if e.action == "request_reassign"]
    assert [(e.actor, e.detail) for e in entries] == [
        (staff_a.member_id, {"from_station": a["station_id"], "to_station": b["station_id"]})
    ]


def test_what_cannot_be_reassigned(api, admin, worker, library):
    a = station(api, admin, "徐汇驿站", "Xuhui Station")
    b = station(api, admin, "浦东驿站", "Pudong Station")
    closed = station(api, admin, "已停用驿站", "Closed Station")
    api.as_(admin).post(f"/v1/admin/stations/{closed['station_id']}/deactivate")
    staff_a = make_staff(api, a["station_id"])
    rid = submit(api, worker, {**job_help(), "station_id": a["station_id"]}).json["request_id"]
    assert error(reassign(api, staff_a, rid, a["station_id"])) == (422, "same_station")
    assert fields_of(reassign(api, staff_a, rid, closed["station_id"])) == {"station_id": "unknown_station"}
    assert error(api.as_(staff_a).post(f"/v1/staff/requests/{rid}/reassign", {"station_id": b["station_id"]})) == (
        400,
        "validation_error",
    )  # a reason is required
    assert error(reassign(api, make_staff(api, b["station_id"]), rid, b["station_id"])) == (404, "request_not_found")
    api.as_(worker).post(f"/v1/requests/{rid}/withdraw", {})
    assert error(reassign(api, admin, rid, b["station_id"])) == (422, "request_closed")
    from chalicelib.store import audit

    assert [e for e in audit.trail(f"request#{rid}") if e.action == "request_reassign"] == []


def test_a_move_read_before_a_hand_over_is_refused(api, admin, worker, library):
    from chalicelib.domain.case_errors import RequestChanged
    from chalicelib.runtime import runtime
    from chalicelib.services import cases
    from chalicelib.store.cases import get_request

    a = station(api, admin, "徐汇驿站", "Xuhui Station")
    b = station(api, admin, "浦东驿站", "Pudong Station")
    rid = submit(api, worker, {**job_help(), "station_id": a["station_id"]}).json["request_id"]
    stale = get_request(rid)  # staff of A read it here
    assert reassign(api, admin, rid, b["station_id"]).status == 200
    staff_a = Caller(member_id="m_staff_a", roles=frozenset({"staff"}), station_ids=frozenset({a["station_id"]}))
    with pytest.raises(RequestChanged):
        cases._move(staff_a, stale, "accepted", None, runtime().clock.now(), owner=None)
    assert api.as_(worker).get(f"/v1/requests/{rid}").json["status"] == "submitted"


def test_requests_filed_before_routing_are_routed_by_the_batch_job(api, admin, library, clock):
    from chalicelib.services.case_routing import route_unrouted
    from chalicelib.store import audit

    home = station(api, admin, "徐汇驿站", "Xuhui Station")
    old_timer, nowhere = new_worker(api), new_worker(api)
    rid = submit(api, old_timer, job_help()).json["request_id"]  # no city yet: like a request from before routing
    submit(api, nowhere, job_help())
    api.as_(old_timer).patch("/v1/me", {"city": "shanghai"})
    assert route_unrouted(clock.now()) == 1  # the one whose owner has a city with a station
    assert route_unrouted(clock.now()) == 0  # and only once
    assert queue_ids(api, make_staff(api, home["station_id"])) == [rid]
    seen = api.as_(old_timer).get(f"/v1/requests/{rid}").json
    assert [(h["event"], h["moved_from"], h["moved_to"]["name_zh"]) for h in seen["history"][1:]] == [
        ("reassigned", None, "徐汇驿站")
    ]
    assert [e.action for e in audit.trail(f"request#{rid}")] == ["request_route"]
