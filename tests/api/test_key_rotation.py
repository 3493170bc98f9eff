"""Key rotation: after `make rotate-keys` new writes are sealed under the new data key (every container
within keys_refresh_seconds, at once where it meets the new key), a resumable job re-seals every sealed
field and rewrites every phone index, old keys keep opening until the job reports nothing left, and
login finds a phone through the previous blind-index key until the job has moved it."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.api.services_world import apply, submit
from tests.api.test_outreach import NOTE, reach_out
from tests.support.client import Api, Session
from tests.support.clock import FakeClock
from tests.support.exports import open_export

NAME = "欧阳娜娜"
COMMENT = "我的微信是 zhangsan_1990"
FILENAME = "张三工资条.jpg"


class ClockThatStops(FakeClock):
    """A fake clock that raises after a number of readings: the runner's process dies mid-job."""

    def __init__(self) -> None:
        super().__init__()
        self.readings_left: int | None = None

    def now(self):
        if self.readings_left is not None:
            if self.readings_left <= 0:
                raise RuntimeError("the runner's process died")
            self.readings_left -= 1
        return super().now()


@pytest.fixture
def clock() -> ClockThatStops:
    return ClockThatStops()


@pytest.fixture
def sealed_everywhere(api: Api, admin: Session, worker: Session, wage_claim, library) -> dict[str, str]:
    """A member with a sealed name, a request with sealed answers, a comment and an attachment name,
    and an outreach note: one record of every sealed table, all under the first data key."""
    assert api.as_(worker).patch("/v1/me", {"name": NAME}).status == 200
    rid = submit(api, worker, wage_claim).json["request_id"]
    assert api.as_(worker).post(f"/v1/requests/{rid}/comments", {"text": COMMENT}).status == 201
    attach = {"field": "evidence", "filename": FILENAME, "content_type": "image/jpeg", "size": 1000}
    assert api.as_(worker).post(f"/v1/requests/{rid}/attachments", attach).status == 201
    assert reach_out(api, admin, worker.member_id).status == 201
    reveal = {"field": "name", "reason": "核实维权申请人身份"}  # an audit entry's sealed reason
    assert api.as_(admin).post(f"/v1/admin/members/{worker.member_id}/reveal", reveal).status == 200
    applied = apply(api, worker).json["application_id"]  # an application's sealed decision reason
    rejected = api.as_(admin).post(f"/v1/admin/membership/applications/{applied}/reject", {"reason": "材料不全"})
    assert rejected.status == 200, rejected.json
    return {"request_id": rid}


def sealed_kids(rt) -> dict[str, set[str]]:
    """Table -> the data-key ids of every sealed value stored in it (read with a test's Scan). Idempotency
    records are left out: they expire within idempotency_ttl, which retiring a key waits out."""
    ddb, found = rt.client("dynamodb"), {}
    for table in ddb.list_tables()["TableNames"]:
        if table.endswith("idempotency"):
            continue
        for page in ddb.get_paginator("scan").paginate(TableName=table):
            text = json.dumps(page["Items"], default=lambda raw: bytes(raw).decode("utf-8", "replace"))
            kids = set(re.findall(r"v1\.(dk-\d+)\.", text))
            if kids:
                found.setdefault(table.rsplit("-", 1)[-1], set()).update(kids)
    return found


def rotate(rt) -> dict[str, str]:
    from infra.keys import rotate as rotate_keys

    return rotate_keys(rt)


def run_job(api: Api, admin: Session, clock: FakeClock) -> str:
    from chalicelib.services import key_rotation

    started = api.as_(admin).post("/v1/admin/keys/rotations", {}, headers={"Idempotency-Key": "rotate-1"})
    assert started.status == 202, started.json
    clock.advance(seconds=api_settings().keys_refresh_seconds)
    assert key_rotation.advance() == [started.json["rotation_id"]]
    return started.json["rotation_id"]


def api_settings():
    from chalicelib.runtime import runtime

    return runtime().settings


def exported_profile(api: Api, who: Session) -> dict[str, Any]:
    """The member's profile in the clear, as their own data export gives it."""
    return open_export(api.as_(who).get("/v1/me/export").json["url"]).sections["profile"]


