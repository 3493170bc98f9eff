"""The staff queue and the employer's case list.

The queue is a Query on the sparse queue index per open status (issued concurrently when no status
is given), each ordered by the stage's due time; `overdue=true` is the key condition sla_due <= now.

Round trips: queue = 1 Query per open status asked for; employer cases = 1 Query.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.access import Caller
from chalicelib.domain.cases import OPEN, QueueQuery, RequestOut
from chalicelib.services.case_views import request_view
from chalicelib.store import cases as store
from chalicelib.store.parallel import concurrently


def staff_queue(caller: Caller, q: QueueQuery, now: datetime) -> list[RequestOut]:
    statuses = [q.status] if q.status else list(OPEN)
    pages = concurrently(lambda s: store.queue(s, now, overdue=q.overdue, scenario=q.scenario), statuses)
    found = sorted((c for page in pages for c in page), key=lambda c: (c.sla_due or now, c.request_id))
    return [request_view(c, caller, now) for c in found]


def employer_cases(caller: Caller, employer_id: str, now: datetime) -> list[RequestOut]:
    """Requests that name this employer (wage arrears, work injury), newest first: one Query."""
    return [request_view(c, caller, now) for c in store.employer_cases(employer_id)]
