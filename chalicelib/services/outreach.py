"""Acting on a score: admins record outreach to a member (call, SMS, visit, offer of a service) and
how it ended. Outcomes become labels for the next churn training (`make retrain`: `left` counts as
churned, `retained` as kept), which is why each outreach keeps the churn score in force when staff
acted.

The note is free text that may carry personal data: sealed by the privacy layer under a context bound
to the member and the outreach (a ciphertext moved elsewhere does not open), never logged, shown in
the clear to admins only, and not kept in the idempotency table (a replay stores only the id).

Round trips: record = 1 BatchGetItem (member + churn score) + 1 TransactWriteItems (outreach +
activity counter `outreach_received` + audit entry); list = GetItem member + Query, issued at once;
outcome = GetItem outreach + 1 TransactWriteItems (outcome + audit entry).
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from chalicelib.domain.access import Caller
from chalicelib.domain.base import Out, Strict
from chalicelib.domain.errors import Conflict, NotFound
from chalicelib.runtime import runtime
from chalicelib.services import activity
from chalicelib.store import accounts
from chalicelib.store import outreach as store
from chalicelib.store.base import iso
from chalicelib.store.parallel import both
from chalicelib.store.transact import Cancelled, NamedTransaction

Action = Literal["call", "sms", "visit", "offer_service", "other"]
Outcome = Literal["reached", "no_answer", "retained", "left", "declined"]
RECEIVED = "outreach_received"        # the member's activity event (not a scoring feature)


class OutreachCreate(Strict):
    action: Action
    note: Annotated[str, Field(max_length=2000)] | None = None


class OutcomeBody(Strict):
    outcome: Outcome


class ChurnWhenActed(Out):
    probability: float
    tier: str
    model_version: str
    scored_at: str | None


class OutreachOut(Out):
    outreach_id: str
    member_id: str
    action: str
    note: str | None
    by: str
    at: str
    churn: ChurnWhenActed | None     # the member's churn score when staff acted (None: not scored yet)
    outcome: str | None
    outcome_at: str | None
    outcome_by: str | None


class OutreachNotFound(NotFound):
    code = "outreach_not_found"
    zh = "找不到该回访记录"
    en = "No such outreach"


def _context(member_id: str, outreach_id: str) -> str:
    return f"outreach:{member_id}:{outreach_id}:note"


def view(record: store.OutreachRecord) -> OutreachOut:
    """An outreach as admins see it: the note opened."""
    note = (runtime().cipher.open(record.note_enc, context=_context(record.member_id, record.outreach_id))
            if record.note_enc else None)
    churn = (ChurnWhenActed(probability=float(record.churn_probability), tier=record.churn_tier or "",
                            model_version=record.churn_model_version or "", scored_at=record.churn_scored_at)
             if record.churn_probability is not None else None)
    return OutreachOut(outreach_id=record.outreach_id, member_id=record.member_id, action=record.action, note=note,
                       by=record.by, at=record.at, churn=churn, outcome=record.outcome, outcome_at=record.outcome_at,
                       outcome_by=record.outcome_by)


def record(admin: Caller, member_id: str, body: OutreachCreate, now: datetime) -> OutreachOut:
    """Record an outreach (404 for unknown or erased members), counted in the member's activity and audited."""
    member, score = store.member_and_score(member_id, "churn")
    if member is None or member.get("status") == "erased":
        raise NotFound()
    outreach_id = store.new_outreach_id(now)
    item = store.OutreachRecord(
        member_id, outreach_id, action=body.action, by=admin.member_id, at=iso(now),
        note_enc=runtime().cipher.seal(body.note, context=_context(member_id, outreach_id)) if body.note else None,
        churn_probability=score["probability"] if score else None, churn_tier=score.get("tier") if score else None,
        churn_model_version=score.get("model_version") if score else None,
        churn_scored_at=score.get("scored_at") if score else None)
    tx = NamedTransaction()
    store.put_in(tx, item)
    activity.record_in(tx, member_id, RECEIVED, now)
    store.audit_in(tx, member_id, actor=admin.member_id, action="outreach", at=now,
                   detail={"outreach_id": outreach_id, "action": body.action})
    tx.commit()
    return view(item)


def of_member(member_id: str) -> list[OutreachOut]:
    """The member's outreach, newest first (404 for unknown or erased members)."""
    member, records = both(lambda: accounts.get_member(member_id), lambda: store.of_member(member_id))
    if member is None or member.status == "erased":
        raise NotFound()
    return [view(r) for r in records]


def show(member_id: str, outreach_id: str) -> OutreachOut:
    found = store.get(member_id, outreach_id)
    if found is None:
        raise OutreachNotFound()
    return view(found)


def record_outcome(admin: Caller, member_id: str, outreach_id: str, outcome: str, now: datetime) -> OutreachOut:
    """Set (or correct) how an outreach ended; audited with the old and new outcome."""
    found = store.get(member_id, outreach_id)
    if found is None:
        raise OutreachNotFound()
    tx = NamedTransaction()
    store.outcome_in(tx, found, outcome, by=admin.member_id, at=now)
    store.audit_in(tx, member_id, actor=admin.member_id, action="outreach_outcome", at=now,
                   detail={"outreach_id": outreach_id, "old": found.outcome, "new": outcome})
    try:
        tx.commit()
    except Cancelled as exc:
        raise Conflict("结果已被他人修改，请刷新后重试", "The outcome changed meanwhile; reload and retry") from exc
    found.outcome, found.outcome_at, found.outcome_by = outcome, iso(now), admin.member_id
    return view(found)
