"""No personal data in logs: a whole journey (login, profile, look-up by phone, a request with
answers, a comment, a reveal, an unhandled error whose message quotes a phone) logs at DEBUG and
leaves no phone, name, ID number, answer text or token in any line; nor does the local stack's
access log keep a query string."""

from __future__ import annotations

import io
import logging
import sys

from botocore.exceptions import ClientError

from tests.api.services_world import job_help

PHONE, NAME, ID = "13912345678", "欧阳娜娜", "11010519491231002X"
CONTACT, ANSWER, SAID = "13712345670", "冷链仓库管理员", "老板说下个月再发工资"


def everything_in(record: logging.LogRecord) -> str:
    """A log record with all it carries: its message, its extra fields, its exception text."""
    return f"{record.getMessage()} {record.__dict__} {logging.Formatter().format(record)}"


def quoting_the_phone(operation: str, params: dict) -> None:
    """A before_call hook: the request's write fails with a message that quotes a personal value."""
    if operation == "TransactWriteItems" and "requests" in str(params):
        raise ClientError({"Error": {"Code": "ValidationException", "Message": f"bad value {CONTACT}"}}, operation)


def test_a_journey_logs_no_personal_data(api, aws, admin, library, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    worker = api.login(PHONE)
    me = api.as_(worker)
    assert me.patch("/v1/me", {"name": NAME, "id_number": ID}).status == 200
    assert api.as_(admin).post("/v1/admin/members/search", {"phone": PHONE}).status == 200
    body = job_help(contact_phone=CONTACT, desired_occupation=ANSWER)
    filed = me.post("/v1/requests", body, headers={"Idempotency-Key": "log-1"})
    assert filed.status == 201, filed.json
    said = me.post(
        f"/v1/requests/{filed.json['request_id']}/comments", {"text": SAID}, headers={"Idempotency-Key": "c"}
    )
    assert said.status == 201
    path = f"/v1/admin/members/{worker.member_id}/reveal"
    assert api.as_(admin).post(path, {"field": "name", "reason": "核实身份信息"}).status == 200
    assert api.post("/v1/auth/refresh", {"refresh_token": worker.refresh_token}).status == 200
    aws.before_call = quoting_the_phone
    assert me.post("/v1/requests", job_help(contact_phone=CONTACT)).status == 500
    aws.before_call = None

    out = capsys.readouterr()
    logged = out.out + out.err + "\n".join(everything_in(r) for r in caplog.records)
    assert "'route': '/v1/requests'" in logged and "unhandled error" in logged and "ClientError" in logged
    for secret in (PHONE, NAME, ID, CONTACT, ANSWER, SAID, worker.access_token, worker.refresh_token):
        assert secret not in logged, f"{secret[:12]}... logged"


def test_the_local_stacks_access_log_keeps_no_query_string(monkeypatch):
    from devstack.static import StaticSiteHandler

    handler = object.__new__(StaticSiteHandler)  # no socket: only its log line is under test
    handler.client_address, handler.requestline = ("127.0.0.1", 50000), f"GET /v1/admin/members?phone={PHONE} HTTP/1.1"
    monkeypatch.setattr(sys, "stderr", err := io.StringIO())
    handler.log_request(200)
    handler.log_error("code %d, message %s", 400, f"Bad request syntax ('GET /?phone={PHONE}')")
    lines = err.getvalue()
    assert "GET /v1/admin/members?… HTTP/1.1" in lines and "200" in lines
    assert PHONE not in lines
