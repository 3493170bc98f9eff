"""The audit log an auditor can check: every admin and staff write leaves an entry naming who, what,
when and the request it was made in; the log is read by key (never a Scan), filtered and paged; the
auditor reads it and can change nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.support.client import Api, Session


@pytest.fixture
def auditor(api: Api) -> Session:
    from chalicelib.services.members import grant_by_phone

    grant_by_phone("13700000077", {"auditor"}, set())
    return api.login("13700000077")


def entries(api: Api, who: Session, **query: str) -> dict[str, Any]:
    qs = "&".join(f"{k}={v}" for k, v in query.items())
    reply = api.as_(who).get(f"/v1/admin/audit?{qs}")
    assert reply.status == 200, reply.json
    return reply.json


def test_auditor_reads_a_grant_with_its_request_id(api, admin, auditor, worker):
    reply = api.as_(admin).put(f"/v1/admin/members/{worker.member_id}/roles", {"roles": ["worker", "staff"], "station_ids": ["st-1"]})
    assert reply.status == 200, reply.json
    page = entries(api, auditor, target=f"member%23{worker.member_id}")
    newest = page["items"][0]
    assert newest["action"] == "set_roles"
    assert newest["actor"]["id"] == admin.member_id
    assert newest["request_id"] == reply.headers["X-Request-Id"]
