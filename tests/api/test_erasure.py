"""PIPL art. 47: after DELETE /v1/me nothing lets anyone read who the person was - through the member's
own routes, staff and admin routes, or the store - while anonymous counts survive, an open rights case
under a legal hold is explained, and a retried DELETE finishes what a failure left."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from chalicelib.domain.erasure import REDACTED
from chalicelib.runtime import Runtime, install
from tests.api.services_world import apply, error, job_help, join_union, move, submit
from tests.api.stations_world import book, create_station, new_worker, slot_counts
from tests.api.test_idempotency_records import idempotency_items
from tests.api.test_no_plaintext_pii import every_item
from tests.api.test_waitlist import entries, full_slot, join

NAME, ID = "欧阳春花", "11010519491231002X"
COMMENT, REPLY = "我的微信是 chunhua_1990", "春花您好，您在仓库的工资我们已记下"
FILENAME, NOTE = "欧阳春花简历.pdf", "已联系欧阳春花本人，她说下周再来"
THREE_PM = "2026-11-27T15:00:00+08:00"
REVEAL_REASON, MOVE_NOTE = "核实欧阳春花的身份以便推荐岗位", "已电话联系春花，约好周一面试"


def erase(api, who) -> dict[str, Any]:
    reply = api.as_(who).delete("/v1/me")
    assert reply.status == 200, reply.json
    return reply.json


def kinds(receipt: dict[str, Any], side: str) -> dict[str, int]:
    return {k["kind"]: k["count"] for k in receipt[side]}


def objects(aws, request_id: str) -> list[str]:
    found = aws.client("s3").list_objects_v2(Bucket=aws.settings.attachments_bucket, Prefix=f"requests/{request_id}/")
    return [o["Key"] for o in found.get("Contents", [])]


def filed_job_request(api, aws, worker, staff) -> str:
    """A job-seeking request with a file in S3, the worker's comment, a staff reply and a staff note."""
    rid = submit(api, worker, job_help(desired_occupation="仓库管理员（欧阳春花）")).json["request_id"]
    granted = (
        api.as_(worker)
        .post(
            f"/v1/requests/{rid}/attachments",
            {"field": "resume", "filename": FILENAME, "content_type": "application/pdf", "size": 100},
        )
        .json
    )
    aws.client("s3").put_object(Bucket=aws.settings.attachments_bucket, Key=granted["fields"]["key"], Body=b"%PDF")
    assert api.as_(worker).post(f"/v1/requests/{rid}/comments", {"text": COMMENT}).status == 201
    assert api.as_(staff).post(f"/v1/requests/{rid}/comments", {"text": REPLY}).status == 201
    assert move(api, staff, rid, "accepted", note=MOVE_NOTE).status == 200
    return rid


