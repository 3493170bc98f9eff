"""Service requests as domain `Case`s and `Comment`s, the index look-ups, and the writes as named
conditions (each checks the request is still in the state it was read in, so two staff can never
both act on a stale state):

  new_request          filing: no request with this id exists
  request_as_read      a move, a reassignment, an erasure: the status is still the one read, and so is the
                       handling station for staff (a request handed to another station meanwhile
                       is no longer theirs to move); for the worker, it is theirs
  still_due            escalation: same status and deadline as read, not flagged overdue yet
  attachments_as_read  a file: nobody added one since the read (so the limits hold), still open, theirs
  open_for_comments    a comment: not withdrawn, and theirs (the worker's; for staff, still routed to
                       the station read)
  rateable             a rating: resolved, not rated yet, theirs
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from itertools import islice
from typing import Any

from pynamodb.attributes import MapAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition, size
from pynamodb.expressions.update import Action

from chalicelib.domain.cases import OPEN, Attachment, Case, Comment, HandlingStation, Rating, Step, UploadLimits
from chalicelib.domain.scenarios import SlaHours
from chalicelib.runtime import runtime
from chalicelib.store.base import as_dict, from_iso, iso
from chalicelib.store.case_tables import CommentRecord, RequestRecord
from chalicelib.store.transact import NamedTransaction

NEW_REQUEST = "new_request"
REQUEST_AS_READ = "request_as_read"
STILL_DUE = "still_due"
ATTACHMENTS_AS_READ = "attachments_as_read"
OPEN_FOR_COMMENTS = "open_for_comments"
RATEABLE = "rateable"

R = RequestRecord


# --- reading -----------------------------------------------------------------------------------


def _station(item: Any) -> HandlingStation | None:
    return HandlingStation(**as_dict(item)) if item else None


def note_context(request_id: str, at: str) -> str:
    """A history note is free text a person typed (a rejection reason, a staff note): sealed, bound to
    its request and the moment of its step."""
    return f"request:{request_id}:note:{at}"


def _note(h: dict[str, Any], request_id: str) -> str | None:
    if h.get("note_enc"):
        return runtime().cipher.open(h["note_enc"], context=note_context(request_id, h["at"]))
    return h.get("note")  # written before notes were sealed


def _step(item: Any, request_id: str) -> Step:
    h = as_dict(item)
    return Step(
        status=h["status"],
        event=h["event"],
        at=from_iso(h["at"]),
        by=h["by"],
        note=_note(h, request_id),
        moved_from=_station(h.get("moved_from")),
        moved_to=_station(h.get("moved_to")),
    )


def _attachment(item: Any) -> Attachment:
    a = as_dict(item)
    return Attachment(
        attachment_id=a["attachment_id"],
        field=a["field"],
        content_type=a["content_type"],
        size=int(a["size"]),
        s3_key=a["s3_key"],
        created_at=from_iso(a["created_at"]),
        filename_enc=a["filename_enc"],
    )


def to_domain(r: RequestRecord) -> Case:
    rating = None
    if r.rating_stars is not None:
        rating = Rating(stars=int(r.rating_stars), text_enc=r.rating_text_enc, at=from_iso(r.rated_at))
    return Case(
        request_id=r.request_id,
        member_id=r.member_id,
        scenario_key=r.scenario_key,
        scenario_version=int(r.scenario_version),
        category=r.category,
        title_zh=r.title_zh,
        title_en=r.title_en,
        status=r.status,
        answers=r.answers or {},
        sealed=r.sealed or {},
        masked=r.masked or {},
        sla_hours=SlaHours(**(r.sla_hours or {})),
        uploads={
            name: UploadLimits(int(lim.get("min", 0)), int(lim["max"])) for name, lim in (r.uploads or {}).items()
        },
        employer_id=r.employer_id,
        submitted_at=from_iso(r.submitted_at),
        updated_at=from_iso(r.updated_at),
        stage_started_at=from_iso(r.stage_started_at),
        sla_due=from_iso(r.sla_due) if r.sla_due else None,
        history=tuple(_step(h, r.request_id) for h in r.history or []),
        overdue=bool(r.overdue),
        escalations=int(r.escalations or 0),
        assignee=r.assignee,
        attachments=tuple(_attachment(a) for a in r.attachments or []),
        comment_count=int(r.comment_count or 0),
        rating=rating,
        erase_on_close=bool(r.erase_on_close),
        station=HandlingStation(r.station_id, r.station_name_zh or "", r.station_name_en or "")
        if r.station_id
        else None,
    )


def _cases(found: Iterable[RequestRecord], limit: int | None = None) -> list[Case]:
    return [to_domain(r) for r in islice(found, limit)]


def get_request(request_id: str) -> Case | None:
    try:
        return to_domain(RequestRecord.get(request_id, consistent_read=True))
    except DoesNotExist:
        return None


def of_member(member_id: str, limit: int | None = 50) -> list[Case]:
    """A worker's requests, newest first (all of them with limit=None): one Query."""
    return _cases(RequestRecord.member_index.query(member_id, scan_index_forward=False), limit)


