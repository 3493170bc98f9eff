"""The profile mirror: the members-item fields batch scoring reads, copied onto the member's activity item
(`p`, chalicelib.domain.activity.pack_profile) in the same transaction as every change of them, without
touching the live counters next to it."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.api.services_world import join_union, run_schedule
from tests.support.exports import open_export


def _get(aws: Any, table: str, member_id: str) -> dict[str, Any] | None:
    from chalicelib.store.bulk import plain

    item = (
        aws.client("dynamodb")
        .get_item(TableName=aws.settings.table(table), Key={"member_id": {"S": member_id}}, ConsistentRead=True)
        .get("Item")
    )
    return {k: plain(v) for k, v in item.items()} if item else None


def mirror(aws: Any, member_id: str) -> dict[str, Any] | None:
    """The decoded mirror on the member's activity item (one GetItem), None when there is none."""
    from chalicelib.domain.activity import unpack_profile

    item = _get(aws, "activity", member_id)
    return unpack_profile(item["p"]) if item and "p" in item else None


def as_stored(aws: Any, member_id: str) -> dict[str, Any]:
    """The mirror that the member's stored members item calls for."""
    from chalicelib.domain.activity import pack_profile, unpack_profile

    m = _get(aws, "members", member_id)
    assert m is not None
    return unpack_profile(
        pack_profile(
            worker_group=m.get("worker_group"),
            city=m.get("city"),
            employer_id=m.get("employer_id"),
            membership_status=m.get("membership_status"),
            created_at=m["created_at"],
            roles=m.get("roles"),
            status=m.get("status"),
        )
    )


def test_the_first_login_writes_the_mirror_with_the_account(api, aws, worker):
    seen = mirror(aws, worker.member_id)
    assert seen == as_stored(aws, worker.member_id)
    assert (seen["worker_group"], seen["city"], seen["membership_status"]) == (None, None, None)
    assert not (seen["has_employer"] or seen["staff"] or seen["erased"])


def test_profile_changes_move_the_mirror_in_the_same_write(api, aws, worker, employers, calls):
    from tests.support.round_trips import authenticated, measure

    patch = lambda body: api.as_(worker).patch("/v1/me", body)  # noqa: E731
    assert measure(calls, lambda: patch({"worker_group": "courier", "city": "shanghai"})) == authenticated(
        {
            "GetItem": 1,
            "TransactWriteItems": 1,
        }
    )  # member + mirror: still one write
    assert mirror(aws, worker.member_id) == as_stored(aws, worker.member_id)
    assert (mirror(aws, worker.member_id)["worker_group"], mirror(aws, worker.member_id)["city"]) == (
        "courier",
        "shanghai",
    )
    patch({"employer_id": "emp-bj-1", "city": "beijing"})
    assert mirror(aws, worker.member_id)["has_employer"] and mirror(aws, worker.member_id)["city"] == "beijing"
    patch({"employer_id": None, "worker_group": None})
    assert mirror(aws, worker.member_id) == as_stored(aws, worker.member_id)
    assert not mirror(aws, worker.member_id)["has_employer"] and mirror(aws, worker.member_id)["worker_group"] is None


def test_joining_and_leaving_the_union_follow_in_the_mirror(api, aws, admin, worker):
    from chalicelib.services import activity

    member = join_union(api, admin, worker)
    assert mirror(aws, worker.member_id)["membership_status"] == "active"
    assert api.as_(member).post("/v1/me/membership/leave").status == 200
    assert mirror(aws, worker.member_id)["membership_status"] == "left"
    assert mirror(aws, worker.member_id) == as_stored(aws, worker.member_id)
    # the status change's own event is counted in that same update of the activity item
    assert {"w2026_48_membership_joins", "w2026_48_membership_leaves"} <= activity.counters(worker.member_id).keys()


def test_grace_and_renewal_follow_in_the_mirror(api, aws, admin, worker, clock):
    join_union(api, admin, worker)
    clock.advance(days=370)
    assert run_schedule(api, "membership_lifecycle") == {"grace": 1, "lapsed": 0}
    assert mirror(aws, worker.member_id)["membership_status"] == "grace"
    assert api.as_(api.login(worker.phone)).post("/v1/me/membership/renew").status == 200
    assert mirror(aws, worker.member_id) == as_stored(aws, worker.member_id)
    assert mirror(aws, worker.member_id)["membership_status"] == "active"


