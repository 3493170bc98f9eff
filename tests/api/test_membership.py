"""Joining the union: apply with consent, one open application, the admin queue with its working-day
due date, approve (member number) or reject with a reason, the e-card verified by staff."""

import pytest

from tests.api.services_world import apply, error, fields_of, join_union, pool_application
from tests.api.stations_world import make_staff, new_worker


def approve(api, admin, application_id, note=None):
    return api.as_(admin).post(
        f"/v1/admin/membership/applications/{application_id}/approve", {"note": note} if note else {}
    )


def test_join_approve_and_show_the_card_to_staff(api, admin, worker):
    api.as_(worker).patch("/v1/me", {"name": "欧阳娜娜"})
    applied = apply(api, worker)
    assert applied.status == 201, applied.json
    assert applied.json["status"] == "pending" and applied.json["due_date"] == "2026-12-02"  # Fri + 3 working days
    queue = api.as_(admin).get("/v1/admin/membership/applications").json
    assert [(a["application_id"], a["name"]) for a in queue] == [(applied.json["application_id"], "欧***")]
    approved = approve(api, admin, applied.json["application_id"], "材料齐全")
    assert approved.status == 200, approved.json
    assert (approved.json["status"], approved.json["member_number"]) == ("approved", "WH-2026-000001")
    member = api.login(worker.phone)
    mine = api.as_(member).get("/v1/me/membership").json
    assert (mine["status"], mine["member_number"], mine["since"], mine["renewal_due"]) == (
        "active",
        "WH-2026-000001",
        "2026-11-27",
        "2027-11-27",
    )
    assert mine["card"]["qr_svg_data_url"].startswith("data:image/svg+xml")
    staff = make_staff(api, "st-any")
    checked = api.as_(staff).post("/v1/staff/member-cards/verify", {"token": mine["card"]["token"]})
    assert checked.status == 200, checked.json
    assert checked.json == {
        "valid": True,
        "name": "欧***",
        "member_number": "WH-2026-000001",
        "status": "active",
        "renewal_due": "2027-11-27",
    }
    assert api.as_(admin).get("/v1/admin/membership/applications").json == []
    assert [a["status"] for a in api.as_(admin).get("/v1/admin/membership/applications?status=approved").json] == [
        "approved"
    ]
    trail = api.as_(admin).get(f"/v1/admin/members/{worker.member_id}/audit").json
    assert [(e["action"], e["reason"]) for e in trail][:1] == [("membership_approve", "材料齐全")]


def test_the_token_says_member_after_the_next_login(api, admin, worker):
    from devstack.seed_services import seed_scenarios

    seed_scenarios()
    assert "hardship_aid_application" not in [s["key"] for s in api.as_(worker).get("/v1/scenarios").json]
    member = join_union(api, admin, worker)
    assert "hardship_aid_application" in [s["key"] for s in api.as_(member).get("/v1/scenarios").json]


def test_one_open_application_at_a_time_and_members_cannot_apply_again(api, admin, worker):
    first = apply(api, worker)
    assert error(apply(api, worker)) == (409, "application_open")
    approve(api, admin, first.json["application_id"])
    assert error(apply(api, worker)) == (409, "already_member")
    assert error(approve(api, admin, first.json["application_id"])) == (409, "application_decided")


def test_member_numbers_are_unique_and_sequential(api, admin):
    numbers = []
    for _ in range(3):
        who = new_worker(api)
        numbers.append(approve(api, admin, apply(api, who).json["application_id"]).json["member_number"])
    assert numbers == ["WH-2026-000001", "WH-2026-000002", "WH-2026-000003"]


def test_consent_is_recorded_with_the_policy_version(api, worker):
    assert error(apply(api, worker, pool_application(policy_version="2025-01"))) == (422, "policy_outdated")
    refused = apply(api, worker, pool_application(accepted=False))
    assert refused.status == 400 and fields_of(refused) == {"consent": "consent_required"}
    apply(api, worker)
    consents = api.as_(worker).get("/v1/me/consents").json
    assert consents == [
        {
            "purpose": "membership_terms",
            "policy_version": "2026-01",
            "given_at": "2026-11-27T02:00:00.000000Z",
            "withdrawn_at": None,
        }
    ]


def test_an_employer_union_must_exist(api, worker, aws):
    from chalicelib.store.employer_tables import EmployerRecord

    EmployerRecord(
        "emp-u", name_zh="有工会的公司", name_en="Unionised Co.", city="beijing", industry="x", has_union=True
    ).save()
    EmployerRecord("emp-n", name_zh="没工会的公司", name_en="No-union Co.", city="beijing", industry="x").save()
    body = {"union": {"kind": "employer_union", "employer_id": "emp-n"}, "consent": pool_application()["consent"]}
    assert error(apply(api, worker, body)) == (400, "unknown_union")
    missing = apply(api, worker, {**body, "union": {"kind": "employer_union"}})
    assert fields_of(missing) == {"union": "union_needs_employer"}
    ok = apply(api, worker, {**body, "union": {"kind": "employer_union", "employer_id": "emp-u"}})
    assert ok.status == 201 and (ok.json["employer_name_zh"], ok.json["city"]) == ("有工会的公司", "beijing")