def _station_queue(station_id: str | None, status: str) -> str | None:
    return f"{station_id}#{status}" if station_id and status in OPEN else None


def queue(
    status: str, now: datetime, *, overdue: bool, scenario: str | None, station: str | None = None, limit: int = 100
) -> list[Case]:
    """Open requests in one status, soonest due first - of one station, or of every station and the
    union-wide queue when `station` is None: one Query (overdue = due before now)."""
    due = R.sla_due <= iso(now) if overdue else None
    wanted = R.scenario_key == scenario if scenario else None
    if station is None:
        return _cases(RequestRecord.queue_index.query(status, due, filter_condition=wanted), limit)
    key = _station_queue(station, status)
    return _cases(RequestRecord.station_queue_index.query(key, due, filter_condition=wanted), limit)


def overdue_unflagged(status: str, now: datetime) -> list[Case]:
    """What the SLA sweep escalates: overdue in this stage and not flagged yet."""
    return _cases(
        RequestRecord.queue_index.query(status, R.sla_due <= iso(now), filter_condition=R.overdue.does_not_exist())
    )


def open_unrouted() -> list[Case]:
    """Open requests filed before requests were routed to stations. A Scan: for the one-off batch job
    (services/case_routing.route_unrouted), never a request path."""
    return _cases(RequestRecord.scan(R.station_id.does_not_exist() & R.queue_status.exists()))


def employer_cases(employer_id: str, limit: int = 200) -> list[Case]:
    return _cases(RequestRecord.employer_index.query(employer_id, scan_index_forward=False), limit)


def comments(request_id: str) -> list[Comment]:
    """A request's comments, oldest first: one Query."""
    return [
        Comment(
            request_id=c.request_id,
            comment_id=c.at_id,
            author_id=c.author_id,
            author_role=c.author_role,
            text_enc=c.text_enc,
            at=from_iso(c.at_id.split("#")[0]),
        )
        for c in CommentRecord.query(request_id)
    ]


def new_comment_id(at: datetime) -> str:
    return f"{iso(at)}#{secrets.token_hex(4)}"


# --- transaction steps -------------------------------------------------------------------------


def _station_map(station: HandlingStation | None) -> dict[str, Any]:
    return (
        {}
        if station is None
        else {"station_id": station.station_id, "name_zh": station.name_zh, "name_en": station.name_en}
    )


def _history_entry(step: Step, request_id: str) -> MapAttribute:
    moves = {name: _station_map(s) for name, s in (("moved_from", step.moved_from), ("moved_to", step.moved_to)) if s}
    at = iso(step.at)
    sealed = runtime().cipher.seal(step.note, context=note_context(request_id, at)) if step.note else None
    return MapAttribute(
        status=step.status,
        event=step.event,
        at=at,
        by=step.by,
        **({"note_enc": sealed} if sealed else {}),
        **moves,
    )


def _appended(step: Step, request_id: str) -> Any:
    return R.history.set(R.history.append([_history_entry(step, request_id)]))


