"""Outreach: admins record what they did about a member's score and how it ended. The note is sealed
(never stored or logged in the clear, not even in the idempotency table), the churn score in force is
kept with it, the member's activity counts it, every step is audited, retries are safe."""

from __future__ import annotations

import logging

import pytest

from tests.api.stations_world import new_worker
from tests.api.test_admin_scores import put_score
from tests.api.test_no_plaintext_pii import every_item
from tests.support.client import Api, Session
from tests.support.round_trips import authenticated, measure

NOTE = "电话 13912345678 打不通，家属欧阳娜娜说他换了工作"
EN = {"Accept-Language": "en"}


@pytest.fixture
def member(api: Api) -> Session:
    return new_worker(api)


def reach_out(api: Api, admin: Session, member_id: str, body: dict | None = None, **kw) -> object:
    return api.as_(admin).post(
        f"/v1/admin/members/{member_id}/outreach", body if body is not None else {"action": "call", "note": NOTE}, **kw
    )


def test_an_outreach_keeps_the_churn_score_in_force_and_the_note_sealed(api, aws, admin, member, clock, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    put_score(member.member_id, 0.71, "high")
    reply = reach_out(api, admin, member.member_id)
    assert reply.status == 201, reply.json
    made = reply.json
    assert made["action"] == "call" and made["note"] == NOTE and made["by"] == admin.member_id
    assert made["churn"] == {
        "probability": 0.71,
        "tier": "high",
        "model_version": "churn-2026-11-27-c940de07",
        "scored_at": "2026-11-27T01:00:00.000000Z",
    }
    assert made["outcome"] is None
    listed = api.as_(admin).get(f"/v1/admin/members/{member.member_id}/outreach")
    assert listed.status == 200 and listed.json == [made]
    stored = every_item(aws)
    logged = capsys.readouterr().out + capsys.readouterr().err + "\n".join(r.getMessage() for r in caplog.records)
    assert made["outreach_id"] in stored
    for secret in (NOTE, "13912345678", "欧阳娜娜"):
        assert secret not in stored and secret not in logged


def test_an_unscored_member_can_be_reached_too(api, admin, member):
    reply = reach_out(api, admin, member.member_id, {"action": "offer_service"})
    assert reply.status == 201 and reply.json["churn"] is None and reply.json["note"] is None


def test_the_member_activity_counts_the_outreach_and_the_audit_trail_shows_it(api, admin, member, clock):
    from chalicelib.domain.activity import week_counter
    from chalicelib.services import activity

    made = reach_out(api, admin, member.member_id).json
    assert activity.counters(member.member_id)[week_counter("outreach_received", clock.now())] == 1
    trail = api.as_(admin).get(f"/v1/admin/members/{member.member_id}/audit").json
    assert [e["action"] for e in trail] == ["outreach"] and trail[0]["actor"] == admin.member_id
    clock.advance(minutes=1)
    api.as_(admin).post(
        f"/v1/admin/members/{member.member_id}/outreach/{made['outreach_id']}/outcome", {"outcome": "retained"}
    )
    assert [e["action"] for e in api.as_(admin).get(f"/v1/admin/members/{member.member_id}/audit").json] == [
        "outreach_outcome",
        "outreach",
    ]


def test_a_retry_with_the_same_key_records_one_outreach(api, aws, admin, member):
    key = {"Idempotency-Key": "outreach-7f3c"}
    first = reach_out(api, admin, member.member_id, headers=key)
    again = reach_out(api, admin, member.member_id, headers=key)
    assert first.status == again.status == 201 and again.json == first.json
    assert len(api.as_(admin).get(f"/v1/admin/members/{member.member_id}/outreach").json) == 1
    other = reach_out(api, admin, member.member_id, {"action": "sms"}, headers=key)
    assert (other.status, other.json["error"]["code"]) == (422, "idempotency_key_reused")
    assert NOTE not in every_item(aws)  # the replay store keeps only the id


def test_the_same_key_for_another_member_is_another_outreach(api, admin, member):
    other = new_worker(api)
    key = {"Idempotency-Key": "same-key"}
    a = reach_out(api, admin, member.member_id, headers=key).json
    b = reach_out(api, admin, other.member_id, headers=key).json
    assert (a["member_id"], b["member_id"]) == (member.member_id, other.member_id)


def test_outcomes_are_recorded_corrected_and_listed_newest_first(api, admin, member, clock):
    first = reach_out(api, admin, member.member_id, {"action": "sms"}).json
    clock.advance(minutes=5)
    second = reach_out(api, admin, member.member_id, {"action": "visit", "note": "上门"}).json
    url = f"/v1/admin/members/{member.member_id}/outreach/{second['outreach_id']}/outcome"
    done = api.as_(admin).post(url, {"outcome": "no_answer"})
    assert done.status == 200 and done.json["outcome"] == "no_answer" and done.json["note"] == "上门"
    fixed = api.as_(admin).post(url, {"outcome": "retained"}).json
    assert fixed["outcome"] == "retained" and fixed["outcome_by"] == admin.member_id
    listed = api.as_(admin).get(f"/v1/admin/members/{member.member_id}/outreach").json
    assert [o["outreach_id"] for o in listed] == [second["outreach_id"], first["outreach_id"]]
    assert listed[0]["outcome"] == "retained" and listed[1]["outcome"] is None


@pytest.mark.parametrize(
    "body,field",
    [
        ({"action": "shout"}, "action"),
        ({}, "action"),
        ({"action": "call", "note": "x" * 2001}, "note"),
        ({"action": "call", "extra": 1}, "extra"),
    ],
)
def test_bad_outreach_bodies_are_400_naming_the_field(api, admin, member, body, field):
    reply = reach_out(api, admin, member.member_id, body, headers=EN)
    assert reply.status == 400 and [d["field"] for d in reply.json["error"]["details"]] == [field], reply.json


def test_a_bad_outcome_is_400_and_an_unknown_outreach_404(api, admin, member):
    made = reach_out(api, admin, member.member_id).json
    url = f"/v1/admin/members/{member.member_id}/outreach/{made['outreach_id']}/outcome"
    bad = api.as_(admin).post(url, {"outcome": "maybe"})
    assert bad.status == 400 and bad.json["error"]["details"][0]["field"] == "outcome"
    missing = api.as_(admin).post(f"/v1/admin/members/{member.member_id}/outreach/or_nope/outcome", {"outcome": "left"})
    assert (missing.status, missing.json["error"]["code"]) == (404, "outreach_not_found")
    elsewhere = api.as_(admin).post(
        f"/v1/admin/members/m_other/outreach/{made['outreach_id']}/outcome", {"outcome": "left"}
    )
    assert elsewhere.status == 404


def test_unknown_and_erased_members_are_404(api, admin, member):
    assert reach_out(api, admin, "m_nobody").status == 404
    assert api.as_(admin).get("/v1/admin/members/m_nobody/outreach").status == 404
    assert api.as_(member).delete("/v1/me").status in (200, 204)
    assert reach_out(api, admin, member.member_id).status == 404
    assert api.as_(admin).get(f"/v1/admin/members/{member.member_id}/outreach").status == 404


def test_erasure_can_drop_the_notes_and_keep_the_outcomes(api, aws, admin, member):
    from chalicelib.store import outreach as store

    made = reach_out(api, admin, member.member_id).json
    reach_out(api, admin, member.member_id, {"action": "sms"})
    api.as_(admin).post(
        f"/v1/admin/members/{member.member_id}/outreach/{made['outreach_id']}/outcome", {"outcome": "left"}
    )
    assert store.forget_notes(member.member_id) == 1
    kept = store.of_member(member.member_id)
    assert len(kept) == 2 and all(r.note_sealed is None for r in kept) and {r.outcome for r in kept} == {"left", None}


def test_only_admins_reach_out(api, member):
    from chalicelib.services.members import grant_by_phone

    grant_by_phone("13700009998", {"staff"}, {"st-x"})
    for who in (member, api.login("13700009998")):
        assert reach_out(api, who, member.member_id).status == 403
        assert api.as_(who).get(f"/v1/admin/members/{member.member_id}/outreach").status == 403


def test_round_trips(api, admin, member, calls):
    put_score(member.member_id, 0.3, "medium")
    ops = measure(calls, lambda: reach_out(api, admin, member.member_id))
    assert ops == authenticated({"BatchGetItem": 1, "TransactWriteItems": 1})
    made = api.as_(admin).get(f"/v1/admin/members/{member.member_id}/outreach").json[0]
    assert measure(
        calls, lambda: api.as_(admin).get(f"/v1/admin/members/{member.member_id}/outreach")
    ) == authenticated(
        {
            "GetItem": 1,
            "Query": 1,
        }
    )
    url = f"/v1/admin/members/{member.member_id}/outreach/{made['outreach_id']}/outcome"
    assert measure(calls, lambda: api.as_(admin).post(url, {"outcome": "reached"})) == authenticated(
        {
            "GetItem": 1,
            "TransactWriteItems": 1,
        }
    )
