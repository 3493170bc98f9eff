"""The data export (PIPL art. 45): everything held about a member, in one zip behind an expiring link,
with staff unnamed and nobody else inside. The zip is fetched over HTTP from (moto) S3 and opened."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import requests

from chalicelib.domain.data_export import STAFF, YOU
from tests.api.services_world import job_help, join_union, move, submit
from tests.api.stations_world import book, create_station, make_staff, new_worker
from tests.api.test_admin_scores import put_score
from tests.api.test_outreach import NOTE, reach_out
from tests.support.client import Api, Session
from tests.support.exports import SECTIONS, link_expired, link_lifetime, open_export, signed_at
from tests.support.round_trips import authenticated, measure

NAME, ID = "王五", "11010519491231002X"
STAFF_NAME = "李管理"
FORMULA = '=HYPERLINK("http://evil.example/x","点我")'
FILE = b"%PDF-1.4 my resume"
TWO_PM, THREE_PM, FOUR_PM = "2026-11-27T14:00:00+08:00", "2026-11-27T15:00:00+08:00", "2026-11-27T16:00:00+08:00"


def upload(api: Api, who: Session, request_id: str) -> None:
    """Send one file the way the mini-app does: ask for a presigned POST, post the file to S3."""
    granted = api.as_(who).post(
        f"/v1/requests/{request_id}/attachments",
        {"field": "resume", "filename": "王五的简历.pdf", "content_type": "application/pdf", "size": len(FILE)},
    )
    assert granted.status == 201, granted.json
    sent = requests.post(granted.json["url"], data=granted.json["fields"], files={"file": FILE}, timeout=10)
    assert sent.status_code in (200, 204), sent.text


@pytest.fixture
def world(api: Api, admin: Session, station: dict[str, Any], library: None, clock: Any) -> dict[str, Any]:
    """A member with data in every section, staff who worked on it, and another member beside them."""
    me = new_worker(api)
    assert api.as_(me).patch("/v1/me", {"name": NAME, "id_number": ID, "city": "beijing"}).status == 200
    sid = station["station_id"]
    assert book(api, me, sid, TWO_PM).status == 201
    cancelled = book(api, me, sid, THREE_PM).json
    assert api.as_(me).post(f"/v1/bookings/{cancelled['booking_id']}/cancel").status == 200
    one_seat = create_station(api, admin, seats=1)["station_id"]
    other = new_worker(api)
    assert api.as_(other).patch("/v1/me", {"name": "赵六"}).status == 200
    assert book(api, other, one_seat, FOUR_PM).status == 201
    assert api.as_(me).post("/v1/waitlist", {"station_id": one_seat, "slot_start": FOUR_PM}).status == 201
    me = join_union(api, admin, me)
    staff = make_staff(api, sid)  # staff of the station the request is filed at
    assert api.as_(staff).patch("/v1/me", {"name": STAFF_NAME}).status == 200
    rid = submit(api, me, {**job_help(desired_occupation=FORMULA), "station_id": sid}).json["request_id"]
    upload(api, me, rid)
    assert move(api, staff, rid, "accepted", "已受理").status == 200
    api.as_(staff).post(f"/v1/requests/{rid}/comments", {"text": "请补充简历"})
    clock.advance(minutes=1)
    api.as_(me).post(f"/v1/requests/{rid}/comments", {"text": "已上传"})
    assert move(api, staff, rid, "in_progress").status == 200
    theirs = submit(api, other, job_help(desired_occupation="赵六的岗位")).json["request_id"]
    put_score(me.member_id, 0.71, "high")
    put_score(other.member_id, 0.33, "low")
    assert reach_out(api, admin, me.member_id).status == 201
    assert reach_out(api, admin, other.member_id).status == 201
    reason = "核实身份信息"
    assert (
        api.as_(admin).post(f"/v1/admin/members/{me.member_id}/reveal", {"field": "name", "reason": reason}).status
        == 200
    )
    return {"me": me, "other": other, "staff": staff, "admin": admin, "request_id": rid, "their_request": theirs}


def exported(api: Api, who: Session) -> dict[str, Any]:
    reply = api.as_(who).get("/v1/me/export")
    assert reply.status == 200, reply.json
    return reply.json


def test_every_section_is_there_and_complete(api, world):
    me = world["me"]
    got = exported(api, me)
    zipped = open_export(got["url"])
    s = zipped.sections
    assert tuple(s) == SECTIONS and got["sections"] == {
        "profile": 1,
        "bookings": 2,
        "waitlist": 1,
        "membership": 1,
        "applications": 1,
        "consents": 1,
        "requests": 1,
        "scores": 1,
        "assessment": 1,
        "outreach": 1,
        "audit": len(s["audit"]),
        "notifications": 0,
    }
    assert (s["profile"]["name"], s["profile"]["id_number"], s["profile"]["phone"]) == (NAME, ID, me.phone)
    assert sorted(b["status"] for b in s["bookings"]) == ["cancelled", "confirmed"]
    assert [h["status"] for h in next(b for b in s["bookings"] if b["status"] == "cancelled")["history"]] == [
        "confirmed",
        "cancelled",
    ]
    assert s["waitlist"][0]["status"] == "waiting"
    assert s["membership"]["status"] == "active" and s["applications"][0]["status"] == "approved"
    assert [(c["purpose"], c["policy_version"]) for c in s["consents"]] == [("membership_terms", "2026-01")]
    request = s["requests"][0]
    assert request["answers"]["contact_phone"] == "13912345678"  # the owner's own answers, in the clear
    assert [h["status"] for h in request["history"]] == ["submitted", "accepted", "in_progress"]
    assert [(c["author"], c["text"]) for c in request["comments"]] == [("staff", "请补充简历"), ("worker", "已上传")]
    assert request["attachments"][0]["filename"] == "王五的简历.pdf"
    assert s["scores"][0]["model"] == "churn" and s["scores"][0]["reasons"][0].startswith("已有 5 周没有活动")
    assert s["assessment"]["how_to_opt_out"]
    assert s["outreach"][0]["note"] == NOTE
    assert {("reveal:name", "核实身份信息")} <= {(a["action"], a["reason"]) for a in s["audit"]}
    assert s["notifications"]["items"] == [] and s["notifications"]["note"]["en"]
    assert "export" in [e["action"] for e in exported_trail(api, world)]


def exported_trail(api: Api, world: dict[str, Any]) -> list[dict[str, Any]]:
    """The member's audit trail as the next export shows it."""
    return open_export(exported(api, world["me"])["url"]).sections["audit"]