def test_a_staff_grant_and_its_withdrawal_set_and_clear_the_staff_flag(api, aws, admin, worker):
    roles = lambda body: api.as_(admin).put(f"/v1/admin/members/{worker.member_id}/roles", body)  # noqa: E731
    assert roles({"roles": ["staff"], "station_ids": ["st-bj-001"]}).status == 200
    assert mirror(aws, worker.member_id)["staff"] is True
    assert mirror(aws, admin.member_id)["staff"] is True  # admins count as staff too
    assert roles({"roles": ["worker"]}).status == 200
    assert mirror(aws, worker.member_id)["staff"] is False
    assert mirror(aws, worker.member_id) == as_stored(aws, worker.member_id)


def test_erasure_marks_the_mirror_erased(api, aws, admin, worker):
    api.as_(admin).put(f"/v1/admin/members/{worker.member_id}/roles", {"roles": ["staff"]})
    worker = api.login(worker.phone)
    api.as_(worker).patch("/v1/me", {"name": "王五", "city": "wuhan"})
    assert api.as_(worker).delete("/v1/me").status == 200
    seen = mirror(aws, worker.member_id)
    assert seen["erased"] is True and seen["staff"] is False and seen["city"] == "wuhan"
    assert seen == as_stored(aws, worker.member_id)


def test_a_stale_save_writes_neither_the_member_nor_the_mirror(api, aws, worker):
    from chalicelib.store import accounts

    mine, theirs = accounts.get_member(worker.member_id), accounts.get_member(worker.member_id)
    mine.city = "chengdu"
    accounts.save_member(mine)
    before = (_get(aws, "members", worker.member_id), _get(aws, "activity", worker.member_id))
    theirs.city, theirs.worker_group = "xian", "courier"
    with pytest.raises(accounts.StaleWrite):
        accounts.save_member(theirs)
    assert (_get(aws, "members", worker.member_id), _get(aws, "activity", worker.member_id)) == before
    assert mirror(aws, worker.member_id)["city"] == "chengdu"


def test_a_lost_race_for_the_phone_leaves_no_mirror_behind(aws):
    from chalicelib.services.auth import new_member, phone_bidx
    from chalicelib.store import accounts

    bidx = phone_bidx("13800138077")
    first, second = new_member("13800138077", bidx), new_member("13800138077", bidx)
    accounts.create_member(first)
    assert accounts.create_member(second).member_id == first.member_id
    assert mirror(aws, first.member_id) is not None and _get(aws, "activity", second.member_id) is None


def test_live_counters_and_flags_survive_a_profile_change(api, aws, worker, clock):
    from chalicelib.services import activity

    for event in ("bookings", "bookings", "checkins"):
        activity.record(worker.member_id, event, clock.now())
    assert api.as_(worker).put("/v1/me/privacy", {"profiling": False}).status == 200
    counted, before = activity.counters(worker.member_id), _get(aws, "activity", worker.member_id)
    assert counted == {"w2026_48_app_opens": 1, "w2026_48_bookings": 2, "w2026_48_checkins": 1}
    assert api.as_(worker).patch("/v1/me", {"city": "nanjing"}).status == 200
    after = _get(aws, "activity", worker.member_id)
    assert activity.counters(worker.member_id) == counted
    assert {k: v for k, v in after.items() if k != "p"} == {k: v for k, v in before.items() if k != "p"}
    assert after["profiling_off"] is True and mirror(aws, worker.member_id)["city"] == "nanjing"


def test_the_mirror_never_shows_in_what_the_member_sees(api, aws, worker):
    api.as_(worker).patch("/v1/me", {"name": "王五", "city": "beijing", "worker_group": "courier"})
    blob = _get(aws, "activity", worker.member_id)["p"]
    shown = [api.as_(worker).get(path) for path in ("/v1/me", "/v1/me/export")]
    assert [r.status for r in shown] == [200, 200]
    text = json.dumps([r.json for r in shown]) + json.dumps(open_export(shown[1].json["url"]).document)
    assert base64.b64encode(blob).decode() not in text and '"p"' not in text


def test_the_synthetic_population_carries_the_mirror_of_each_member(aws):
    from chalicelib.store.bulk import plain
    from devstack.population import write_population

    ids = write_population(aws, 40, seed=3)
    assert all(mirror(aws, i) == as_stored(aws, i) for i in ids)
    assert all(mirror(aws, i)["membership_status"] in (None, "active", "grace", "lapsed", "left") for i in ids)
    pages = aws.client("dynamodb").get_paginator("scan").paginate(TableName=aws.settings.table("activity"))
    items = [{k: plain(v) for k, v in item.items()} for page in pages for item in page["Items"]]
    employers = [i for i in items if i["member_id"].startswith("employer#")]
    assert employers and not any("p" in i for i in employers)
    assert {i["member_id"] for i in items if "p" in i} == set(ids)
