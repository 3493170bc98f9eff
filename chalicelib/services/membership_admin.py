"""Admins work the membership queue: oldest application first with its due date, approve (which
gives out a member number and activates the member) or reject with a reason. Both are audited, in
the same transaction as the decision.

Round trips: queue = 1 Query + 1 BatchGet (masked names); approve = GetItem application + GetItem
membership + GetItem counter + GetItem member + one TransactWriteItems (audit entry included); each
time another approval took the next number first, GetItem counter + GetItem member + the transaction
again (after a short random pause), up to NUMBER_TRIES times, then a retryable 409 busy_retry.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime

from chalicelib.domain import membership as rules
from chalicelib.domain import membership_errors as err
from chalicelib.domain.access import Caller
from chalicelib.domain.activity import EMPLOYER_MEMBER_JOINED
from chalicelib.domain.members import Member
from chalicelib.domain.membership import Application, ApplicationOut
from chalicelib.domain.working_time import china_date
from chalicelib.services import activity
from chalicelib.services.membership import DECIDED, application_out, for_member
from chalicelib.store import membership as store
from chalicelib.store.member_names import masked_names
from chalicelib.store.unit_of_work import UnitOfWork, unit_of_work

NUMBER_TRIES = 12  # approvals that lose the race for the next number try again this often in all
PAUSE, PAUSE_CAP = 0.01, 0.2  # seconds: the random pause between tries grows from PAUSE up to PAUSE_CAP


def queue(status: str) -> list[ApplicationOut]:
    found = store.applications(status)
    names = masked_names({a.member_id for a in found})
    return [application_out(a, names.get(a.member_id)) for a in found]


def _pending(application_id: str) -> Application:
    found = store.get_application(application_id)
    if found is None:
        raise err.ApplicationNotFound()
    if found.status != "pending":
        raise err.ApplicationDecided()
    return found


def _audit_target(application: Application) -> str:
    return f"member#{application.member_id}"


def approve(admin: Caller, application_id: str, note: str | None, now: datetime) -> ApplicationOut:
    """Activate the member from today, with a member number: the one they had before if they are
    coming back, else the next of this year's counter (a conditional write, so never given twice:
    when someone took it meanwhile, read the counter again and retry)."""
    application = _pending(application_id)
    earlier = store.get_membership(application.member_id)
    kept = earlier.member_number if earlier and earlier.member_number else None
    today = china_date(now)
    renewal_due = rules.next_year(today)
    counter = f"member_number#{today.year}"

    def build(uow: UnitOfWork, member: Member) -> None:
        number = kept or rules.member_number(
            today.year, store.take_number_in(uow, counter, store.counter_value(counter))
        )
        store.decide_in(uow, application, "approved", at=now, by=admin.member_id, reason=note, number=number)
        store.activate_in(
            uow,
            application,
            number=number,
            since=today.isoformat(),
            renewal_due=renewal_due.isoformat(),
            change_at=rules.next_change(renewal_due, "active"),
            at=now,
        )
        store.member_status_in(uow, member, "active", event=rules.JOINED, at=now)
        activity.record_employer_in(uow, member.employer_id, EMPLOYER_MEMBER_JOINED, now)
        uow.audit(
            admin.member_id,
            "membership_approve",
            target=_audit_target(application),
            reason=note,
            detail={"application_id": application_id, "member_number": number},
        )

    refuse = {**DECIDED, store.NUMBER_FREE: err.NumbersBusy}
    with_free_number(lambda: for_member(application.member_id, build, now, refuse=refuse))
    return application_out(store.application_as_decided(application_id))


def with_free_number(approve_once: Callable[[], None]) -> None:
    """Run the approval again while other approvals keep taking the next member number first (its
    condition failed: nothing was written), pausing a random, growing moment so they spread out."""
    for tries in range(1, NUMBER_TRIES + 1):
        try:
            return approve_once()
        except err.NumbersBusy:
            if tries == NUMBER_TRIES:
                raise
            time.sleep(random.uniform(0, min(PAUSE_CAP, PAUSE * 2**tries)))  # noqa: S311 - jitter, not a secret


def reject(admin: Caller, application_id: str, reason: str, now: datetime) -> ApplicationOut:
    application = _pending(application_id)
    with unit_of_work(now, refuse=DECIDED) as uow:
        store.decide_in(uow, application, "rejected", at=now, by=admin.member_id, reason=reason)
        store.release_in(uow, application.member_id, application_id)
        uow.audit(
            admin.member_id,
            "membership_reject",
            target=_audit_target(application),
            reason=reason,
            detail={"application_id": application_id},
        )
    return application_out(store.application_as_decided(application_id))
