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

from dataclasses import replace
from datetime import datetime

from chalicelib.domain import activity as events
from chalicelib.domain.access import Caller
from chalicelib.domain.errors import NotFound
from chalicelib.domain.instants import utc_stamp, utc_stamp_or_none
from chalicelib.domain.outreach import ChurnWhenActed, Outreach, OutreachCreate, OutreachOut, note_context
from chalicelib.domain.outreach_errors import OutcomeChanged, OutreachNotFound
from chalicelib.runtime import runtime
from chalicelib.services import activity
from chalicelib.store import accounts
from chalicelib.store import outreach as store
from chalicelib.store.parallel import both
from chalicelib.store.unit_of_work import unit_of_work


def view(o: Outreach) -> OutreachOut:
    """An outreach as admins see it: the note opened."""
    note = (
        runtime().cipher.open(o.note_sealed, context=note_context(o.member_id, o.outreach_id))
        if o.note_sealed
        else None
    )
    churn = (
        ChurnWhenActed(
            probability=o.churn.probability,
            tier=o.churn.tier or "",
            model_version=o.churn.model_version or "",
            scored_at=o.churn.scored_at,
        )
        if o.churn
        else None
    )
    return OutreachOut(
        outreach_id=o.outreach_id,
        member_id=o.member_id,
        action=o.action,
        note=note,
        by=o.by,
        at=utc_stamp(o.at),
        churn=churn,
        outcome=o.outcome,
        outcome_at=utc_stamp_or_none(o.outcome_at),
        outcome_by=o.outcome_by,
    )


def _audit_target(member_id: str) -> str:
    return f"member#{member_id}"


def record(admin: Caller, member_id: str, body: OutreachCreate, now: datetime) -> OutreachOut:
    """Record an outreach (404 for unknown or erased members), counted in the member's activity and audited."""
    status, churn = store.member_status_and_churn(member_id)
    if status is None or status == "erased":
        raise NotFound()
    outreach_id = store.new_outreach_id(now)
    made = Outreach(
        member_id,
        outreach_id,
        body.action,
        admin.member_id,
        now,
        churn=churn,
        note_sealed=runtime().cipher.seal(body.note, context=note_context(member_id, outreach_id))
        if body.note
        else None,
    )
    with unit_of_work(now) as uow:
        store.put_in(uow, made)
        activity.record_in(uow, member_id, events.OUTREACH_RECEIVED, now)
        uow.audit(
            admin.member_id,
            "outreach",
            target=_audit_target(member_id),
            detail={"outreach_id": outreach_id, "action": body.action},
        )
    return view(made)


def of_member(member_id: str) -> list[OutreachOut]:
    """The member's outreach, newest first (404 for unknown or erased members)."""
    member, found = both(lambda: accounts.member(member_id), lambda: store.of_member(member_id))
    if member is None or member.status == "erased":
        raise NotFound()
    return [view(o) for o in found]


def _found(member_id: str, outreach_id: str) -> Outreach:
    found = store.get(member_id, outreach_id)
    if found is None:
        raise OutreachNotFound()
    return found


def show(member_id: str, outreach_id: str) -> OutreachOut:
    return view(_found(member_id, outreach_id))


def record_outcome(admin: Caller, member_id: str, outreach_id: str, outcome: str, now: datetime) -> OutreachOut:
    """Set (or correct) how an outreach ended; audited with the old and new outcome."""
    found = _found(member_id, outreach_id)
    with unit_of_work(now, refuse={store.OUTCOME_AS_READ: OutcomeChanged}) as uow:
        store.outcome_in(uow, found, outcome, by=admin.member_id, at=now)
        uow.audit(
            admin.member_id,
            "outreach_outcome",
            target=_audit_target(member_id),
            detail={"outreach_id": outreach_id, "old": found.outcome, "new": outcome},
        )
    return view(replace(found, outcome=outcome, outcome_at=now, outcome_by=admin.member_id))
