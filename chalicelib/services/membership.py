"""A worker joins the union, sees their membership and e-card, renews, leaves.

Round trips: apply = GetItem employer (employer unions only) + one TransactWriteItems (open-application
claim on the membership + application + consent + activity); my membership = GetItem membership
(+ GetItem of the open application); leave / renew = GetItem membership + GetItem member + one transaction
(leave's audit entry in it).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from chalicelib.domain import membership as rules
from chalicelib.domain import membership_errors as err
from chalicelib.domain.access import Caller
from chalicelib.domain.activity import EMPLOYER_MEMBER_LEFT
from chalicelib.domain.instants import utc_stamp, utc_stamp_or_none
from chalicelib.domain.members import Member
from chalicelib.domain.membership import (
    Application,
    ApplicationCreate,
    ApplicationOut,
    Consent,
    ConsentOut,
    Membership,
    MembershipOut,
)
from chalicelib.domain.working_time import china_date
from chalicelib.services import activity, member_cards
from chalicelib.store import accounts
from chalicelib.store import membership as store
from chalicelib.store.employers import get_employer
from chalicelib.store.unit_of_work import Refusals, UnitOfWork, attempt, unit_of_work

if TYPE_CHECKING:
    from chalicelib.store.transact import Cancelled

T = TypeVar("T")


def application_out(a: Application, name: str | None = None) -> ApplicationOut:
    return ApplicationOut(
        application_id=a.application_id,
        member_id=a.member_id,
        name=name,
        status=a.status,
        union_kind=a.union_kind,
        employer_id=a.employer_id,
        employer_name_zh=a.employer_name_zh,
        employer_name_en=a.employer_name_en,
        city=a.city,
        policy_version=a.policy_version,
        submitted_at=utc_stamp(a.submitted_at),
        due_date=a.due_date.isoformat(),
        decided_at=utc_stamp_or_none(a.decided_at),
        reason=a.reason,
        member_number=a.member_number,
    )


def _refused_application(exc: Cancelled) -> Exception:
    held = store.membership_held(exc)
    return err.AlreadyMember() if held is not None and held.status in rules.IN_GOOD_STANDING else err.ApplicationOpen()


def apply(caller: Caller, req: ApplicationCreate, now: datetime) -> ApplicationOut:
    """File an application; refused while another is open or the worker is already a member."""
    if req.consent.policy_version != rules.TERMS_VERSION:
        raise err.PolicyOutdated()
    union = req.union
    employer = get_employer(union.employer_id) if union.kind == "employer_union" and union.employer_id else None
    if union.kind == "employer_union" and (employer is None or not employer.has_union):
        raise err.UnknownUnion()
    application = Application(
        "ma_" + secrets.token_hex(8),
        caller.member_id,
        "pending",
        union.kind,
        req.consent.policy_version,
        now,
        rules.application_due(now),
        employer_id=employer.employer_id if employer else None,
        employer_name_zh=employer.name_zh if employer else None,
        employer_name_en=employer.name_en if employer else None,
        city=employer.city if employer else union.city,
    )
    consent = Consent(caller.member_id, rules.MEMBERSHIP_TERMS, req.consent.policy_version, now)
    refuse = {store.NO_OPEN_APPLICATION: _refused_application, store.APPLICATION_NEW: _refused_application}
    with unit_of_work(now, refuse=refuse) as uow:
        store.apply_in(uow, application, consent)
        activity.record_in(uow, caller.member_id, rules.APPLIED, now)
    return application_out(application)


def own_application(caller: Caller, application_id: str) -> Application:
    found = store.get_application(application_id)
    if found is None or found.member_id != caller.member_id:
        raise err.ApplicationNotFound()
    return found


DECIDED: Refusals = {
    store.STILL_PENDING: err.ApplicationDecided,
    store.APPLICATION_HELD: err.ApplicationDecided,
    store.CONSENT_GIVEN: err.ApplicationDecided,
}
"""Closing an application someone else closed (or withdrew) meanwhile."""


def withdraw_application(caller: Caller, application_id: str, now: datetime) -> ApplicationOut:
    """The applicant takes a pending application back (and with it the consent to the terms)."""
    application = own_application(caller, application_id)
    with unit_of_work(now, refuse=DECIDED) as uow:
        store.decide_in(uow, application, "withdrawn", at=now, by=caller.member_id)
        store.release_in(uow, caller.member_id, application_id)
        store.withdraw_consent_in(uow, caller.member_id, rules.MEMBERSHIP_TERMS, now)
    return application_out(store.application_as_decided(application_id))


def membership_out(m: Membership | None, now: datetime) -> MembershipOut:
    if m is None:
        return MembershipOut(status=None)
    pending = store.get_application(m.open_application_id) if m.open_application_id else None
    card = member_cards.issue(m, now) if m.status in rules.IN_GOOD_STANDING else None
    return MembershipOut(
        status=m.status,
        member_number=m.member_number,
        since=m.since.isoformat() if m.since else None,
        renewal_due=m.renewal_due.isoformat() if m.renewal_due else None,
        union_kind=m.union_kind,
        employer_name_zh=m.employer_name_zh,
        employer_name_en=m.employer_name_en,
        city=m.city,
        open_application=application_out(pending) if pending else None,
        card=card,
    )


def my_membership(caller: Caller, now: datetime) -> MembershipOut:
    return membership_out(store.get_membership(caller.member_id), now)


def my_consents(caller: Caller) -> list[ConsentOut]:
    return [
        ConsentOut(
            purpose=c.purpose,
            policy_version=c.policy_version,
            given_at=utc_stamp(c.given_at),
            withdrawn_at=utc_stamp_or_none(c.withdrawn_at),
        )
        for c in store.consents_of(caller.member_id)
    ]


def for_member(
    member_id: str,
    build: Callable[[UnitOfWork, Member], T],
    now: datetime,
    *,
    refuse: Refusals | None = None,
    also_retry: frozenset[str] = frozenset(),
) -> T:
    """A unit of work that also writes the member: when only the member changed meanwhile (its version,
    or the names in `also_retry`), read it again and retry. No such member: NotAMember."""

    def build_for_member(uow: UnitOfWork) -> T:
        member = accounts.member(member_id)
        if member is None:
            raise err.NotAMember()
        return build(uow, member)

    return attempt(build_for_member, now, refuse=refuse, retry_on={accounts.MEMBER_VERSION, *also_retry})


def _current(caller: Caller, allowed: frozenset[str]) -> Membership:
    found = store.get_membership(caller.member_id)
    if found is None or found.status not in allowed:
        raise err.NotAMember()
    return found


MOVED_ON: Refusals = {store.AS_READ: err.MembershipChanged, store.CONSENT_GIVEN: err.MembershipChanged}
"""The membership changed between our read and our write (a renewal, a leave, the lifecycle run)."""


def leave(caller: Caller, now: datetime) -> MembershipOut:
    """Leave the union: the status becomes `left`, the consent to the terms is withdrawn; audited."""
    current = _current(caller, frozenset({"active", "grace", "lapsed"}))

    def build(uow: UnitOfWork, member: Member) -> None:
        store.move_in(uow, current, "left", change_at=None, at=now)
        store.member_status_in(uow, member, "left", event=rules.LEFT, at=now)
        store.withdraw_consent_in(uow, caller.member_id, rules.MEMBERSHIP_TERMS, now)
        activity.record_employer_in(uow, member.employer_id, EMPLOYER_MEMBER_LEFT, now)
        uow.audit(caller.member_id, "membership_leave", target=f"member#{caller.member_id}")

    for_member(caller.member_id, build, now, refuse=MOVED_ON)
    return my_membership(caller, now)


def renew(caller: Caller, now: datetime) -> MembershipOut:
    """Renew for another year, from RENEWAL_WINDOW_DAYS before the due date until the end of grace."""
    current = _current(caller, rules.IN_GOOD_STANDING)
    due = current.renewal_due
    assert due is not None  # every membership in good standing has one
    opens = rules.renewal_opens(due)
    if china_date(now) < opens:
        raise err.RenewalNotDue(f"续期将于 {opens.isoformat()} 开放", f"Renewal opens on {opens.isoformat()}")
    new_due = rules.next_year(due)

    def build(uow: UnitOfWork, member: Member) -> None:
        store.move_in(
            uow,
            current,
            "active",
            change_at=rules.next_change(new_due, "active"),
            at=now,
            renewal_due=new_due.isoformat(),
        )
        store.member_status_in(uow, member, "active", event=rules.RENEWED, at=now)

    for_member(caller.member_id, build, now, refuse=MOVED_ON)
    return my_membership(caller, now)