def everything_opens(api: Api, admin: Session, worker: Session, request_id: str) -> None:
    mine = exported_profile(api, worker)
    assert mine["name"] == NAME and mine["phone"] == worker.phone
    case = api.as_(worker).get(f"/v1/requests/{request_id}").json
    assert case["answers"]["id_number"] == "11010519491231002X"
    assert case["comments"][0]["text"] == COMMENT and case["attachments"][0]["filename"] == FILENAME
    notes = api.as_(admin).get(f"/v1/admin/members/{worker.member_id}/outreach").json
    assert notes[0]["note"] == NOTE


def name_kid(member_id: str) -> str:
    from chalicelib.privacy.crypto import FieldCipher
    from chalicelib.store.accounts_tables import MemberRecord

    return FieldCipher.kid_of(MemberRecord.get(member_id).name_enc)


def test_new_writes_use_the_new_data_key_once_the_keys_are_read_again(api, aws, worker, clock):
    rotate(aws)
    assert api.as_(worker).patch("/v1/me", {"name": NAME}).status == 200
    assert name_kid(worker.member_id) == "dk-1"  # this container has not read the keyring since
    clock.advance(seconds=aws.settings.keys_refresh_seconds)
    assert api.as_(worker).patch("/v1/me", {"name": "张三"}).status == 200
    assert name_kid(worker.member_id) == "dk-2"


def test_a_container_that_meets_a_newer_key_reads_the_keyring_at_once(api, aws, worker):
    from chalicelib.runtime import Runtime, install

    stale = aws
    stale.cipher  # noqa: B018 - this container has read the keyring
    rotate(stale)
    fresh = install(Runtime(stale.settings, clock=stale.clock))  # another container, started after
    assert api.as_(worker).patch("/v1/me", {"name": NAME}).status == 200
    assert name_kid(worker.member_id) == "dk-2" and fresh.cipher.current_kid == "dk-2"
    install(stale)
    assert exported_profile(api, worker)["name"] == NAME
    assert stale.cipher.current_kid == "dk-2"  # and it seals under the new key from now on


def test_the_job_reseals_every_sealed_table_and_old_records_open_throughout(
    api, aws, admin, worker, sealed_everywhere, clock
):
    rid = sealed_everywhere["request_id"]
    assert set(sealed_kids(aws)) >= {
        "members",
        "requests",
        "request_comments",
        "outreach",
        "audit",
        "membership_applications",
    }
    rotate(aws)
    clock.advance(seconds=aws.settings.keys_refresh_seconds)
    everything_opens(api, admin, worker, rid)  # old records open under the new current key
    job = run_job(api, admin, clock)
    assert all(kids == {"dk-2"} for kids in sealed_kids(aws).values()), sealed_kids(aws)
    everything_opens(api, admin, worker, rid)
    progress = api.as_(admin).get(f"/v1/admin/keys/rotations/{job}").json
    assert progress["status"] == "done" and progress["data_kid"] == "dk-2"
    assert progress["segments_done"] == progress["segments"] and progress["left"] == 0
    assert progress["resealed"] >= 4 and progress["segments_pending"] == []


def test_a_job_that_dies_midway_resumes_without_redoing_finished_segments(
    api, aws, admin, worker, sealed_everywhere, clock
):
    from chalicelib.services import key_rotation

    rotate(aws)
    started = api.as_(admin).post("/v1/admin/keys/rotations", {}, headers={"Idempotency-Key": "rotate-1"}).json
    clock.advance(seconds=aws.settings.keys_refresh_seconds)
    clock.readings_left = 12  # a few segments in, the process dies
    with pytest.raises(RuntimeError, match="died"):
        key_rotation.advance()
    clock.readings_left = None
    halfway = api.as_(admin).get(f"/v1/admin/keys/rotations/{started['rotation_id']}").json
    assert halfway["status"] == "running" and 0 < halfway["segments_done"] < halfway["segments"]
    assert exported_profile(api, worker)["name"] == NAME  # nothing broke meanwhile
    assert key_rotation.advance() == [started["rotation_id"]]
    done = api.as_(admin).get(f"/v1/admin/keys/rotations/{started['rotation_id']}").json
    assert done["status"] == "done" and done["left"] == 0
    from chalicelib.store.sealed_records import REWRITERS

    stored = {table: model.count() for table, (model, _) in REWRITERS.items()}  # a test's Scan per table
    assert stored["members"] == 2 and stored["audit"] > 1  # the admin is a member too
    assert done["scanned"] == sum(stored.values())  # no record was scanned twice
    assert all(kids == {"dk-2"} for kids in sealed_kids(aws).values())
    everything_opens(api, admin, worker, sealed_everywhere["request_id"])


