"""Service requests (cases): the workflow as a pure state machine, the SLA clock, the bodies.

    submitted -> accepted -> in_progress -> resolved
        |            |             |
        +------------+-------------+--> rejected (staff, with a reason)
        +------------+-------------+--> withdrawn (the worker, before resolution)

Every move is made by staff or by the worker who filed the request; anything else is a 422.
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from chalicelib.domain.base import Out, Strict
from chalicelib.domain.errors import RuleViolation
from chalicelib.domain.scenarios import SLUG, SlaHours
from chalicelib.domain.working_time import add_working_hours

Status = Literal["submitted", "accepted", "in_progress", "resolved", "rejected", "withdrawn"]
Actor = Literal["worker", "staff"]
STATUSES: tuple[str, ...] = ("submitted", "accepted", "in_progress", "resolved", "rejected", "withdrawn")
OPEN: tuple[str, ...] = ("submitted", "accepted", "in_progress")
MOVES: dict[Actor, dict[str, frozenset[str]]] = {
    "staff": {"submitted": frozenset({"accepted", "rejected"}), "accepted": frozenset({"in_progress", "rejected"}),
              "in_progress": frozenset({"resolved", "rejected"})},
    "worker": {s: frozenset({"withdrawn"}) for s in OPEN},
}
NOTE_REQUIRED = frozenset({"rejected"})
MAX_ATTACHMENTS = 10
MAX_FILE_BYTES = 10 * 1024 * 1024


class IllegalTransition(RuleViolation):
    code = "illegal_transition"

    def __init__(self, current: str, to: str) -> None:
        super().__init__(f"当前状态（{current}）不能变为 {to}", f"A request that is {current} cannot become {to}")
        self.current, self.to = current, to


class NoteRequired(RuleViolation):
    code = "note_required"
    zh = "请填写理由"
    en = "Give a reason"


def next_status(current: str, to: str, *, by: Actor, note: str | None = None) -> str:
    """`to`, if `by` may move a request from `current` to it; IllegalTransition (422) otherwise."""
    if to not in MOVES[by].get(current, frozenset()):
        raise IllegalTransition(current, to)
    if to in NOTE_REQUIRED and not (note or "").strip():
        raise NoteRequired()
    return to


def stage_due(status: str, entered: datetime, sla: SlaHours) -> datetime | None:
    """When the stage entered at `entered` is overdue (working hours), or None for a closed request."""
    if status not in OPEN:
        return None
    return add_working_hours(entered, getattr(sla, status))


def category_event(category: str) -> str:
    """The activity event that counts filed requests per scenario category, e.g. requests_hardship_aid."""
    return f"requests_{category}"


def status_event(status: str) -> str:
    return f"request_{status}"


# --- bodies ----------------------------------------------------------------------------------

Note = Annotated[str, Field(max_length=1000)]


class RequestCreate(Strict):
    scenario_key: Annotated[str, Field(pattern=SLUG)]
    answers: dict[str, Any]


class TransitionBody(Strict):
    to: Literal["accepted", "in_progress", "resolved", "rejected"]
    note: Note | None = None


class WithdrawBody(Strict):
    note: Note | None = None


class CommentBody(Strict):
    text: Annotated[str, Field(min_length=1, max_length=2000)]


class RatingBody(Strict):
    stars: Annotated[int, Field(ge=1, le=5)]
    text: Annotated[str, Field(max_length=500)] | None = None


class AttachmentCreate(Strict):
    field: Annotated[str, Field(pattern=SLUG)]
    filename: Annotated[str, Field(min_length=1, max_length=200)]
    content_type: Literal["image/jpeg", "image/png", "application/pdf"]
    size: Annotated[int, Field(ge=1, le=MAX_FILE_BYTES)]


class QueueQuery(Strict):
    status: Literal["submitted", "accepted", "in_progress"] | None = None
    scenario: Annotated[str, Field(pattern=SLUG)] | None = None
    overdue: bool = False


class HistoryEntry(Out):
    status: str
    event: str                       # submitted | moved | escalated
    at: str
    by: str
    note: str | None = None


class AttachmentOut(Out):
    attachment_id: str
    field: str
    filename: str
    content_type: str
    size: int
    created_at: str
    download_url: str | None = None


class CommentOut(Out):
    comment_id: str
    author: Literal["worker", "staff"]
    text: str
    at: str


class RequestOut(Out):
    request_id: str
    member_id: str
    scenario_key: str
    scenario_version: int
    category: str
    title_zh: str
    title_en: str
    status: str
    answers: dict[str, Any]
    employer_id: str | None = None
    submitted_at: str
    updated_at: str
    sla_due: str | None = None
    overdue: bool = False
    escalations: int = 0
    assignee: str | None = None
    history: list[HistoryEntry]
    attachments: list[AttachmentOut] = []
    missing_uploads: list[str] = []
    comments: list[CommentOut] | None = None
    rating: dict[str, Any] | None = None


class UploadOut(Out):
    """A presigned POST: send the file as multipart/form-data to `url` with every field in `fields`."""

    attachment: AttachmentOut
    url: str
    fields: dict[str, str]
    expires_in: int
