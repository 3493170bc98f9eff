"""Service-request writes as named conditional steps (each checks the request is still in the state
it was read in, so two staff can never both act on a stale state), and the index look-ups."""
from __future__ import annotations

import secrets
from datetime import datetime
from itertools import islice
from typing import Any

from pynamodb.attributes import MapAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition, size

from chalicelib.domain.cases import OPEN
from chalicelib.store.base import iso
from chalicelib.store.case_tables import CommentRecord, RequestRecord
from chalicelib.store.transact import NamedTransaction

R = RequestRecord


def get_request(request_id: str) -> RequestRecord | None:
    try:
        return RequestRecord.get(request_id, consistent_read=True)
    except DoesNotExist:
        return None


def of_member(member_id: str, limit: int = 50) -> list[RequestRecord]:
    """A worker's requests, newest first: one Query."""
    return list(islice(RequestRecord.member_index.query(member_id, scan_index_forward=False), limit))


def queue(status: str, now: datetime, *, overdue: bool, scenario: str | None, limit: int = 100) -> list[RequestRecord]:
    """Open requests in one status, soonest due first: one Query (overdue = due before now)."""
    due = R.sla_due <= iso(now) if overdue else None
    wanted = R.scenario_key == scenario if scenario else None
    return list(islice(RequestRecord.queue_index.query(status, due, filter_condition=wanted), limit))


def overdue_unflagged(status: str, now: datetime) -> list[RequestRecord]:
    """What the SLA sweep escalates: overdue in this stage and not flagged yet."""
    return list(RequestRecord.queue_index.query(status, R.sla_due <= iso(now), filter_condition=R.overdue.does_not_exist()))


def employer_cases(employer_id: str, limit: int = 200) -> list[RequestRecord]:
    return list(islice(RequestRecord.employer_index.query(employer_id, scan_index_forward=False), limit))


def comments(request_id: str) -> list[CommentRecord]:
    return list(CommentRecord.query(request_id))


def history_entry(status: str, event: str, at: datetime, by: str, note: str | None = None) -> MapAttribute:
    return MapAttribute(status=status, event=event, at=iso(at), by=by, **({"note": note} if note else {}))


# --- transaction steps -----------------------------------------------------------------------

def put_in(tx: NamedTransaction, record: RequestRecord) -> None:
    tx.put("request", record, condition=R.request_id.does_not_exist())


def _as_read(record: RequestRecord, owner: str | None) -> Condition:
    same = R.status == record.status
    return same & (R.member_id == owner) if owner else same


def move_in(tx: NamedTransaction, record: RequestRecord, to: str, *, at: datetime, by: str, note: str | None,
            due: datetime | None, owner: str | None = None, assignee: str | None = None) -> None:
    """Move the request to `to` (only from the status it was read in), restarting the stage's SLA clock."""
    queue_fields = [R.queue_status.set(to), R.sla_due.set(iso(due))] if due else [R.queue_status.remove(),
                                                                                   R.sla_due.remove()]
    actions = [R.status.set(to), *queue_fields, R.stage_started_at.set(iso(at)), R.updated_at.set(iso(at)),
               R.overdue.remove(), R.history.set(R.history.append([history_entry(to, "moved", at, by, note)]))]
    actions += [R.assignee.set(assignee)] if assignee else []
    tx.update("request", RequestRecord(record.request_id), actions, condition=_as_read(record, owner))


def escalate_in(tx: NamedTransaction, record: RequestRecord, at: datetime) -> None:
    """Flag the current stage overdue, once: a moved or already flagged request is left alone."""
    entry = history_entry(record.status, "escalated", at, "system", f"SLA due {record.sla_due}")
    tx.update("request", RequestRecord(record.request_id),
              [R.overdue.set(True), R.escalations.add(1), R.history.set(R.history.append([entry]))],
              condition=(R.status == record.status) & (R.sla_due == record.sla_due) & R.overdue.does_not_exist())


def attach_in(tx: NamedTransaction, record: RequestRecord, attachment: dict[str, Any], at: datetime, *,
              owner: str) -> None:
    """Add an attachment if nobody added one since the request was read (so the limits hold)."""
    count = len(record.attachments or [])
    tx.update("request", RequestRecord(record.request_id),
              [R.attachments.set(R.attachments.append([MapAttribute(**attachment)])), R.updated_at.set(iso(at))],
              condition=(size(R.attachments) == count) & R.status.is_in(*OPEN) & (R.member_id == owner))


def comment_in(tx: NamedTransaction, record: RequestRecord, *, author: str, role: str, text_enc: str,
               at_id: str, at: datetime, owner: str | None) -> None:
    tx.put("comment", CommentRecord(record.request_id, at_id, author_id=author, author_role=role, text_enc=text_enc))
    allowed = (R.status != "withdrawn") & ((R.member_id == owner) if owner else R.request_id.exists())
    tx.update("request", RequestRecord(record.request_id), [R.comment_count.add(1), R.updated_at.set(iso(at))],
              condition=allowed)


def rate_in(tx: NamedTransaction, record: RequestRecord, stars: int, text_enc: str | None, at: datetime, *,
            owner: str) -> None:
    actions = [R.rating_stars.set(stars), R.rated_at.set(iso(at)),
               *([R.rating_text_enc.set(text_enc)] if text_enc else [])]
    tx.update("request", RequestRecord(record.request_id), actions,
              condition=(R.status == "resolved") & R.rating_stars.does_not_exist() & (R.member_id == owner))


def new_at_id(at: datetime) -> str:
    return f"{iso(at)}#{secrets.token_hex(4)}"