def test_erasure_leaves_nothing_that_says_who_they_were(api, aws, admin, staff, worker, library):
    api.as_(worker).patch(
        "/v1/me", {"name": NAME, "id_number": ID}
    )  # the city stays the desk's: the request is routed there
    rid = filed_job_request(api, aws, worker, staff)
    assert (
        api.as_(admin)
        .post(f"/v1/admin/members/{worker.member_id}/reveal", {"field": "name", "reason": REVEAL_REASON})
        .json["value"]
        == NAME
    )
    made = api.as_(admin).post(f"/v1/admin/members/{worker.member_id}/outreach", {"action": "call", "note": NOTE})
    assert made.status == 201, made.json
    keyed = api.as_(worker).put("/v1/me/privacy", {"profiling": True}, headers={"Idempotency-Key": "privacy-1"})
    assert keyed.status == 200, keyed.json
    receipt = erase(api, worker)

    assert kinds(receipt, "erased") | {"profile": 1} == kinds(receipt, "erased")
    assert kinds(receipt, "erased")["idempotency"] >= 1  # the keyed write's replayable answer
    assert worker.member_id not in [i["id"]["S"] for i in idempotency_items(aws)]
    assert {k: kinds(receipt, "erased")[k] for k in ("requests", "comments", "attachments", "outreach_notes")} == {
        "requests": 1,
        "comments": 2,
        "attachments": 1,
        "outreach_notes": 1,
    }
    assert kinds(receipt, "erased")["audit_notes"] >= 1 and "erasure_record" in kinds(receipt, "kept")
    assert all(k["label_zh"] and k["label_en"] for k in receipt["erased"])
    # the member's own doors are shut
    assert api.as_(worker).get("/v1/me").status in (401, 404)
    # staff doors: the request says nothing about the person, the thread shows replies existed
    seen = api.as_(staff).get(f"/v1/requests/{rid}").json
    assert seen["answers"] == {} and seen["attachments"] == [] and seen["status"] == "withdrawn"
    assert [c["text"] for c in seen["comments"]] == [REDACTED, REDACTED]
    assert all(not h.get("note") for h in seen["history"])
    assert rid not in [r["request_id"] for r in api.as_(staff).get("/v1/staff/requests?status=accepted").json]
    # admin doors: no name, no reasons, no notes
    trail = api.as_(admin).get(f"/v1/admin/members/{worker.member_id}/audit").json
    assert trail and all(e.get("reason") is None for e in trail)
    assert api.as_(admin).get(f"/v1/admin/members/{worker.member_id}").status == 404
    assert api.as_(admin).get(f"/v1/admin/members/{worker.member_id}/outreach").status == 404
    # the store and S3: nothing in the clear, no notes, no objects
    from chalicelib.store import outreach

    assert [o.note_sealed for o in outreach.of_member(worker.member_id)] == [None]
    assert objects(aws, rid) == []
    stored = every_item(aws)
    for secret in (
        NAME,
        ID,
        REVEAL_REASON,
        "chunhua_1990",
        "欧阳春花简历",
        MOVE_NOTE,
        "仓库管理员（欧阳春花）",
        "13912345678",
    ):
        assert secret not in stored, f"{secret} still stored"
    assert f"member#{worker.member_id}" in stored  # the erasure itself stays on record


def test_upcoming_bookings_are_cancelled_and_each_seat_offered_to_the_waitlist(api, admin, rider, clock):
    sid, booked, first, second = full_slot(api, admin, rider, clock)
    other = create_station(api, admin, seats=1)
    book(api, new_worker(api), other["station_id"], THREE_PM)
    assert join(api, rider, other["station_id"], THREE_PM).status == 201  # the rider also waits elsewhere
    receipt = erase(api, rider)
    assert kinds(receipt, "erased")["bookings"] == 1 and kinds(receipt, "erased")["waitlist"] == 1
    assert entries(api, first)[0]["status"] == "offered" and entries(api, second)[0]["status"] == "waiting"
    counts = slot_counts(sid, "2026-11-27T06:00:00Z")
    assert (counts.booked, counts.held, counts.waiting) == (0, 1, 1)
    assert slot_counts(other["station_id"], "2026-11-27T07:00:00Z").waiting == 0
    from chalicelib.store import bookings, waitlist

    assert [b.status for b in bookings.upcoming(rider.member_id, clock.now())] == []
    assert waitlist.of_member(rider.member_id) == []  # removed, not only left
    roster = api.as_(admin).get(f"/v1/staff/stations/{sid}/roster?date=2026-11-27")
    assert roster.status == 200 and roster.json == []  # the cancelled booking left the station's day


def test_a_pending_application_is_withdrawn_and_can_no_longer_be_approved(api, admin, worker):
    application = apply(api, worker).json
    receipt = erase(api, worker)
    assert kinds(receipt, "erased")["applications"] == 1
    approved = api.as_(admin).post(f"/v1/admin/membership/applications/{application['application_id']}/approve", {})
    assert approved.status in (404, 409) and error(approved)[1] in ("application_decided", "application_not_found")
    pending = api.as_(admin).get("/v1/admin/membership/applications?status=pending").json
    assert application["application_id"] not in [a["application_id"] for a in pending]


