"""PIPL art. 45: everything WorkerHome holds about a member, in the clear for them alone, as a zip
(export.json + CSVs) behind a presigned link that expires in 15 minutes. Staff appear only as a
role label; nobody else's records are read. The export is audited (its own unit of work, written
once the zip is stored, so no link is ever handed out without its audit entry).

Round trips: 14 reads issued at once - GetItem member, membership, and for the assessment the
member's scoring profile, activity, privacy choice and the churn thresholds; Query bookings,
waitlist, applications, consents, requests, outreach, scores, audit trail - then 1 Query per
request (its comments, at once); 1 S3 PutObject; one TransactWriteItems (the audit entry).
Signing the links is local.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.domain.access import Caller
from chalicelib.domain.audit import AuditEvent
from chalicelib.domain.bookings import booking_view
from chalicelib.domain.cases import Case
from chalicelib.domain.data_export import ABOUT, NOTIFICATIONS_NOTE, ExportOut, archive, counts, plain, who
from chalicelib.domain.instants import utc_stamp
from chalicelib.domain.members import SEALED_FIELDS, Member, profile_of
from chalicelib.domain.outreach import Outreach
from chalicelib.domain.scores import MemberScore
from chalicelib.runtime import runtime
from chalicelib.services import member_scores, members, membership, outreach, waitlist
from chalicelib.services.case_views import request_view
from chalicelib.store import attachments as files
from chalicelib.store import audit, bookings, cases, exports, scores
from chalicelib.store import membership as membership_store
from chalicelib.store import outreach as outreach_store
from chalicelib.store import waitlist as waitlist_store
from chalicelib.store.parallel import concurrently
from chalicelib.store.unit_of_work import unit_of_work

FORMAT = "workerhome-data-export/1"


def _target(member_id: str) -> str:
    return f"member#{member_id}"


def _profile(member: Member) -> dict[str, Any]:
    data = profile_of(member).model_dump()
    data.update({field: members.open_field(member, field) for field in SEALED_FIELDS})
    return data


def _request(case: Case, caller: Caller, now: datetime) -> dict[str, Any]:
    """The request as its owner sees it, with comments and hour-long attachment links; staff unnamed."""
    view = request_view(case, caller, now, comments=cases.comments(case.request_id)).model_dump()
    links = {a.attachment_id: files.download_url(a.s3_key, files.EXPORT_DOWNLOAD_TTL) for a in case.attachments}
    for attachment in view["attachments"]:
        attachment["download_url"] = links[attachment["attachment_id"]]
    for step in view["history"]:
        step["by"] = who(step["by"], caller.member_id)
    view["assignee"] = who(view["assignee"], caller.member_id)
    return view


def _outreach(record: Outreach, member_id: str) -> dict[str, Any]:
    shown = outreach.view(record).model_dump()
    return {**shown, "by": who(shown["by"], member_id), "outcome_by": who(shown["outcome_by"], member_id)}


def _score(s: MemberScore, lang: str) -> dict[str, Any]:
    """A stored score with its reasons in plain words (the member's language)."""
    text = 2 if lang == "en" else 1
    return {
        "model": s.model,
        "tier": s.tier,
        "probability": s.probability,
        "scored_at": utc_stamp(s.scored_at),
        "model_version": s.model_version,
        "reasons": [reason[text] for reason in s.reasons],
        "outputs": s.outputs,
    }


def _audit_entry(event: AuditEvent, member_id: str) -> dict[str, Any]:
    return {
        "at": utc_stamp(event.at),
        "action": event.action,
        "actor": who(event.actor, member_id),
        "reason": event.reason,
    }


def _read(member_id: str, now: datetime, lang: str) -> dict[str, Any]:
    """Every store read of the export, issued at once."""
    reads: dict[str, Callable[[], Any]] = {
        "bookings": lambda: bookings.of_member(member_id),
        "waitlist": lambda: waitlist_store.of_member(member_id),
        "membership": lambda: membership_store.get_membership(member_id),
        "applications": lambda: membership_store.applications_of_member(member_id),
        "consents": lambda: membership_store.consents_of(member_id),
        "requests": lambda: cases.of_member(member_id, limit=None),
        "outreach": lambda: outreach_store.of_member(member_id, limit=None),
        "scores": lambda: scores.of_member(member_id),
        "assessment": lambda: member_scores.my_insights(member_id, now, lang),
        "audit": lambda: audit.trail(_target(member_id), limit=None),
    }
    return dict(zip(reads, concurrently(lambda read: read(), reads.values()), strict=True))


def sections_of(caller: Caller, member: Member, now: datetime) -> dict[str, Any]:
    """The export's sections, every one present (empty when nothing is held)."""
    me, lang = member.member_id, member.language
    held = _read(me, now, lang)
    return {
        "profile": _profile(member),
        "bookings": [plain(booking_view(b)) for b in held["bookings"]],
        "waitlist": [plain(waitlist.view(e)) for e in held["waitlist"]],
        "membership": plain(held["membership"]),
        "applications": [plain(membership.application_out(a)) for a in held["applications"]],
        "consents": [plain(c) for c in held["consents"]],
        "requests": concurrently(lambda case: _request(case, caller, now), held["requests"]),
        "scores": [_score(s, lang) for s in held["scores"]],
        "assessment": plain(held["assessment"]),
        "outreach": [_outreach(o, me) for o in held["outreach"]],
        "audit": [_audit_entry(e, me) for e in held["audit"]],
        "notifications": {"items": [], "note": NOTIFICATIONS_NOTE},
    }


def export_my_data(caller: Caller) -> ExportOut:
    """Build the member's zip, store it under a random key and hand back an expiring link."""
    member, now = members.load(caller.member_id), runtime().clock.now()
    sections = sections_of(caller, member, now)
    document = {"format": FORMAT, "exported_at": utc_stamp(now), "about": ABOUT, "sections": sections}
    link = exports.put_archive(archive(document), now)
    counted = counts(sections)
    with unit_of_work(now) as uow:
        uow.audit(caller.member_id, "export", target=_target(member.member_id), detail={"sections": counted})
    return ExportOut(url=link.url, expires_at=utc_stamp(link.expires_at), sections=counted)