def put_in(tx: NamedTransaction, case: Case) -> None:
    """File a new request (NEW_REQUEST)."""
    record = RequestRecord(
        case.request_id,
        member_id=case.member_id,
        scenario_key=case.scenario_key,
        scenario_version=case.scenario_version,
        category=case.category,
        title_zh=case.title_zh,
        title_en=case.title_en,
        status=case.status,
        answers=dict(case.answers),
        sealed=dict(case.sealed),
        masked=dict(case.masked),
        sla_hours=case.sla_hours.model_dump(),
        uploads={name: {"min": lim.min, "max": lim.max} for name, lim in case.uploads.items()},
        employer_id=case.employer_id,
        submitted_at=iso(case.submitted_at),
        updated_at=iso(case.updated_at),
        stage_started_at=iso(case.stage_started_at),
        queue_status=case.status if case.status in OPEN else None,
        sla_due=iso(case.sla_due) if case.sla_due else None,
        history=[_history_entry(h, case.request_id) for h in case.history],
        **_routed_fields(case.station),
        station_queue=_station_queue(case.station_id, case.status),
    )
    tx.put(NEW_REQUEST, record, condition=R.request_id.does_not_exist())


def _routed_fields(station: HandlingStation | None) -> dict[str, Any]:
    if station is None:
        return {}
    return {"station_id": station.station_id, "station_name_zh": station.name_zh, "station_name_en": station.name_en}


def _still_routed(case: Case) -> Condition:
    return (R.station_id == case.station_id) if case.station_id else R.station_id.does_not_exist()


def _as_read(case: Case, owner: str | None) -> Condition:
    same = R.status == case.status
    return same & (R.member_id == owner) if owner else same & _still_routed(case)


def move_in(
    tx: NamedTransaction,
    case: Case,
    to: str,
    *,
    at: datetime,
    by: str,
    note: str | None,
    due: datetime | None,
    owner: str | None = None,
    assignee: str | None = None,
) -> None:
    """Move the request to `to` (REQUEST_AS_READ), restarting the stage's SLA clock."""
    station_queue = _station_queue(case.station_id, to)
    queue_fields: list[Action] = (
        [R.queue_status.set(to), R.sla_due.set(iso(due))] if due else [R.queue_status.remove(), R.sla_due.remove()]
    )
    queue_fields.append(R.station_queue.set(station_queue) if station_queue else R.station_queue.remove())
    actions = [
        R.status.set(to),
        *queue_fields,
        R.stage_started_at.set(iso(at)),
        R.updated_at.set(iso(at)),
        R.overdue.remove(),
        _appended(Step(to, "moved", at, by, note), case.request_id),
    ]
    actions += [R.assignee.set(assignee)] if assignee else []
    tx.update(REQUEST_AS_READ, RequestRecord(case.request_id), actions, condition=_as_read(case, owner))


def reassign_in(tx: NamedTransaction, case: Case, step: Step) -> None:
    """Hand an open request to `step.moved_to` (REQUEST_AS_READ: same status and station as read):
    its queue entry moves with it, and nobody there has taken it on yet."""
    to = step.moved_to
    assert to is not None
    actions: list[Action] = [
        R.station_id.set(to.station_id),
        R.station_name_zh.set(to.name_zh),
        R.station_name_en.set(to.name_en),
        R.station_queue.set(f"{to.station_id}#{case.status}"),
        R.assignee.remove(),
        R.updated_at.set(iso(step.at)),
        _appended(step, case.request_id),
    ]
    tx.update(REQUEST_AS_READ, RequestRecord(case.request_id), actions, condition=_as_read(case, None))


def escalate_in(tx: NamedTransaction, case: Case, at: datetime) -> None:
    """Flag the current stage overdue, once (STILL_DUE): a moved or already flagged request is left alone."""
    due = iso(case.sla_due) if case.sla_due else None
    step = Step(case.status, "escalated", at, "system", f"SLA due {due}")
    tx.update(
        STILL_DUE,
        RequestRecord(case.request_id),
        [R.overdue.set(True), R.escalations.add(1), _appended(step, case.request_id)],
        condition=(R.status == case.status) & (R.sla_due == due) & R.overdue.does_not_exist(),
    )