def test_rejected_with_a_reason_then_apply_again(api, admin, worker):
    application_id = apply(api, worker).json["application_id"]
    path = f"/v1/admin/membership/applications/{application_id}/reject"
    assert api.as_(admin).post(path, {}).status == 400  # a reason is required
    rejected = api.as_(admin).post(path, {"reason": "不在本区域工作"})
    assert (rejected.status, rejected.json["status"], rejected.json["reason"]) == (200, "rejected", "不在本区域工作")
    trail = api.as_(admin).get(f"/v1/admin/members/{worker.member_id}/audit").json
    assert ("membership_reject", "不在本区域工作") in [(e["action"], e["reason"]) for e in trail]
    assert api.as_(worker).get("/v1/me/membership").json["status"] is None
    assert apply(api, worker).status == 201


def test_the_applicant_may_withdraw_nobody_else(api, worker):
    application_id = apply(api, worker).json["application_id"]
    other = new_worker(api)
    path = f"/v1/membership/applications/{application_id}/withdraw"
    assert error(api.as_(other).post(path)) == (404, "application_not_found")
    assert api.as_(worker).get("/v1/me/membership").json["open_application"]["application_id"] == application_id
    assert api.as_(worker).post(path).json["status"] == "withdrawn"
    assert api.as_(worker).get("/v1/me/consents").json[0]["withdrawn_at"] == "2026-11-27T02:00:00.000000Z"
    assert error(api.as_(worker).post(path)) == (409, "application_decided")
    assert apply(api, worker).status == 201


def test_the_queue_is_oldest_first_and_for_admins_only(api, admin, worker, clock):
    first = apply(api, worker).json
    clock.advance(hours=1)
    second = apply(api, new_worker(api)).json
    admin = api.login(admin.phone)  # access tokens last 15 minutes
    queue = api.as_(admin).get("/v1/admin/membership/applications?status=pending")
    assert [a["application_id"] for a in queue.json] == [first["application_id"], second["application_id"]]
    assert error(api.as_(api.login(worker.phone)).get("/v1/admin/membership/applications")) == (403, "role_not_allowed")


@pytest.fixture
def card(api, admin, worker):
    member = join_union(api, admin, worker)
    return api.as_(member).get("/v1/me/membership").json["card"]["token"]


def test_forged_foreign_and_expired_cards_are_refused(api, card, worker, clock):
    staff = make_staff(api, "st-any")
    verify = lambda token: api.as_(staff).post("/v1/staff/member-cards/verify", {"token": token})  # noqa: E731
    forged = card[:-4] + ("AAAA" if not card.endswith("AAAA") else "BBBB")
    assert error(verify(forged)) == (400, "invalid_card")
    assert error(verify(worker.access_token)) == (400, "invalid_card")  # an access token is not a card
    assert error(verify("not-a-token")) == (400, "invalid_card")
    clock.advance(minutes=6)
    staff = make_staff(api, "st-any")
    assert error(verify(card)) == (400, "card_expired")
    assert error(api.as_(worker).post("/v1/staff/member-cards/verify", {"token": card})) == (403, "role_not_allowed")


def test_a_card_of_someone_who_left_shows_invalid(api, card, worker):
    member = api.login(worker.phone)
    left = api.as_(member).post("/v1/me/membership/leave")
    assert left.status == 200 and left.json["status"] == "left" and left.json["card"] is None
    staff = make_staff(api, "st-any")
    checked = api.as_(staff).post("/v1/staff/member-cards/verify", {"token": card}).json
    assert (checked["valid"], checked["status"]) == (False, "left")
    assert api.as_(member).get("/v1/me/consents").json[0]["withdrawn_at"] is not None
    assert error(api.as_(member).post("/v1/me/membership/leave")) == (422, "not_a_member")


def test_joining_and_leaving_count_for_the_employer(api, admin, worker, employers):
    """The labour-risk features read members joined/left per employer from the activity table."""
    from chalicelib.domain.activity import employer_subject
    from chalicelib.services import activity

    assert api.as_(worker).patch("/v1/me", {"city": "beijing", "employer_id": "emp-bj-1"}).status == 200
    member = join_union(api, admin, worker)
    assert activity.counters(employer_subject("emp-bj-1")) == {"w2026_48_members_joined": 1}
    assert api.as_(member).post("/v1/me/membership/leave").status == 200
    assert activity.counters(employer_subject("emp-bj-1")) == {"w2026_48_members_joined": 1, "w2026_48_members_left": 1}
    assert activity.counters(employer_subject("emp-bj-2")) == {}