def test_login_finds_a_phone_through_the_previous_blind_index_until_the_job_moves_it(api, aws, admin, clock):
    from chalicelib.store.accounts_tables import MemberRecord, PhoneClaim

    first = api.login("13700001111")
    old_index = MemberRecord.get(first.member_id).phone_bidx
    rotate(aws)
    clock.advance(seconds=aws.settings.keys_refresh_seconds)
    during = api.login("13700001111")
    assert during.member_id == first.member_id  # found through the old index, no second account
    assert MemberRecord.get(first.member_id).phone_bidx == old_index
    run_job(api, admin, clock)
    new_index = MemberRecord.get(first.member_id).phone_bidx
    assert new_index != old_index
    assert list(MemberRecord.phone_index.query(old_index)) == []
    assert PhoneClaim.count(old_index) == 0 and PhoneClaim.get(new_index).member_id == first.member_id
    after = api.login("13700001111")
    assert after.member_id == first.member_id
    found = api.as_(admin).post("/v1/admin/members/search", {"phone": "13700001111"})
    assert [m["member_id"] for m in found.json] == [first.member_id]


def test_erasure_during_a_rotation_releases_the_phone_under_every_key(api, aws, clock):
    """A member erased while the phone is claimed under an old and a new index: both claims go, and a
    later first login with that phone opens a fresh account, never the erased one."""
    from chalicelib.store.accounts_tables import PhoneClaim

    rotate(aws)
    clock.advance(seconds=aws.settings.keys_refresh_seconds)
    first = api.login("13700002222")  # a first login during the window claims the phone under both keys
    indexes = aws.blind_index.candidates("phone", "13700002222")
    assert len(indexes) == 2 and all(PhoneClaim.get(i).member_id == first.member_id for i in indexes)
    assert api.as_(first).delete("/v1/me").status == 200
    assert [PhoneClaim.count(i) for i in indexes] == [0, 0]
    again = api.login("13700002222")
    assert again.member_id != first.member_id


def test_old_keys_are_retired_only_after_a_job_left_nothing_under_them(api, aws, admin, worker, clock):
    from chalicelib.runtime import Runtime, install
    from infra.keys import RetireRefused, retire

    assert api.as_(worker).patch("/v1/me", {"name": NAME}).status == 200
    rotate(aws)
    with pytest.raises(RetireRefused):
        retire(aws, "kr_unknown")
    job = run_job(api, admin, clock)
    with pytest.raises(RetireRefused, match="idempotency"):
        retire(aws, job)
    clock.advance(seconds=aws.settings.idempotency_ttl)
    assert sorted(retire(aws, job)) == ["bi-1", "dk-1"]
    fresh = install(Runtime(aws.settings, clock=clock))
    assert fresh.cipher.current_kid == "dk-2" and not fresh.blind_index.rotating
    again = api.login(worker.phone)  # found under the current index alone
    assert again.member_id == worker.member_id
    assert exported_profile(api, again)["name"] == NAME


def test_starting_a_job_is_audited_and_retried_safely(api, aws, admin, worker):
    first = api.as_(admin).post("/v1/admin/keys/rotations", {}, headers={"Idempotency-Key": "rotate-9"})
    again = api.as_(admin).post("/v1/admin/keys/rotations", {}, headers={"Idempotency-Key": "rotate-9"})
    assert first.status == again.status == 202 and first.json == again.json
    assert first.json["status"] == "waiting"
    from chalicelib.store import audit

    trail = audit.trail(f"key_rotation#{first.json['rotation_id']}")
    assert [(e.action, e.actor) for e in trail] == [("keys.reencrypt", admin.member_id)]
    assert api.as_(worker).post("/v1/admin/keys/rotations", {}).status == 403
    missing = api.as_(admin).get("/v1/admin/keys/rotations/kr_nothing")
    assert missing.status == 404 and missing.json["error"]["code"]


def test_the_dev_outbox_keeps_nothing_outside_local_stages(aws):
    """prod: the SMS goes out through SNS and nothing of it (code, phone, index) is kept anywhere."""
    from dataclasses import replace

    from chalicelib.runtime import Runtime, install
    from chalicelib.services.sms import send_sms
    from chalicelib.store.sms_tables import OutboxMessage

    install(Runtime(replace(aws.settings, stage="prod"), clock=aws.clock))
    send_sms("13700002222", "bidx-of-the-phone", "【职工之家】您的登录验证码是 424242")
    assert OutboxMessage.count("sms") == 0
    install(aws)
    send_sms("13700002222", "bidx-of-the-phone", "【职工之家】您的登录验证码是 424242")
    kept = list(OutboxMessage.query("sms"))
    assert [m.phone_masked for m in kept] == ["137****2222"] and "13700002222" not in json.dumps(
        [m.attribute_values for m in kept], default=str
    )


