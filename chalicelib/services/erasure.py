"""PIPL art. 47: a worker erases their account, and afterwards nothing lets anyone read who they were.

Upcoming bookings are cancelled through the booking cancel path (the seat goes to the waitlist),
waitlist places are left and removed, a pending membership application is withdrawn and the
membership ended through the membership use cases; every request's content is erased
(services.case_erasure) except an open rights case under a legal hold (domain.erasure), erased when
it closes; outreach notes, decision reasons and the free text of audit entries about the member are
blanked. What counts need stays.

Order is what makes a retry finish the job: every cleanup above is idempotent and runs first; the
member row's erase (profile, phone claim, scores, member number, audit entry: one unit of work, which
also stops the member's tokens) runs last. A failure midway (S3 down) leaves the account usable and
a repeated DELETE completes.

Round trips (DynamoDB; S3 apart): GetItem member + Query bookings (upcoming) + Query bookings (past)
+ Query waitlist + GetItem membership + Query requests + Query audit trail + Query outreach notes
+ Query audit (blanking) + Query idempotency records (+ one BatchWriteItem per 25) + Query scores + GetItem member + one TransactWriteItems; then per item found: per upcoming
booking the cancel's (one TransactWriteItems + Query of the slot's waitlist), per waitlist place one
TransactWriteItems + one DeleteItem, per request services.case_erasure's (per held request one
UpdateItem), per note, decision reason or audit entry with free text one UpdateItem, leaving and
withdrawing their use cases'.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime

from chalicelib.domain.access import Caller
from chalicelib.domain.erasure import ErasureReceipt, receipt
from chalicelib.domain.members import Member
from chalicelib.domain.membership import Membership
from chalicelib.domain.scoring_models import MEMBER_MODELS
from chalicelib.services import auth, booking, case_erasure, membership, waitlist
from chalicelib.services.members import CHANGED_ELSEWHERE, load, open_field
from chalicelib.store import accounts, audit, bookings, cases, scores
from chalicelib.store import idempotency as idempotency_store
from chalicelib.store import membership as membership_store
from chalicelib.store import outreach as outreach_store
from chalicelib.store import waitlist as waitlist_store
from chalicelib.store.unit_of_work import unit_of_work

ERASE = "erase"
"""The audit action of an erasure: its entry holds counts only, and it is the one entry kept whole."""
DECISIONS = frozenset({"membership_approve", "membership_reject"})
ENDS = frozenset({"active", "grace", "lapsed"})


def _target(member_id: str) -> str:
    return f"member#{member_id}"


def erase_me(caller: Caller, now: datetime) -> ErasureReceipt:
    """Erase everything about the caller that is not held for a stated reason; answer the receipt."""
    member_id = load(caller.member_id).member_id
    erased: Counter[str] = Counter()
    erased["bookings"] = _cancel_upcoming(member_id, now)
    erased["waitlist"] = _leave_waitlists(member_id, now)
    joined = membership_store.get_membership(member_id)
    erased["applications"], erased["membership"] = _end_membership(caller, joined, now)
    held, emptied = _erase_requests(member_id, now, erased)
    erased["decision_notes"] = _forget_decision_reasons(member_id)
    erased["outreach_notes"] = outreach_store.forget_notes(member_id)
    erased["audit_notes"] += audit.blank_free_text(_target(member_id), keep=frozenset({ERASE}))
    erased["idempotency"] = idempotency_store.erase_member(member_id)
    erased["scores"] = len(scores.models_of_member(member_id))
    kept = {
        "rights_cases": held,
        "anonymous_counts": emptied + len(bookings.past(member_id, now)),
        "erasure_record": 1,
    }
    _erase_member(load(member_id), now, dict(erased), kept, joined=joined is not None)
    return receipt({"profile": 1, **erased}, kept, now)


def _erase_member(member: Member, now: datetime, erased: dict[str, int], kept: dict[str, int], *, joined: bool) -> None:
    """The member row, its phone claim, scores and member number, and the audit entry: one unit of work."""
    stripped = replace(
        member,
        sealed=None,
        masked=None,
        employer_name_zh=None,
        employer_name_en=None,
        status="erased",
        roles=frozenset({"worker"}),
        station_ids=frozenset(),
        updated_at=now,
    )
    phone = open_field(member, "phone")
    with unit_of_work(now, refuse=CHANGED_ELSEWHERE) as uow:
        accounts.erase_in(uow, stripped, MEMBER_MODELS, phone_indexes=auth.phone_indexes(phone) if phone else ())
        if joined:
            membership_store.forget_number_in(uow, member.member_id)
        uow.audit(member.member_id, ERASE, target=_target(member.member_id), detail={"erased": erased, "kept": kept})


def _cancel_upcoming(member_id: str, now: datetime) -> int:
    """Cancel every booking not started yet; each freed seat is offered to its waitlist."""
    upcoming = [b for b in bookings.upcoming(member_id, now) if b.status == "confirmed" and b.slot.start > now]
    for b in upcoming:
        booking.release(b, now)
    return len(upcoming)


def _leave_waitlists(member_id: str, now: datetime) -> int:
    """Step off every waitlist (a held seat goes to the next waiter), then remove the entries."""
    entries = waitlist_store.of_member(member_id)
    for e in entries:
        waitlist_store.remove(waitlist.step_off(e, now) if e.status in ("waiting", "offered") else e)
    return len(entries)


def _end_membership(caller: Caller, held: Membership | None, now: datetime) -> tuple[int, int]:
    """Withdraw a pending application (an admin can no longer approve it) and end the membership;
    returns how many of each."""
    pending = held.open_application_id if held else None
    if pending:
        membership.withdraw_application(caller, pending, now)
    ends = held is not None and held.status in ENDS
    if ends:
        membership.leave(caller, now)
    return int(bool(pending)), int(ends)


def _forget_decision_reasons(member_id: str) -> int:
    """The reasons admins wrote on the member's applications (found through the audit trail, which
    names every decided application): dropped."""
    decided = {
        str(e.detail["application_id"])
        for e in audit.trail(_target(member_id), limit=1000)
        if e.action in DECISIONS and e.detail and e.reason
    }
    return sum(membership_store.forget_decision_reason(a) for a in decided)


def _erase_requests(member_id: str, now: datetime, erased: Counter[str]) -> tuple[int, int]:
    """Erase the content of every request but those under a legal hold (marked to be erased when they
    close); returns (held, emptied)."""
    held = emptied = 0
    for case in cases.of_member(member_id, limit=None):
        if case_erasure.under_legal_hold(case):
            case_erasure.hold(case)
            held += 1
            continue
        erased.update(case_erasure.erase_request(case, now))
        emptied += 1
    return held, emptied
