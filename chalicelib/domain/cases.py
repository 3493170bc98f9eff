"""Service requests (cases): the workflow as a pure state machine, the SLA clock, what a request
is (the frozen objects the store returns), this area's activity events, and the bodies.

    submitted -> accepted -> in_progress -> resolved
        |            |             |
        +------------+-------------+--> rejected (staff, with a reason)
        +------------+-------------+--> withdrawn (the worker, before resolution)

Every move is made by staff or by the worker who filed the request; anything else is a 422.

A request is handled by one station (`Case.station`, see services/case_routing.py for how it is
chosen) or, when none fits, by the union-wide queue that only admins see.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from chalicelib.domain.access import Caller
from chalicelib.domain.base import Out, Strict
from chalicelib.domain.case_errors import (
    IllegalTransition,
    NotAFileField,
    NoteRequired,
    RequestClosed,
    SameStation,
    TooManyFiles,
)
from chalicelib.domain.scenarios import SLUG, Scenario, SlaHours
from chalicelib.domain.working_time import add_working_hours

Status = Literal["submitted", "accepted", "in_progress", "resolved", "rejected", "withdrawn"]
Actor = Literal["worker", "staff"]
STATUSES: tuple[str, ...] = ("submitted", "accepted", "in_progress", "resolved", "rejected", "withdrawn")
OPEN: tuple[str, ...] = ("submitted", "accepted", "in_progress")
MOVES: dict[Actor, dict[str, frozenset[str]]] = {
    "staff": {
        "submitted": frozenset({"accepted", "rejected"}),
        "accepted": frozenset({"in_progress", "rejected"}),
        "in_progress": frozenset({"resolved", "rejected"}),
    },
    "worker": {s: frozenset({"withdrawn"}) for s in OPEN},
}
NOTE_REQUIRED = frozenset({"rejected"})
MAX_ATTACHMENTS = 10
MAX_FILE_BYTES = 10 * 1024 * 1024


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


# --- what a request is (the store returns these) ----------------------------------------------


@dataclass(frozen=True)
class HandlingStation:
    """The station a request is routed to, with its names as they were when it was routed (so showing
    a request or a queue reads no station)."""

    station_id: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Step:
    """One line of a request's history: where it went, how, when and by whom."""

    status: str
    event: str  # submitted | moved | escalated | reassigned
    at: datetime
    by: str
    note: str | None = None
    moved_from: HandlingStation | None = None  # reassigned: the station that handled it until then
    moved_to: HandlingStation | None = None  # reassigned: the station that handles it now


@dataclass(frozen=True)
class UploadLimits:
    """How many files a file field takes, copied from the scenario version when the request is filed."""

    min: int
    max: int


@dataclass(frozen=True)
class Attachment:
    attachment_id: str
    field: str
    content_type: str
    size: int
    s3_key: str
    created_at: datetime
    filename_enc: str  # sealed: a file name may carry personal data


@dataclass(frozen=True)
class UploadForm:
    """A presigned POST: send the file as multipart/form-data to `url` with every field in `fields`."""

    url: str
    fields: Mapping[str, str]
    expires_in: int


@dataclass(frozen=True)
class Rating:
    stars: int
    text_enc: str | None  # sealed, like comments
    at: datetime


@dataclass(frozen=True)
class Case:
    """A service request as filed and as it moved since; answers of sensitive fields only sealed."""

    request_id: str
    member_id: str
    scenario_key: str
    scenario_version: int
    category: str
    title_zh: str
    title_en: str
    status: str
    answers: Mapping[str, Any]  # what is stored in the clear
    sealed: Mapping[str, str]  # field -> ciphertext
    masked: Mapping[str, str]  # field -> masked phone / ID number, for staff
    sla_hours: SlaHours
    uploads: Mapping[str, UploadLimits]
    employer_id: str | None
    submitted_at: datetime
    updated_at: datetime
    stage_started_at: datetime
    sla_due: datetime | None
    history: tuple[Step, ...]
    overdue: bool = False  # flagged (and escalated) by the SLA sweep, per stage
    escalations: int = 0
    assignee: str | None = None
    attachments: tuple[Attachment, ...] = ()
    comment_count: int = 0
    rating: Rating | None = None
    erase_on_close: bool = False  # a rights case held after its worker erased their account
    station: HandlingStation | None = None  # None: the union-wide queue (admins only)

    @property
    def station_id(self) -> str | None:
        return self.station.station_id if self.station else None

    def due_by(self, now: datetime) -> bool:
        """Whether the current stage's deadline has passed at `now`."""
        return self.sla_due is not None and self.sla_due <= now

    def files_in(self, field: str) -> int:
        return sum(a.field == field for a in self.attachments)

    def missing_uploads(self) -> list[str]:
        """File fields that still have fewer files than they need."""
        return [name for name, limits in self.uploads.items() if self.files_in(name) < limits.min]


