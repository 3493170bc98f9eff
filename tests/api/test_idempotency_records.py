"""What Powertools' idempotency table keeps: no personal data readable from its records (responses
sealed, hashes keyed), records a member's erasure can find, and a committed change whose record's
completion write failed still replays its result."""

from __future__ import annotations

import hashlib
import json
from collections import Counter

from botocore.exceptions import ClientError

from tests.api.services_world import job_help

PHONE, NAME, ID = "13912345678", "欧阳娜娜", "11010519491231002X"
CONTACT, OCCUPATION = "13712345670", "冷链仓库管理员"


def idempotency_items(rt) -> list[dict]:
    """The raw items of the idempotency table (a test may Scan)."""
    pages = rt.client("dynamodb").get_paginator("scan").paginate(TableName=rt.settings.table("idempotency"))
    return [item for page in pages for item in page["Items"]]


def unkeyed_hashes(*values: object) -> set[str]:
    """What a bare hash of a value looks like: md5/sha1/sha256 of it as text and as Powertools' JSON."""
    found = set()
    for value in values:
        for text in {
            str(value),
            json.dumps(value, sort_keys=True),
            json.dumps(value, sort_keys=True, ensure_ascii=False),
        }:
            found |= {hashlib.new(name, text.encode()).hexdigest() for name in ("md5", "sha1", "sha256")}
    return found


def test_records_hold_no_personal_data_and_no_unkeyed_hash_of_it(api, aws, admin, library):
    code_request = {"phone": PHONE}
    assert api.post("/v1/auth/otp", code_request, headers={"Idempotency-Key": "otp-1"}).status == 202
    worker = api.login(PHONE)
    me = api.as_(worker)
    assert me.patch("/v1/me", {"name": NAME, "id_number": ID}).status == 200
    request = job_help(contact_phone=CONTACT, desired_occupation=OCCUPATION)
    assert me.post("/v1/requests", request, headers={"Idempotency-Key": "req-1"}).status == 201
    reveals = {}
    for field in ("phone", "name", "id_number"):
        body = {"field": field, "reason": "核实身份信息"}
        path = f"/v1/admin/members/{worker.member_id}/reveal"
        first = api.as_(admin).post(path, body, headers={"Idempotency-Key": f"reveal-{field}"})
        again = api.as_(admin).post(path, body, headers={"Idempotency-Key": f"reveal-{field}"})
        assert first.status == again.status == 200 and first.json == again.json  # sealed, and opened on replay
        reveals[field] = first.json["value"]
    assert reveals == {"phone": PHONE, "name": NAME, "id_number": ID}

    items = idempotency_items(aws)
    stored = json.dumps(items, ensure_ascii=False)
    assert len(items) == 5 and all(i["status"]["S"] == "COMPLETED" for i in items)
    for secret in (PHONE, NAME, ID, CONTACT, OCCUPATION):
        assert secret not in stored, f"{secret} stored in the clear"
    bare = unkeyed_hashes(
        PHONE, NAME, ID, CONTACT, f"send_code|{PHONE}|otp-1", code_request, request, *request["answers"].values()
    )
    hashes = {a["S"] for i in items for n, a in i.items() if n in ("sk", "validation") and "S" in a}
    assert hashes and not {h.split("#")[-1] for h in hashes} & bare
    assert not any(h in stored for h in bare)


def test_a_sealed_response_opens_only_under_its_own_record(api, aws, admin):
    from chalicelib.privacy.crypto import DecryptionFailed
    from chalicelib.store.idempotency import persistence

    worker = api.login(PHONE)
    for key in ("a", "b"):
        body = {"field": "phone", "reason": "核实身份信息"}
        api.as_(admin).post(f"/v1/admin/members/{worker.member_id}/reveal", body, headers={"Idempotency-Key": key})
    a, b = (i for i in idempotency_items(aws) if i["id"]["S"] == admin.member_id)
    swapped = {**a, "data": b["data"]}
    try:
        persistence()._item_to_data_record(swapped)
        raise AssertionError("a response copied from another record opened")
    except DecryptionFailed:
        pass


def test_erasure_finds_and_deletes_a_members_records_and_no_one_elses(api, aws, station):
    from chalicelib.store.idempotency import erase_member

    one, other = api.login("13912340001"), api.login("13912340002")
    for who, key in ((one, "k1"), (one, "k2"), (other, "k1")):
        assert api.as_(who).put("/v1/me/privacy", {"profiling": False}, headers={"Idempotency-Key": key}).status == 200
    owners = sorted(i["id"]["S"] for i in idempotency_items(aws))
    assert owners == sorted([one.member_id, one.member_id, other.member_id])

    assert erase_member(one.member_id) == 2
    assert [i["id"]["S"] for i in idempotency_items(aws)] == [other.member_id]
    assert erase_member(one.member_id) == 0


class FailingOnce:
    """A before_call hook (runtime): the first `operation` on `table` fails as if DynamoDB were down."""

    def __init__(self, operation: str, table: str) -> None:
        self.operation, self.table, self.failed = operation, table, 0

    def __call__(self, operation: str, params: dict) -> None:
        if operation == self.operation and self.table in json.dumps(params) and not self.failed:
            self.failed += 1
            raise ClientError({"Error": {"Code": "InternalServerError", "Message": "injected"}}, operation)


def test_a_failed_completion_write_still_answers_and_replays_the_committed_result(api, aws, rider, station):
    from tests.api.stations_world import slot_counts

    aws.before_call = fault = FailingOnce("UpdateItem", aws.settings.table("idempotency"))
    start = "2026-11-27T14:00:00+08:00"  # the clock says Friday 10:00 in Shanghai
    body = {"station_id": station["station_id"], "slot_start": start}
    first = api.as_(rider).post("/v1/bookings", body, headers={"Idempotency-Key": "book-1"})
    assert fault.failed == 1
    assert first.status == 201, first.json  # the change committed: the caller is told so
    again = api.as_(rider).post("/v1/bookings", body, headers={"Idempotency-Key": "book-1"})
    assert again.status == 201 and again.json == first.json  # not request_in_progress
    assert slot_counts(station["station_id"], start).booked == 1  # booked once


def test_a_key_costs_a_put_and_an_update_and_a_replay_one_put(api, aws, calls):
    from tests.support.round_trips import measure

    table, on_idempotency = aws.settings.table("idempotency"), Counter()
    aws.before_call = lambda op, params: on_idempotency.update([op] if params.get("TableName") == table else [])
    me = api.as_(api.login(PHONE))
    choice = {"profiling": False}
    plain = measure(calls, lambda: me.put("/v1/me/privacy", choice))
    keyed = measure(calls, lambda: me.put("/v1/me/privacy", choice, headers={"Idempotency-Key": "rt-1"}))
    assert keyed == plain  # the use case's own round trips are unchanged (sealing and HMAC are local)
    assert on_idempotency == {"PutItem": 1, "UpdateItem": 1}
    on_idempotency.clear()
    replayed = measure(calls, lambda: me.put("/v1/me/privacy", choice, headers={"Idempotency-Key": "rt-1"}))
    assert on_idempotency == {"PutItem": 1} and "TransactWriteItems" not in replayed