def attach_in(tx: NamedTransaction, case: Case, attachment: Attachment, *, owner: str) -> None:
    """Add an attachment (ATTACHMENTS_AS_READ)."""
    stored: MapAttribute[str, Any] = MapAttribute(
        attachment_id=attachment.attachment_id,
        field=attachment.field,
        content_type=attachment.content_type,
        size=attachment.size,
        s3_key=attachment.s3_key,
        created_at=iso(attachment.created_at),
        filename_enc=attachment.filename_enc,
    )
    tx.update(
        ATTACHMENTS_AS_READ,
        RequestRecord(case.request_id),
        [R.attachments.set(R.attachments.append([stored])), R.updated_at.set(iso(attachment.created_at))],
        condition=(size(R.attachments) == len(case.attachments)) & R.status.is_in(*OPEN) & (R.member_id == owner),
    )


def comment_in(tx: NamedTransaction, case: Case, comment: Comment, *, owner: str | None) -> None:
    """Add a comment (OPEN_FOR_COMMENTS) and count it on the request."""
    tx.put(
        "comment",
        CommentRecord(
            comment.request_id,
            comment.comment_id,
            author_id=comment.author_id,
            author_role=comment.author_role,
            text_enc=comment.text_enc,
        ),
    )
    allowed = (R.status != "withdrawn") & ((R.member_id == owner) if owner else _still_routed(case))
    tx.update(
        OPEN_FOR_COMMENTS,
        RequestRecord(comment.request_id),
        [R.comment_count.add(1), R.updated_at.set(iso(comment.at))],
        condition=allowed,
    )


def rate_in(tx: NamedTransaction, case: Case, rating: Rating, *, owner: str) -> None:
    """Rate a resolved request, once (RATEABLE)."""
    actions: list[Action] = [
        R.rating_stars.set(rating.stars),
        R.rated_at.set(iso(rating.at)),
        *([R.rating_text_enc.set(rating.text_enc)] if rating.text_enc else []),
    ]
    tx.update(
        RATEABLE,
        RequestRecord(case.request_id),
        actions,
        condition=(R.status == "resolved") & R.rating_stars.does_not_exist() & (R.member_id == owner),
    )


# --- erasure (PIPL art. 47) ------------------------------------------------------------------


def erase_content_in(tx: NamedTransaction, case: Case, *, at: datetime, withdraw: bool) -> None:
    """Drop what a request says about its worker (answers, sealed and masked copies, attachment list,
    rating text, the notes in its history) and keep what counts need: scenario, category, status,
    employer, times. `withdraw` also closes an open request (it leaves the staff queue).
    Refused when the request moved since it was read (REQUEST_AS_READ)."""
    history = [_history_entry(Step(h.status, h.event, h.at, h.by), case.request_id) for h in case.history]
    if withdraw:
        history.append(_history_entry(Step("withdrawn", "erased", at, "system"), case.request_id))
    actions: list[Action] = [
        R.answers.set({}),
        R.sealed.set({}),
        R.masked.set({}),
        R.attachments.set([]),
        R.rating_text_enc.remove(),
        R.history.set(history),
        R.updated_at.set(iso(at)),
        R.erase_on_close.remove(),
    ]
    if withdraw:
        actions += [R.status.set("withdrawn"), R.queue_status.remove(), R.sla_due.remove(), R.overdue.remove()]
    tx.update(REQUEST_AS_READ, RequestRecord(case.request_id), actions, condition=R.status == case.status)


def redact_comment(request_id: str, comment_id: str, text_enc: str) -> None:
    """Replace a comment's sealed text (the comment stays, so the thread shows a reply existed): one
    UpdateItem, idempotent."""
    CommentRecord(request_id, comment_id).update(actions=[CommentRecord.text_enc.set(text_enc)])


def hold_for_erasure(request_id: str) -> None:
    """Mark a request kept under a legal hold so that its content is erased when it closes: one
    UpdateItem, idempotent."""
    RequestRecord(request_id).update(actions=[R.erase_on_close.set(True)], condition=R.request_id.exists())
