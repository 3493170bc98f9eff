"""Many admins approving different applications at once all get a member number, each number once.

Every approval claims the next number of the year's counter with a condition; the ones that lose the
race read the counter again and retry inside the service. When the counter stays contended past the
retries, the answer is a 409 that says to retry (busy_retry, Retry-After), never the generic conflict.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.api.services_world import apply
from tests.api.stations_world import new_worker
from tests.support.serialized_moto import serialized_moto

APPROVERS = 20


def approve(api, admin, application_id):
    return api.as_(admin).post(f"/v1/admin/membership/applications/{application_id}/approve", {})


def applications(api, n):
    return [apply(api, new_worker(api)).json["application_id"] for _ in range(n)]


def test_twenty_admins_approving_at_once_all_succeed_with_distinct_numbers(api, admin, clock, monkeypatch):
    from chalicelib.domain.access import Caller
    from chalicelib.services import membership_admin

    pending = applications(api, APPROVERS)
    admins = [Caller(member_id=f"m_admin_{i}", roles=frozenset({"admin"})) for i in range(APPROVERS)]

    def approve_one(job):
        who, application_id = job
        return membership_admin.approve(who, application_id, None, clock.now()).member_number

    with serialized_moto(monkeypatch) as log, ThreadPoolExecutor(APPROVERS) as pool:
        numbers = list(pool.map(approve_one, zip(admins, pending, strict=True)))
    assert sorted(numbers) == [f"WH-2026-{i:06d}" for i in range(1, APPROVERS + 1)]
    lost = [c for c in log if c.operation == "TransactWriteItems" and not c.committed]
    assert lost, "the approvals never raced for a number"
    queue = api.as_(admin).get("/v1/admin/membership/applications?status=approved").json
    assert len(queue) == APPROVERS


def test_a_counter_that_stays_contended_answers_a_retryable_409(api, admin, aws):
    """Another approval takes the next number right before each of ours commits."""
    from chalicelib.store import base

    [application_id] = applications(api, 1)
    ddb = aws.client("dynamodb")
    table = next(n for n in ddb.list_tables()["TableNames"] if n.endswith("-counters"))

    def someone_else_takes_it(**_):
        ddb.update_item(
            TableName=table,
            Key={"name": {"S": "member_number#2026"}},
            UpdateExpression="ADD #v :one",
            ExpressionAttributeNames={"#v": "value"},
            ExpressionAttributeValues={":one": {"N": "1"}},
        )

    base.transaction()  # the connection transactions go through
    events = base._connection.client.meta.events
    events.register("before-call.dynamodb.TransactWriteItems", someone_else_takes_it)
    try:
        busy = approve(api, admin, application_id)
    finally:
        events.unregister("before-call.dynamodb.TransactWriteItems", someone_else_takes_it)
    assert busy.status == 409, busy.json
    assert busy.json["error"]["code"] == "busy_retry"
    assert int(busy.headers["Retry-After"]) >= 1
    assert [d["field"] for d in busy.json["error"]["details"]] == ["retry_after"]
    again = approve(api, admin, application_id)  # the retry it asked for
    assert again.status == 200 and again.json["status"] == "approved"