def test_staff_are_a_role_label_and_other_members_never_appear(api, world):
    zipped = open_export(exported(api, world["me"])["url"])
    s = zipped.sections
    request = s["requests"][0]
    assert [h["by"] for h in request["history"]] == [YOU, STAFF, STAFF] and request["assignee"] == STAFF
    assert s["outreach"][0]["by"] == STAFF
    assert {a["actor"] for a in s["audit"]} <= {YOU, STAFF, "系统 / system"}
    everything = b"".join(zipped.raw.values()).decode("utf-8", "replace")
    people = (world["staff"], world["admin"], world["other"])
    for leaked in (
        [STAFF_NAME, "赵六", world["their_request"]] + [p.member_id for p in people] + [p.phone for p in people]
    ):
        assert leaked not in everything, leaked


def test_the_csvs_open_in_a_spreadsheet_with_formulas_made_inert(api, world):
    zipped = open_export(exported(api, world["me"])["url"])
    assert all(zipped.raw[name].startswith(b"\xef\xbb\xbf") for name in zipped.csv_text)  # BOM: Excel reads UTF-8
    assert len(zipped.rows("bookings")) == 2 and len(zipped.rows("bookings_history")) == 3
    comments = zipped.rows("requests_comments")
    assert [c["text"] for c in comments] == ["请补充简历", "已上传"]
    assert comments[0]["request_id"] == world["request_id"]
    answers = json.loads(zipped.rows("requests")[0]["answers"])
    assert answers["desired_occupation"] == FORMULA  # inside a JSON cell: starts with "{", inert
    history = zipped.rows("requests_history")
    assert [h["by"] for h in history] == [YOU, STAFF, STAFF]
    assert zipped.rows("outreach")[0]["by"] == STAFF


def test_a_formula_cell_is_neutralised(api, worker, library):
    rid = submit(api, worker, job_help()).json["request_id"]
    api.as_(worker).post(f"/v1/requests/{rid}/comments", {"text": FORMULA})
    comments = open_export(exported(api, worker)["url"]).rows("requests_comments")
    assert comments[0]["text"] == "'" + FORMULA


def test_the_links_work_then_expire_and_name_nobody(api, world, clock):
    me = world["me"]
    at = clock.now()
    got = exported(api, me)
    assert got["expires_at"] == (at + timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    key = got["url"].split("?")[0].rsplit("/", 1)[-1]
    assert me.member_id not in got["url"] and me.phone not in got["url"] and len(key) >= 32
    assert link_lifetime(got["url"]) == 15 * 60
    attachment = open_export(got["url"]).sections["requests"][0]["attachments"][0]["download_url"]
    assert requests.get(attachment, timeout=10).content == FILE  # the attachment link works
    assert link_lifetime(attachment) == 3600
    signed = signed_at(got["url"])
    assert not link_expired(got["url"], signed + timedelta(minutes=14, seconds=59))
    assert link_expired(got["url"], signed + timedelta(minutes=15))
    assert link_expired(attachment, signed + timedelta(hours=1, seconds=1))
    clock.advance(minutes=16)
    again = exported(api, api.login(me.phone))  # a fresh export is a fresh key and a fresh link
    assert again["url"].split("?")[0] != got["url"].split("?")[0]
    assert again["expires_at"] == (clock.now() + timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_the_export_is_audited_and_its_bucket_expires_objects(api, aws, admin, worker):
    got = exported(api, worker)
    trail = api.as_(admin).get(f"/v1/admin/members/{worker.member_id}/audit").json
    assert [(e["action"], e["actor"]) for e in trail] == [("export", worker.member_id)]
    s3 = aws.client("s3")
    rules = s3.get_bucket_lifecycle_configuration(Bucket=aws.settings.exports_bucket)["Rules"]
    assert [(r["Status"], r["Expiration"]["Days"]) for r in rules] == [("Enabled", 1)]
    key = got["url"].split("?")[0].split(".amazonaws.com/", 1)[1]
    stored = s3.head_object(Bucket=aws.settings.exports_bucket, Key=key)
    assert stored["ServerSideEncryption"] == "aws:kms"


def test_round_trips_are_bounded_per_section(api, world, calls):
    ops = measure(calls, lambda: api.as_(world["me"]).get("/v1/me/export"))
    # GetItem member, membership; the assessment's member profile, activity, privacy choice, thresholds;
    # 8 section Queries + 1 comments Query per request (1 here); the audit entry
    assert ops == authenticated({"GetItem": 6, "Query": 9, "TransactWriteItems": 1})
