"""The SLA sweep: the schedule (app.py, every 15 minutes) flags requests overdue in their current
stage once, and records the escalation in the request's history, in the audit trail and in the
member's activity, all in one unit of work per request.

Round trips: 1 Query per open status (concurrently) + one TransactWriteItems per escalated request.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import activity as events
from chalicelib.domain import case_errors as err
from chalicelib.domain.cases import OPEN, Case
from chalicelib.domain.instants import utc_stamp
from chalicelib.runtime import runtime
from chalicelib.services import activity
from chalicelib.store import cases as store
from chalicelib.store.parallel import concurrently
from chalicelib.store.unit_of_work import unit_of_work


def sweep() -> dict[str, int]:
    """What the schedule runs."""
    return {"escalated": escalate_overdue(runtime().clock.now())}


def escalate_overdue(now: datetime) -> int:
    pages = concurrently(lambda s: store.overdue_unflagged(s, now), OPEN)
    return sum(_escalate(c, now) for page in pages for c in page)


def _escalate(case: Case, now: datetime) -> bool:
    """Escalate one request; False when it moved on or was flagged meanwhile."""
    try:
        with unit_of_work(now, refuse={store.STILL_DUE: err.RequestChanged}) as uow:
            store.escalate_in(uow, case, now)
            activity.record_in(uow, case.member_id, events.REQUEST_ESCALATED, now)
            uow.audit(
                "system",
                "escalate",
                target=f"request#{case.request_id}",
                detail={"status": case.status, "sla_due": utc_stamp(case.sla_due) if case.sla_due else None},
            )
    except err.RequestChanged:
        return False
    return True
