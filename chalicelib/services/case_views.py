"""How a service request is shown, and how its answers are sealed.

Answers of sensitive scenarios and fields, and every phone and ID number, are sealed with the
privacy layer under a context bound to the request and the field, so a ciphertext copied elsewhere
does not open. The worker who filed the request sees their answers in the clear; staff handling it
see the answers they need in the clear but phone and ID numbers masked (revealing them is an
audited admin action on the member). Comments, file names and rating texts are free text and
always sealed.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from chalicelib.domain.access import Caller
from chalicelib.domain.cases import AttachmentOut, CommentOut, HistoryEntry, RequestOut
from chalicelib.domain.scenarios import Scenario
from chalicelib.privacy.masking import mask_id_number, mask_phone
from chalicelib.runtime import runtime
from chalicelib.store.base import iso
from chalicelib.store.case_tables import CommentRecord, RequestRecord

DOWNLOAD_TTL = 300
MASKS = {"phone": mask_phone, "id_number": mask_id_number}


def context(request_id: str, *parts: str) -> str:
    return ":".join(("request", request_id, *parts))


def seal(request_id: str, value: str, *parts: str) -> str:
    return runtime().cipher.seal(value, context=context(request_id, *parts))


def unseal(request_id: str, token: str, *parts: str) -> str:
    return runtime().cipher.open(token, context=context(request_id, *parts))


def split_answers(scenario: Scenario, request_id: str, answers: dict[str, Any]
                  ) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """(plain, sealed, masked): what is stored as is, as ciphertext, and as a masked copy."""
    plain: dict[str, Any] = {}
    sealed: dict[str, str] = {}
    masked: dict[str, str] = {}
    for name, value in answers.items():
        f = scenario.field(name)
        if f is None or not scenario.sealed(f):
            plain[name] = value
            continue
        sealed[name] = seal(request_id, json.dumps(value, ensure_ascii=False), "answer", name)
        if f.type in MASKS:
            masked[name] = MASKS[f.type](value)
    return plain, sealed, masked


def _answers(record: RequestRecord, as_owner: bool) -> dict[str, Any]:
    shown = dict(record.answers or {})
    for name, token in (record.sealed or {}).items():
        masked = (record.masked or {}).get(name)
        opened = masked is None or as_owner
        shown[name] = json.loads(unseal(record.request_id, token, "answer", name)) if opened else masked
    return shown


def _plain(item: Any) -> dict[str, Any]:
    return item.as_dict() if hasattr(item, "as_dict") else dict(item)


def attachments_of(record: RequestRecord) -> list[dict[str, Any]]:
    return [_plain(a) for a in record.attachments or []]


def _attachment(record: RequestRecord, data: dict[str, Any], with_url: bool) -> AttachmentOut:
    url = None
    if with_url:
        url = runtime().client("s3").generate_presigned_url(
            "get_object", Params={"Bucket": runtime().settings.attachments_bucket, "Key": data["s3_key"]},
            ExpiresIn=DOWNLOAD_TTL)
    return AttachmentOut(attachment_id=data["attachment_id"], field=data["field"], content_type=data["content_type"],
                         filename=unseal(record.request_id, data["filename_enc"], "attachment", data["attachment_id"]),
                         size=int(data["size"]), created_at=data["created_at"], download_url=url)


def missing_uploads(record: RequestRecord) -> list[str]:
    have = [a["field"] for a in attachments_of(record)]
    return [name for name, limits in (record.uploads or {}).items() if have.count(name) < int(limits.get("min", 0))]


def request_view(record: RequestRecord, caller: Caller, now: datetime, *,
                 comments: list[CommentRecord] | None = None, with_urls: bool = False) -> RequestOut:
    as_owner = record.member_id == caller.member_id
    rating = None
    if record.rating_stars is not None:
        text = unseal(record.request_id, record.rating_text_enc, "rating") if record.rating_text_enc else None
        rating = {"stars": int(record.rating_stars), "text": text, "at": record.rated_at}
    return RequestOut(
        request_id=record.request_id, member_id=record.member_id, scenario_key=record.scenario_key,
        scenario_version=int(record.scenario_version), category=record.category, title_zh=record.title_zh,
        title_en=record.title_en, status=record.status, answers=_answers(record, as_owner),
        employer_id=record.employer_id, submitted_at=record.submitted_at, updated_at=record.updated_at,
        sla_due=record.sla_due, overdue=bool(record.sla_due and record.sla_due <= iso(now)),
        escalations=int(record.escalations or 0), assignee=record.assignee,
        history=[HistoryEntry(**_plain(h)) for h in record.history or []],
        attachments=[_attachment(record, a, with_urls) for a in attachments_of(record)],
        missing_uploads=missing_uploads(record),
        comments=None if comments is None else [
            CommentOut(comment_id=c.at_id, author=c.author_role,  # type: ignore[arg-type]
                       text=unseal(record.request_id, c.text_enc, "comment", c.at_id), at=c.at_id.split("#")[0])
            for c in comments],
        rating=rating)
