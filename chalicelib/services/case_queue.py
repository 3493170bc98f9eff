"""The staff queue and the employer's case list.

A staff member's queue is a Query on the station queue index per station of theirs and open status
(all issued concurrently: staff of 3 stations asking for every status = 9 Queries, merged), so it
never holds another station's request; an admin's is a Query on the queue index per open status
(every station and the union-wide queue), or per station when they name one. Each is ordered by the
stage's due time; `overdue=true` is the key condition sla_due <= now.

Round trips: queue = 1 Query per (station,) open status asked for; employer cases = 1 Query.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.access import Caller
from chalicelib.domain.cases import OPEN, QueueQuery, RequestOut
from chalicelib.domain.station_errors import NotYourStation
from chalicelib.services.case_views import request_view
from chalicelib.store import cases as store
from chalicelib.store.parallel import concurrently


def _queues(caller: Caller, q: QueueQuery) -> list[tuple[str | None, str]]:
    """(station, status) pairs to read; station None = every station (admins only)."""
    statuses = [q.status] if q.status else list(OPEN)
    if q.station is not None and not caller.staffs(q.station):
        raise NotYourStation()
    if q.station is None and "admin" in caller.roles:
        return [(None, s) for s in statuses]
    stations = [q.station] if q.station else sorted(caller.station_ids)
    return [(st, s) for st in stations for s in statuses]


def staff_queue(caller: Caller, q: QueueQuery, now: datetime) -> list[RequestOut]:
    pages = concurrently(
        lambda key: store.queue(key[1], now, overdue=q.overdue, scenario=q.scenario, station=key[0]),
        _queues(caller, q),
    )
    found = sorted((c for page in pages for c in page), key=lambda c: (c.sla_due or now, c.request_id))
    return [request_view(c, caller, now) for c in found]


def employer_cases(caller: Caller, employer_id: str, now: datetime) -> list[RequestOut]:
    """Requests that name this employer (wage arrears, work injury), newest first: one Query."""
    return [request_view(c, caller, now) for c in store.employer_cases(employer_id)]