def test_the_job_adds_no_round_trip_to_requests(api, worker, calls):
    """The keys are read from SSM (not DynamoDB), once per keys_refresh_seconds per container."""
    from tests.support.round_trips import authenticated, measure

    assert measure(calls, lambda: api.as_(worker).get("/v1/me")) == authenticated({"GetItem": 1})


def test_a_runner_waits_until_every_container_has_read_the_new_keys(api, aws, admin, clock):
    from chalicelib.services import key_rotation

    started = api.as_(admin).post("/v1/admin/keys/rotations", {}).json
    assert key_rotation.advance() == []
    clock.advance(seconds=aws.settings.keys_refresh_seconds - 1)
    assert key_rotation.advance() == []
    clock.advance(seconds=1)
    assert key_rotation.advance() == [started["rotation_id"]]


def test_a_container_still_on_the_old_blind_index_key_makes_no_second_account(api, aws, admin, clock):
    from chalicelib.runtime import Runtime, install
    from chalicelib.store.accounts_tables import PhoneClaim

    stale = aws
    stale.blind_index  # noqa: B018 - this container has read the keys before the rotation
    rotate(stale)
    install(Runtime(stale.settings, clock=clock))  # a container started after: both keys, the new one current
    first = api.login("13700003333")
    install(stale)
    again = api.login("13700003333")  # misses under the old index, and its claim is refused: same account
    assert again.member_id == first.member_id
    clock.advance(seconds=stale.settings.keys_refresh_seconds)
    run_job(api, admin, clock)
    claims = [c.member_id for c in PhoneClaim.scan()]
    assert claims.count(first.member_id) == 1  # the claim under the old key is gone


def login_trips(api: Api, calls, phone: str) -> dict[str, int]:
    from tests.support.round_trips import measure

    assert api.post("/v1/auth/otp", {"phone": phone}).status == 202
    code = api.last_code(phone)
    return measure(calls, lambda: api.post("/v1/auth/token", {"phone": phone, "code": code}))


def test_the_dual_lookup_costs_one_query_more_only_during_the_window(api, aws, admin, clock, calls):
    """Login of a member not moved yet: one more Query (the previous key's index); a new phone: that Query
    and one more item (the claim under the previous key) in the same TransactWriteItems; none after."""
    api.login("13700004444")
    before = login_trips(api, calls, "13700004444")
    rotate(aws)
    clock.advance(seconds=aws.settings.keys_refresh_seconds)
    during = login_trips(api, calls, "13700004444")
    assert during == {**before, "Query": before["Query"] + 1}
    run_job(api, admin, clock)
    from infra.keys import retire

    clock.advance(seconds=aws.settings.idempotency_ttl)
    retire(aws, key_rotation_jobs()[0])
    aws.reload_keys()
    assert login_trips(api, calls, "13700004444") == before


def key_rotation_jobs() -> list[str]:
    from chalicelib.store.key_rotation_tables import KeyRotationRecord

    return [r.rotation_id for r in KeyRotationRecord.scan()]


def test_each_page_of_the_job_costs_one_scan_and_one_progress_write(api, aws, admin, clock, calls):
    """A run: 1 Scan of the jobs table, 1 UpdateItem to claim it and 1 to finish it; per page 1 Scan and
    1 UpdateItem (its cursor); per record under an old key 1 TransactWriteItems (here: the admin)."""
    from chalicelib.services import key_rotation

    rotate(aws)
    api.as_(admin).post("/v1/admin/keys/rotations", {})
    clock.advance(seconds=aws.settings.keys_refresh_seconds)
    calls.clear()
    assert len(key_rotation.advance()) == 1
    from chalicelib.store.sealed_records import SEALED_TABLES

    pages = len(SEALED_TABLES) * aws.settings.key_rotation_segments  # a page per segment (< 100 records each)
    assert dict(calls) == {"Scan": 1 + pages, "UpdateItem": 2 + pages, "TransactWriteItems": 1}
