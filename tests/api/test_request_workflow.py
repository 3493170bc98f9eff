"""The request workflow through the API: every status x every move, who and when in the history,
conditional writes against stale state, SLA clocks per stage, the staff queue and the escalation sweep."""

from datetime import UTC, datetime

import pytest

from chalicelib.domain.cases import STATUSES
from tests.api.services_world import error, job_help, move, run_schedule, submit
from tests.api.stations_world import new_worker

PATH_TO = {
    "submitted": [],
    "accepted": ["accepted"],
    "in_progress": ["accepted", "in_progress"],
    "resolved": ["accepted", "in_progress", "resolved"],
    "rejected": ["rejected"],
    "withdrawn": None,
}
STAFF_LEGAL = {
    ("submitted", "accepted"),
    ("submitted", "rejected"),
    ("accepted", "in_progress"),
    ("accepted", "rejected"),
    ("in_progress", "resolved"),
    ("in_progress", "rejected"),
}


def request_in(api, worker, staff, status):
    rid = submit(api, worker, job_help()).json["request_id"]
    if status == "withdrawn":
        api.as_(worker).post(f"/v1/requests/{rid}/withdraw", {})
    for to in PATH_TO[status] or []:
        assert move(api, staff, rid, to, "理由").status == 200
    return rid


@pytest.mark.parametrize("status", STATUSES)
def test_every_move_from_every_status(api, worker, staff, library, status):
    for to in ("accepted", "in_progress", "resolved", "rejected"):
        rid = request_in(api, worker, staff, status)
        reply = move(api, staff, rid, to, "理由")
        if (status, to) in STAFF_LEGAL:
            assert (reply.status, reply.json["status"]) == (200, to)
        else:
            assert error(reply) == (422, "illegal_transition"), (status, to)
    rid = request_in(api, worker, staff, status)
    withdrawn = api.as_(worker).post(f"/v1/requests/{rid}/withdraw", {"note": "已自行解决"})
    if status in ("submitted", "accepted", "in_progress"):
        assert (withdrawn.status, withdrawn.json["status"]) == (200, "withdrawn")
    else:
        assert error(withdrawn) == (422, "illegal_transition")


def test_history_records_who_when_and_why(api, worker, staff, library, clock):
    rid = submit(api, worker, job_help()).json["request_id"]
    accepted = move(api, staff, rid, "accepted").json
    assert accepted["assignee"] == staff.member_id
    clock.advance(hours=1)
    staff_now = api.login(staff.phone)
    move(api, staff_now, rid, "in_progress", "已联系两家企业")
    assert error(move(api, staff_now, rid, "rejected")) == (422, "note_required")
    done = move(api, staff_now, rid, "resolved", "已入职").json
    assert [(h["status"], h["by"], h["at"][:16], h.get("note")) for h in done["history"]] == [
        ("submitted", worker.member_id, "2026-11-27T02:00", None),
        ("accepted", staff.member_id, "2026-11-27T02:00", None),
        ("in_progress", staff.member_id, "2026-11-27T03:00", "已联系两家企业"),
        ("resolved", staff.member_id, "2026-11-27T03:00", "已入职"),
    ]
    assert done["sla_due"] is None


def test_two_staff_cannot_both_act_on_a_stale_state(api, worker, staff, library):
    from chalicelib.domain.access import Caller
    from chalicelib.domain.case_errors import RequestChanged
    from chalicelib.runtime import runtime
    from chalicelib.services import cases
    from chalicelib.store.cases import get_request

    rid = submit(api, worker, job_help()).json["request_id"]
    stale = get_request(rid)  # the second staff member read it here
    assert move(api, staff, rid, "accepted").status == 200  # the first one accepts
    other = Caller(member_id="m_other_staff", roles=frozenset({"staff"}))
    with pytest.raises(RequestChanged):
        cases._move(other, stale, "rejected", "重复", runtime().clock.now(), owner=None)
    assert api.as_(worker).get(f"/v1/requests/{rid}").json["status"] == "accepted"


def test_the_queue_is_ordered_by_due_time_and_filters(api, worker, staff, library, clock):
    slow = submit(api, worker, job_help()).json  # 24 working hours: Monday 10:00
    law = {
        "scenario_key": "labour_law_consultation",
        "answers": {"topic": "wages", "question": "加班费怎么计算才合法？", "contact_by": "in_app"},
    }
    fast = submit(api, worker, law).json  # 8 working hours: Friday 18:00
    queue = api.as_(staff).get("/v1/staff/requests").json
    assert [r["request_id"] for r in queue] == [fast["request_id"], slow["request_id"]]
    assert [r["request_id"] for r in api.as_(staff).get("/v1/staff/requests?scenario=job_seeking_help").json] == [
        slow["request_id"]
    ]
    move(api, staff, slow["request_id"], "accepted")
    assert [r["status"] for r in api.as_(staff).get("/v1/staff/requests?status=accepted").json] == ["accepted"]
    assert api.as_(staff).get("/v1/staff/requests?overdue=true").json == []
    assert api.as_(staff).get("/v1/staff/requests?status=resolved").status == 400  # closed ones are not a queue


def test_overdue_requests_are_flagged_and_escalated_once(api, admin, worker, staff, library, clock):
    law = {
        "scenario_key": "labour_law_consultation",
        "answers": {"topic": "dismissal", "question": "公司口头辞退我，没有任何补偿", "contact_by": "phone"},
    }
    rid = submit(api, worker, law).json["request_id"]  # due Friday 18:00 China time
    assert run_schedule(api, "request_sla_sweep") == {"escalated": 0}
    clock.advance(hours=8, minutes=1)
    assert run_schedule(api, "request_sla_sweep") == {"escalated": 1}
    assert run_schedule(api, "request_sla_sweep") == {"escalated": 0}
    staff = api.login(staff.phone)
    overdue = api.as_(staff).get("/v1/staff/requests?overdue=true").json
    assert [(r["request_id"], r["overdue"], r["escalations"]) for r in overdue] == [(rid, True, 1)]
    assert overdue[0]["history"][-1]["event"] == "escalated"
    admin = api.login(admin.phone)
    from chalicelib.store import audit

    assert [e.action for e in audit.trail(f"request#{rid}")] == ["escalate"]
    accepted = move(api, staff, rid, "accepted").json  # a new stage, a new clock
    assert (accepted["overdue"], accepted["sla_due"]) == (False, "2026-11-30T02:01:00.000000Z")  # Mon 10:01
    assert api.as_(staff).get("/v1/staff/requests?overdue=true").json == []


def test_the_clock_stops_over_golden_week(api, library, clock):
    clock.advance(seconds=(datetime(2026, 9, 30, 2, 0, tzinfo=UTC) - clock.now()).total_seconds())
    worker = new_worker(api)
    filed = submit(api, worker, job_help()).json  # Wed 30 Sep 10:00, 24 working hours
    assert filed["sla_due"] == "2026-10-08T02:00:00.000000Z"  # 14 h on 30 Sep + 10 h on 8 Oct
    clock.advance(days=5)
    assert run_schedule(api, "request_sla_sweep") == {"escalated": 0}
    clock.advance(days=3, hours=1)
    assert run_schedule(api, "request_sla_sweep") == {"escalated": 1}