@dataclass(frozen=True)
class Comment:
    request_id: str
    comment_id: str  # <stored time>#<random>: unique, ordered
    author_id: str
    author_role: str  # worker | staff
    text_enc: str  # sealed: free text may carry personal data
    at: datetime


def handles(caller: Caller, case: Case) -> bool:
    """Admins handle every request; staff those routed to their stations; nobody else (the union-wide
    queue is the admins')."""
    return "admin" in caller.roles or (case.station_id is not None and caller.staffs(case.station_id))


def check_room_for_file(case: Case, field: str) -> None:
    """A file may be added to `field`: the request is open, `field` is a file field of its scenario, and
    neither the field's nor the request's limit is reached."""
    if case.status not in OPEN:
        raise RequestClosed()
    limits = case.uploads.get(field)
    if limits is None:
        raise NotAFileField()
    if case.files_in(field) >= limits.max or len(case.attachments) >= MAX_ATTACHMENTS:
        cap = min(limits.max, MAX_ATTACHMENTS)
        raise TooManyFiles(f"该项最多上传 {cap} 个文件", f"at most {cap} files may be uploaded here")


def new_case(
    request_id: str,
    member_id: str,
    scenario: Scenario,
    *,
    answers: Mapping[str, Any],
    sealed: Mapping[str, str],
    masked: Mapping[str, str],
    employer_id: str | None,
    station: HandlingStation | None,
    now: datetime,
) -> Case:
    """A request just filed under `scenario`: submitted, its first stage's SLA clock running from `now`."""
    return Case(
        request_id=request_id,
        member_id=member_id,
        scenario_key=scenario.key,
        scenario_version=scenario.version,
        category=scenario.category,
        title_zh=scenario.title_zh,
        title_en=scenario.title_en,
        status="submitted",
        answers=answers,
        sealed=sealed,
        masked=masked,
        sla_hours=scenario.sla_hours,
        employer_id=employer_id,
        submitted_at=now,
        updated_at=now,
        stage_started_at=now,
        sla_due=stage_due("submitted", now, scenario.sla_hours),
        uploads={f.name: UploadLimits(f.min_files, f.max_files) for f in scenario.fields if f.type == "file"},
        history=(Step("submitted", "submitted", now, member_id),),
        station=station,
    )


def reassignment(case: Case, to: HandlingStation, *, by: str, reason: str, at: datetime) -> Step:
    """The history line of moving an open request to another station (422 when it is closed or
    already there); its status and SLA clock stay as they are."""
    if case.status not in OPEN:
        raise RequestClosed()
    if case.station_id == to.station_id:
        raise SameStation()
    return Step(case.status, "reassigned", at, by, reason, moved_from=case.station, moved_to=to)


# --- bodies ----------------------------------------------------------------------------------

Note = Annotated[str, Field(max_length=1000)]


StationId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]


class RequestCreate(Strict):
    scenario_key: Annotated[str, Field(pattern=SLUG)]
    answers: dict[str, Any]
    station_id: StationId | None = None  # the station the worker chose; else their city's default


class ReassignBody(Strict):
    """POST /v1/staff/requests/{id}/reassign: hand the request to another station, saying why."""

    station_id: StationId
    reason: Annotated[str, Field(min_length=1, max_length=500)]


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
    station: StationId | None = None  # one of the caller's stations (admins: any)
    scenario: Annotated[str, Field(pattern=SLUG)] | None = None
    overdue: bool = False


class StationName(Out):
    """A handling station as a person reads it."""

    station_id: str
    name_zh: str
    name_en: str

    @classmethod
    def of(cls, station: HandlingStation | None) -> StationName | None:
        return None if station is None else cls(**asdict(station))


class HistoryEntry(Out):
    status: str
    event: str  # submitted | moved | escalated | reassigned
    at: str
    by: str
    note: str | None = None
    moved_from: StationName | None = None  # reassigned only
    moved_to: StationName | None = None  # reassigned only


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
    station: StationName | None = None  # who handles it; None: the union-wide queue (admins)
    history: list[HistoryEntry]
    attachments: list[AttachmentOut] = []
    missing_uploads: list[str] = []
    comments: list[CommentOut] | None = None
    rating: dict[str, Any] | None = None


class ReassignOut(Out):
    """What a reassignment answers: where the request went (the caller may no longer see the rest)."""

    request_id: str
    status: str
    station: StationName


class UploadOut(Out):
    """A presigned POST: send the file as multipart/form-data to `url` with every field in `fields`."""

    attachment: AttachmentOut
    url: str
    fields: dict[str, str]
    expires_in: int
