"""How a service request is shown: to its owner with their answers in the clear, to staff with
phone and ID numbers masked (case_sealing), with comments and download links when one request is
opened. Signing a download link is local: no round trip.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.access import Caller
from chalicelib.domain.cases import (
    Attachment,
    AttachmentOut,
    Case,
    Comment,
    CommentOut,
    HistoryEntry,
    RequestOut,
    StationName,
    Step,
)
from chalicelib.domain.instants import utc_stamp
from chalicelib.services.case_sealing import open_answers, unseal
from chalicelib.store import attachments as files


def _attachment(case: Case, a: Attachment, with_url: bool) -> AttachmentOut:
    return AttachmentOut(
        attachment_id=a.attachment_id,
        field=a.field,
        content_type=a.content_type,
        filename=unseal(case.request_id, a.filename_enc, "attachment", a.attachment_id),
        size=a.size,
        created_at=utc_stamp(a.created_at),
        download_url=files.download_url(a.s3_key) if with_url else None,
    )


def _comment(case: Case, c: Comment) -> CommentOut:
    return CommentOut(
        comment_id=c.comment_id,
        author=c.author_role,  # type: ignore[arg-type]
        text=unseal(case.request_id, c.text_enc, "comment", c.comment_id),
        at=utc_stamp(c.at),
    )


def _rating(case: Case) -> dict[str, object] | None:
    r = case.rating
    if r is None:
        return None
    text = unseal(case.request_id, r.text_enc, "rating") if r.text_enc else None
    return {"stars": r.stars, "text": text, "at": utc_stamp(r.at)}


def _history_entry(h: Step) -> HistoryEntry:
    return HistoryEntry(
        status=h.status,
        event=h.event,
        at=utc_stamp(h.at),
        by=h.by,
        note=h.note,
        moved_from=StationName.of(h.moved_from),
        moved_to=StationName.of(h.moved_to),
    )


def request_view(
    case: Case, caller: Caller, now: datetime, *, comments: list[Comment] | None = None, with_urls: bool = False
) -> RequestOut:
    return RequestOut(
        request_id=case.request_id,
        member_id=case.member_id,
        scenario_key=case.scenario_key,
        scenario_version=case.scenario_version,
        category=case.category,
        title_zh=case.title_zh,
        title_en=case.title_en,
        status=case.status,
        answers=open_answers(case, as_owner=case.member_id == caller.member_id),
        employer_id=case.employer_id,
        submitted_at=utc_stamp(case.submitted_at),
        updated_at=utc_stamp(case.updated_at),
        sla_due=utc_stamp(case.sla_due) if case.sla_due else None,
        overdue=case.due_by(now),
        escalations=case.escalations,
        assignee=case.assignee,
        station=StationName.of(case.station),
        history=[_history_entry(h) for h in case.history],
        attachments=[_attachment(case, a, with_urls) for a in case.attachments],
        missing_uploads=case.missing_uploads(),
        comments=None if comments is None else [_comment(case, c) for c in comments],
        rating=_rating(case),
    )
