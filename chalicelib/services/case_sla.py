"""The staff queue, the SLA sweep and the employer's case list.

The queue is a Query on the sparse queue index per open status (issued concurrently when no status
is given), each ordered by the stage's due time; `overdue=true` is the key condition sla_due <= now.
The scheduled sweep (app.py, every 15 minutes) flags requests overdue in their current stage once,
records the escalation in the request's history and in the audit trail, and counts it in the
member's activity.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.domain.access import Caller
from chalicelib.domain.cases import OPEN, QueueQuery, RequestOut
from chalicelib.runtime import runtime
from chalicelib.services import activity
from chalicelib.services.case_views import request_view
from chalicelib.store import audit
from chalicelib.store import cases as store
from chalicelib.store.case_tables import RequestRecord
from chalicelib.store.parallel import concurrently
from chalicelib.store.transact import Cancelled, NamedTransaction


def staff_queue(caller: Caller, q: QueueQuery, now: datetime) -> list[RequestOut]:
    statuses = [q.status] if q.status else list(OPEN)
    pages = concurrently(lambda s: store.queue(s, now, overdue=q.overdue, scenario=q.scenario), statuses)
    found = sorted((r for page in pages for r in page), key=lambda r: (r.sla_due or "", r.request_id))
    return [request_view(r, caller, now) for r in found]


def employer_cases(caller: Caller, employer_id: str, now: datetime) -> list[RequestOut]:
    """Requests that name this employer (wage arrears, work injury), newest first: one Query."""
    return [request_view(r, caller, now) for r in store.employer_cases(employer_id)]


def sweep() -> dict[str, int]:
    """What the schedule runs."""
    return {"escalated": escalate_overdue(runtime().clock.now())}


def escalate_overdue(now: datetime) -> int:
    pages = concurrently(lambda s: store.overdue_unflagged(s, now), OPEN)
    return sum(_escalate(r, now) for page in pages for r in page)


def _escalate(record: RequestRecord, now: datetime) -> bool:
    tx = NamedTransaction()
    store.escalate_in(tx, record, now)
    activity.record_in(tx, record.member_id, "request_escalations", now)
    try:
        tx.commit()
    except Cancelled:
        return False                # moved on or flagged meanwhile
    audit.record(f"request#{record.request_id}", actor="system", action="escalate", at=now,
                 detail={"status": record.status, "sla_due": record.sla_due})
    return True
