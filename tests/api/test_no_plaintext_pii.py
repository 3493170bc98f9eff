"""No phone, name or ID number in the clear: not in any DynamoDB item the suite wrote, not in any log line."""

import json
import logging

from tests.api.services_world import job_help
from tests.support.exports import open_export

PHONE, NAME, ID = "13912345678", "欧阳娜娜", "11010519491231002X"


def every_item(rt) -> str:
    """Every item of every table, as text (a test may Scan; the code under test may not)."""
    ddb = rt.client("dynamodb")
    dump = []
    for table in ddb.list_tables()["TableNames"]:
        for page in ddb.get_paginator("scan").paginate(TableName=table):
            dump.extend(page["Items"])
    # binary attributes (the activity item's history and profile mirror) are searched as text too
    return json.dumps(dump, ensure_ascii=False, default=lambda raw: bytes(raw).decode("utf-8", "replace"))


def test_personal_data_is_never_stored_or_logged_in_the_clear(api, aws, admin, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    worker = api.login(PHONE)
    me = api.as_(worker)
    assert me.patch("/v1/me", {"name": NAME, "id_number": ID, "city": "beijing"}).status == 200
    assert me.get("/v1/me").status == 200
    assert me.patch("/v1/me", {"id_number": ID[:-1] + "1"}).status == 400  # a refused value is not logged either
    assert api.as_(admin).post("/v1/admin/members/search", {"phone": PHONE}).json[0]["member_id"] == worker.member_id
    for field in ("phone", "name", "id_number"):
        api.as_(admin).post(f"/v1/admin/members/{worker.member_id}/reveal", {"field": field, "reason": "核实身份信息"})
    mine = open_export(me.get("/v1/me/export").json["url"]).sections
    assert mine["profile"]["name"] == NAME  # the owner may see it
    api.post("/v1/auth/otp", {"phone": PHONE}, headers={"Idempotency-Key": "pii-check"})
    api.post("/v1/auth/refresh", {"refresh_token": worker.refresh_token})

    stored = every_item(aws)
    logged = capsys.readouterr().out + capsys.readouterr().err + "\n".join(r.getMessage() for r in caplog.records)
    assert "member" in stored and "request" in logged  # we did look at real data
    for secret in (PHONE, NAME, ID, ID[:-1] + "1", "+86" + PHONE):
        assert secret not in stored, f"{secret} stored in the clear"
        assert secret not in logged, f"{secret} logged in the clear"


def test_requests_answers_and_comments_stay_sealed_even_in_replayed_responses(api, aws, admin, capsys):
    from devstack.seed_services import seed_scenarios

    seed_scenarios()
    worker = api.login(PHONE)
    body = job_help(contact_phone="13712345678")
    key = {"Idempotency-Key": "pii-request-1"}
    first = api.as_(worker).post("/v1/requests", body, headers=key)
    assert first.status == 201, first.json
    again = api.as_(worker).post("/v1/requests", body, headers=key)
    assert again.status == 201 and again.json["request_id"] == first.json["request_id"]
    assert again.json["answers"] == first.json["answers"]  # the owner sees them, both times
    comment = {"text": f"我的电话是 {PHONE}，身份证 {ID}"}
    said = api.as_(worker).post(
        f"/v1/requests/{first.json['request_id']}/comments", comment, headers={"Idempotency-Key": "pii-comment-1"}
    )
    assert said.status == 201
    assert (
        api.as_(worker)
        .post(
            f"/v1/requests/{first.json['request_id']}/comments", comment, headers={"Idempotency-Key": "pii-comment-1"}
        )
        .json
        == said.json
    )
    stored = every_item(aws)
    logged = capsys.readouterr().out
    assert first.json["request_id"] in stored
    for secret in ("13712345678", PHONE, ID):
        assert secret not in stored, f"{secret} stored in the clear"
        assert secret not in logged, f"{secret} logged in the clear"
