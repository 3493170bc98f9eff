"""Erasing what a service request says about its worker (PIPL art. 47): the files in S3, the words of
every comment (staff replies too: they quote the worker; each comment stays, redacted, so the thread
shows a reply existed), the answers, rating text and history notes, and the free text of the audit
entries on the request. What counts need stays: scenario, category, status, employer, times.

Every step is idempotent, so a retry after a failure midway finishes the job. An open rights case of
an erased worker is held instead (domain.erasure) and erased by `erase_if_held` when it closes.

Round trips: ListObjectsV2 + DeleteObjects (S3) + Query comments + one UpdateItem per comment + one
TransactWriteItems (content, and for an open request its withdrawal and activity counter) + Query of
the request's audit entries (+ one UpdateItem per entry with free text).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from chalicelib.domain.activity import request_moved
from chalicelib.domain.cases import OPEN, Case
from chalicelib.domain.categories import RIGHTS_PROTECTION
from chalicelib.domain.erasure import REDACTED
from chalicelib.domain.errors import Conflict
from chalicelib.services import activity
from chalicelib.services.case_sealing import seal
from chalicelib.store import attachments as files
from chalicelib.store import audit, cases
from chalicelib.store.unit_of_work import unit_of_work

MOVED = Conflict("申请刚被工作人员处理，请重试", "A request just changed; try again")


def under_legal_hold(case: Case) -> bool:
    """An open rights-protection request: kept while the union acts on it (domain.erasure)."""
    return case.category == RIGHTS_PROTECTION and case.status in OPEN


def hold(case: Case) -> None:
    cases.hold_for_erasure(case.request_id)


def erase_request(case: Case, now: datetime) -> Counter[str]:
    """Erase the request's content; an open one is withdrawn (it leaves the staff queue). Returns
    what was erased, by receipt kind."""
    erased: Counter[str] = Counter(requests=1)
    erased["attachments"] = max(files.erase_objects(case.request_id), len(case.attachments))
    erased["comments"] = _redact_comments(case)
    withdraw = case.status in OPEN
    with unit_of_work(now, refuse={cases.REQUEST_AS_READ: MOVED}) as uow:
        cases.erase_content_in(uow, case, at=now, withdraw=withdraw)
        if withdraw:
            activity.record_in(uow, case.member_id, request_moved("withdrawn"), now)
    erased["audit_notes"] = audit.blank_free_text(f"request#{case.request_id}")
    return erased


def erase_if_held(request_id: str, now: datetime) -> None:
    """After a move: a held case that just closed is erased now (read again: the move changed it)."""
    case = cases.get_request(request_id)
    if case is not None and case.erase_on_close and case.status not in OPEN:
        erase_request(case, now)


def _redact_comments(case: Case) -> int:
    said = cases.comments(case.request_id)
    for c in said:
        cases.redact_comment(case.request_id, c.comment_id, seal(case.request_id, REDACTED, "comment", c.comment_id))
    return len(said)
