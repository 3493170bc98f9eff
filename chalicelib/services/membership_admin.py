"""Admins work the membership queue: oldest application first with its due date, approve (which
gives out a member number and activates the member) or reject with a reason. Both are audited.

Round trips: queue = 1 Query + 1 BatchGet (masked names); approve = GetItem application + GetItem
membership + GetItem counter + GetItem member + one TransactWriteItems (+ the audit PutItem).
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.domain import membership as rules
from chalicelib.domain import membership_errors as err
from chalicelib.domain.access import Caller
from chalicelib.domain.activity import EMPLOYER_MEMBER_JOINED
from chalicelib.domain.membership import ApplicationOut
from chalicelib.domain.working_time import china_date
from chalicelib.services import activity
from chalicelib.services.commit import commit
from chalicelib.services.membership import application_out, commit_for_member
from chalicelib.store import audit
from chalicelib.store import memberships as store
from chalicelib.store.identity import Member
from chalicelib.store.member_names import masked_names
from chalicelib.store.membership_tables import MembershipApplication
from chalicelib.store.transact import Cancelled, NamedTransaction

COUNTER_RETRIES = 3


def queue(status: str) -> list[ApplicationOut]:
    found = store.applications(status)
    names = masked_names({a.member_id for a in found})
    return [application_out(a, names.get(a.member_id)) for a in found]


def _pending(application_id: str) -> MembershipApplication:
    found = store.get_application(application_id)
    if found is None:
        raise err.ApplicationNotFound()
    if found.status != "pending":
        raise err.ApplicationDecided()
    return found


def approve(admin: Caller, application_id: str, note: str | None, now: datetime) -> ApplicationOut:
    """Activate the member from today, with a member number: the one they had before if they are
    coming back, else the next of this year's counter (a conditional write, so never given twice)."""
    application = _pending(application_id)
    earlier = store.get_membership(application.member_id)
    kept = earlier.member_number if earlier and earlier.member_number else None
    for _ in range(COUNTER_RETRIES):
        try:
            number = _activate(admin, application, kept, note, now)
            break
        except Cancelled as exc:
            if "counter" not in exc:
                raise err.ApplicationDecided() from exc
    else:
        raise err.ApplicationDecided("会员编号分配繁忙，请重试", "Member numbers are busy; try again")
    audit.record(f"member#{application.member_id}", actor=admin.member_id, action="membership_approve", at=now,
                 reason=note, detail={"application_id": application_id, "member_number": number})
    return application_out(store.get_application(application_id))  # type: ignore[arg-type]


def _activate(admin: Caller, application: MembershipApplication, kept: str | None, note: str | None,
              now: datetime) -> str:
    """One attempt: application approved + membership active + number claimed + member mirrored."""
    today = china_date(now)
    renewal_due = rules.next_year(today)
    counter = f"member_number#{today.year}"
    last = None if kept else store.counter_value(counter)

    def build(member: Member, tx: NamedTransaction) -> None:
        number = kept or rules.member_number(today.year, store.take_number_in(tx, counter, last or 0))
        store.decide_in(tx, application, "approved", at=now, by=admin.member_id, reason=note, number=number)
        store.activate_in(tx, application, number=number, since=today.isoformat(),
                          renewal_due=renewal_due.isoformat(), change_at=rules.next_change(renewal_due, "active"),
                          at=now)
        store.member_status_in(tx, member, "active", event=rules.JOINED, at=now)
        activity.record_employer_in(tx, member.employer_id, EMPLOYER_MEMBER_JOINED, now)

    commit_for_member(application.member_id, build)
    return kept or rules.member_number(today.year, (last or 0) + 1)


def reject(admin: Caller, application_id: str, reason: str, now: datetime) -> ApplicationOut:
    application = _pending(application_id)
    tx = NamedTransaction()
    store.decide_in(tx, application, "rejected", at=now, by=admin.member_id, reason=reason)
    store.release_in(tx, application.member_id, application_id)
    commit(tx, lambda _: err.ApplicationDecided())
    audit.record(f"member#{application.member_id}", actor=admin.member_id, action="membership_reject", at=now,
                 reason=reason, detail={"application_id": application_id})
    return application_out(store.get_application(application_id))  # type: ignore[arg-type]
