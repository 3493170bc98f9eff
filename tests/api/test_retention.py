"""Retention (docs/security.md, Retention): each kind of record that expires carries a TTL attribute set
to when it was written plus its documented period, and its table has DynamoDB's TTL turned on, both in
the deployment template and in the local stack's tables."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.domain.retention import AUDIT_ENTRY, SMS_OUTBOX
from tests.api.stations_world import book

TTL_TABLES = {"otp": "ttl", "sessions": "ttl", "idempotency": "expiration", "audit": "expires", "dev_outbox": "ttl"}


def stored(aws, table: str) -> list[dict[str, Any]]:
    """Every item of a table as DynamoDB holds it (a test may Scan)."""
    ddb = aws.client("dynamodb")
    return [
        i for page in ddb.get_paginator("scan").paginate(TableName=aws.settings.table(table)) for i in page["Items"]
    ]


def ttls(aws, table: str) -> list[int]:
    return sorted(int(i[TTL_TABLES[table]]["N"]) for i in stored(aws, table) if TTL_TABLES[table] in i)


def test_a_code_lives_as_long_as_its_send_window(api, aws, clock):
    sent_at = int(clock.now().timestamp())
    assert api.post("/v1/auth/otp", {"phone": "13800138011"}).status == 202
    s = aws.settings
    assert ttls(aws, "otp") == [sent_at + max(s.otp_ttl, s.otp_send_window)]


def test_a_refresh_session_lives_as_long_as_its_token(api, aws, clock):
    logged_in_at = int(clock.now().timestamp())
    api.login("13800138012")
    assert ttls(aws, "sessions") == [logged_in_at + aws.settings.refresh_token_ttl]


def test_an_idempotency_record_lives_a_day(api, aws, station, rider):
    # Powertools stamps its records from the system clock, not the injected one
    before = int(time.time())
    assert (
        book(api, rider, station["station_id"], "2026-11-27T14:00:00+08:00", headers={"Idempotency-Key": "k-1"}).status
        == 201
    )
    after = int(time.time())
    (expires,) = ttls(aws, "idempotency")
    assert before + aws.settings.idempotency_ttl <= expires <= after + aws.settings.idempotency_ttl


def test_an_audit_entry_lives_three_years(api, aws, admin, clock):
    granted_at = clock.now()
    worker = api.login("13800138013")
    assert api.as_(admin).put(f"/v1/admin/members/{worker.member_id}/roles", {"roles": ["staff"]}).status == 200
    assert AUDIT_ENTRY == timedelta(days=3 * 365)
    assert int((granted_at + AUDIT_ENTRY).timestamp()) in ttls(aws, "audit")
    assert len(ttls(aws, "audit")) == len(stored(aws, "audit"))  # every entry expires


def test_a_dev_sms_lives_a_day(api, aws, clock):
    sent_at = int(clock.now().timestamp())
    api.post("/v1/auth/otp", {"phone": "13800138014"})
    assert ttls(aws, "dev_outbox") == [sent_at + int(SMS_OUTBOX.total_seconds())]


@pytest.mark.parametrize("table", sorted(TTL_TABLES))
def test_the_tables_have_ttl_turned_on_locally_and_in_the_template(aws, table):
    from chalicelib.store.registry import ALL_MODELS, LOCAL_ONLY_MODELS, ttl_attribute
    from infra.template import table_resource

    model = next(m for m in ALL_MODELS if m.Meta.table_name == aws.settings.table(table))
    assert ttl_attribute(model) == TTL_TABLES[table]
    described = aws.client("dynamodb").describe_time_to_live(TableName=model.Meta.table_name)
    assert described["TimeToLiveDescription"] == {"AttributeName": TTL_TABLES[table], "TimeToLiveStatus": "ENABLED"}
    if model not in LOCAL_ONLY_MODELS:
        spec = table_resource(model)["Properties"]["TimeToLiveSpecification"]
        assert spec == {"AttributeName": TTL_TABLES[table], "Enabled": True}