def test_membership_is_ended_and_the_member_number_and_decision_notes_forgotten(api, admin, worker):
    rejected = apply(api, worker).json["application_id"]
    api.as_(admin).post(f"/v1/admin/membership/applications/{rejected}/reject", {"reason": "欧阳春花的材料不全"})
    member = join_union(api, admin, worker)
    receipt = erase(api, member)
    assert kinds(receipt, "erased")["membership"] == 1 and kinds(receipt, "erased")["decision_notes"] == 1
    from chalicelib.store import membership

    held = membership.get_membership(worker.member_id)
    assert held.status == "left" and held.member_number is None
    assert membership.get_application(rejected).reason is None
    listed = api.as_(admin).get("/v1/admin/membership/applications?status=rejected").json
    assert [(a["reason"], a["name"]) for a in listed if a["member_id"] == worker.member_id] == [(None, "—")]


def test_anonymous_counts_survive_without_identity(api, admin, staff, worker, wage_claim, library, clock):
    rid = submit(api, worker, wage_claim).json["request_id"]
    for to in ("accepted", "in_progress", "resolved"):
        assert move(api, staff, rid, to, note="已追回" if to == "resolved" else None).status == 200
    cases = f"/v1/admin/employers/{wage_claim['answers']['employer_id']}/cases"
    risk = f"/v1/admin/employers/{wage_claim['answers']['employer_id']}/risk"

    def counted() -> tuple[Any, Any]:
        listed = api.as_(admin).get(cases).json
        return [(c["category"], c["status"], c["employer_id"]) for c in listed], api.as_(admin).get(risk).json["inputs"]

    before = counted()
    erase(api, worker)
    assert counted() == before
    assert api.as_(admin).get(cases).json[0]["answers"] == {}


def test_an_open_rights_case_is_kept_under_a_legal_hold_and_the_receipt_says_why(
    api, staff, worker, wage_claim, library
):
    rid = submit(api, worker, wage_claim).json["request_id"]
    receipt = erase(api, worker)
    held = next(k for k in receipt["kept"] if k["kind"] == "rights_cases")
    assert held["count"] == 1 and "结案后删除" in held["why_zh"] and "erased when the case closes" in held["why_en"]
    seen = api.as_(staff).get(f"/v1/requests/{rid}").json
    assert seen["answers"]["id_number"] == "1101**********002X" and seen["status"] == "submitted"
    for to in ("accepted", "in_progress"):
        assert move(api, staff, rid, to).json["answers"]["description"] == wage_claim["answers"]["description"]
    closed = move(api, staff, rid, "resolved", note="已为欧阳春花追回工资").json
    assert closed["status"] == "resolved" and closed["answers"] == {}  # the hold ends with the case
    assert all(not h.get("note") for h in closed["history"])


class _S3WithoutDeletes:
    """An S3 client whose deletes fail (an outage midway through an erasure)."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def delete_objects(self, **_: Any) -> Any:
        raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "down"}}, "DeleteObjects")


class _S3Down(Runtime):
    def client(self, service: str) -> Any:
        real = super().client(service)
        return _S3WithoutDeletes(real) if service == "s3" else real


def test_a_second_delete_after_a_failure_finishes_the_job(api, aws, clock, staff, worker, library):
    rid = filed_job_request(api, aws, worker, staff)
    install(_S3Down(aws.settings, clock=clock))
    try:
        failed = api.as_(worker).delete("/v1/me")
    finally:
        install(aws)
    assert failed.status == 500 and failed.json["error"]["code"]
    assert objects(aws, rid) and api.as_(worker).get("/v1/me").status == 200  # nothing half-erased blocks a retry
    receipt = erase(api, worker)
    assert kinds(receipt, "erased")["attachments"] == 1
    assert objects(aws, rid) == [] and api.as_(staff).get(f"/v1/requests/{rid}").json["answers"] == {}


def test_round_trips_of_erasing_an_account_with_nothing_else(api, calls, worker):
    """The fixed cost (services.erasure "Round trips:"); each item found adds its own cleanup's."""
    from tests.support.round_trips import authenticated, measure

    assert measure(calls, lambda: api.as_(worker).delete("/v1/me")) == authenticated(
        {"GetItem": 3, "Query": 9, "TransactWriteItems": 1}  # Query 9: + the member's idempotency records
    )
