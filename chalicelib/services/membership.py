"""A worker joins the union, sees their membership and e-card, renews, leaves.

Round trips: apply = GetItem employer (employer unions only) + one TransactWriteItems (open-application
claim on the membership + application + consent + activity); my membership = GetItem membership
(+ GetItem of the open application); leave / renew = GetItem membership + GetItem member + one transaction.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, datetime

from chalicelib.domain import membership as rules
from chalicelib.domain import membership_errors as err
from chalicelib.domain.access import Caller
from chalicelib.domain.activity import EMPLOYER_MEMBER_LEFT
from chalicelib.domain.errors import Conflict
from chalicelib.domain.membership import ApplicationCreate, ApplicationOut, ConsentOut, MembershipOut
from chalicelib.domain.working_time import china_date
from chalicelib.services import activity, member_cards
from chalicelib.services.commit import commit
from chalicelib.store import accounts, audit
from chalicelib.store import memberships as store
from chalicelib.store.base import iso
from chalicelib.store.employers import get_employer
from chalicelib.store.identity import Member
from chalicelib.store.membership_tables import ConsentRecord, MembershipApplication, MembershipRecord
from chalicelib.store.transact import Cancelled, NamedTransaction


def application_out(a: MembershipApplication, name: str | None = None) -> ApplicationOut:
    return ApplicationOut(
        application_id=a.application_id, member_id=a.member_id, name=name, status=a.status, union_kind=a.union_kind,
        employer_id=a.employer_id, employer_name_zh=a.employer_name_zh, employer_name_en=a.employer_name_en,
        city=a.city, policy_version=a.policy_version, submitted_at=a.submitted_at, due_date=a.due_date,
        decided_at=a.decided_at, reason=a.reason, member_number=a.member_number)


def apply(caller: Caller, req: ApplicationCreate, now: datetime) -> ApplicationOut:
    """File an application; refused while another is open or the worker is already a member."""
    if req.consent.policy_version != rules.TERMS_VERSION:
        raise err.PolicyOutdated()
    union = req.union
    employer = get_employer(union.employer_id) if union.kind == "employer_union" and union.employer_id else None
    if union.kind == "employer_union" and (employer is None or not employer.has_union):
        raise err.UnknownUnion()
    application = MembershipApplication(
        "ma_" + secrets.token_hex(8), member_id=caller.member_id, status="pending", union_kind=union.kind,
        employer_id=employer.employer_id if employer else None, employer_name_zh=employer.name_zh if employer else None,
        employer_name_en=employer.name_en if employer else None, city=employer.city if employer else union.city,
        policy_version=req.consent.policy_version, submitted_at=iso(now),
        due_date=rules.application_due(now).isoformat())
    consent = ConsentRecord(caller.member_id, rules.MEMBERSHIP_TERMS, policy_version=req.consent.policy_version,
                            given_at=iso(now))
    tx = NamedTransaction()
    store.apply_in(tx, application, consent)
    activity.record_in(tx, caller.member_id, rules.APPLIED, now)
    try:
        tx.commit()
    except Cancelled as exc:
        held = exc.old(MembershipRecord, "membership")
        if held is not None and held.status in rules.IN_GOOD_STANDING:
            raise err.AlreadyMember() from exc
        raise err.ApplicationOpen() from exc
    return application_out(application)


def own_application(caller: Caller, application_id: str) -> MembershipApplication:
    found = store.get_application(application_id)
    if found is None or found.member_id != caller.member_id:
        raise err.ApplicationNotFound()
    return found


def withdraw_application(caller: Caller, application_id: str, now: datetime) -> ApplicationOut:
    """The applicant takes a pending application back (and with it the consent to the terms)."""
    application = own_application(caller, application_id)
    tx = NamedTransaction()
    store.decide_in(tx, application, "withdrawn", at=now, by=caller.member_id)
    store.release_in(tx, caller.member_id, application_id)
    store.withdraw_consent_in(tx, caller.member_id, rules.MEMBERSHIP_TERMS, now)
    commit(tx, lambda _: err.ApplicationDecided())
    return application_out(store.get_application(application_id))  # type: ignore[arg-type]


def my_membership(caller: Caller, now: datetime) -> MembershipOut:
    record = store.get_membership(caller.member_id)
    if record is None:
        return MembershipOut(status=None)
    pending = store.get_application(record.open_application_id) if record.open_application_id else None
    card = member_cards.issue(record, now) if record.status in rules.IN_GOOD_STANDING else None
    return MembershipOut(
        status=record.status, member_number=record.member_number, since=record.since, renewal_due=record.renewal_due,
        union_kind=record.union_kind, employer_name_zh=record.employer_name_zh, employer_name_en=record.employer_name_en,
        city=record.city, open_application=application_out(pending) if pending else None, card=card)


def my_consents(caller: Caller) -> list[ConsentOut]:
    return [ConsentOut(purpose=c.purpose, policy_version=c.policy_version, given_at=c.given_at,
                       withdrawn_at=c.withdrawn_at) for c in store.consents_of(caller.member_id)]


def commit_for_member(member_id: str, build: Callable[[Member, NamedTransaction], None]) -> None:
    """Build and commit a transaction that also writes the member; when only the member changed
    meanwhile (its version), read it again and retry. Other failed conditions are raised."""
    for _ in range(3):
        member = accounts.get_member(member_id)
        if member is None:
            raise err.NotAMember()
        tx = NamedTransaction()
        build(member, tx)
        try:
            tx.commit()
            return
        except Cancelled as exc:
            if set(exc.failed) != {"member"}:
                raise
    raise Conflict()


def _current(caller: Caller, allowed: frozenset[str]) -> MembershipRecord:
    record = store.get_membership(caller.member_id)
    if record is None or record.status not in allowed:
        raise err.NotAMember()
    return record


def leave(caller: Caller, now: datetime) -> MembershipOut:
    """Leave the union: the status becomes `left`, the consent to the terms is withdrawn."""
    record = _current(caller, frozenset({"active", "grace", "lapsed"}))

    def build(member: Member, tx: NamedTransaction) -> None:
        store.move_in(tx, record, "left", change_at=None, at=now)
        store.member_status_in(tx, member, "left", event=rules.LEFT, at=now)
        store.withdraw_consent_in(tx, caller.member_id, rules.MEMBERSHIP_TERMS, now)
        activity.record_employer_in(tx, member.employer_id, EMPLOYER_MEMBER_LEFT, now)

    _committed(caller.member_id, build)
    audit.record(f"member#{caller.member_id}", actor=caller.member_id, action="membership_leave", at=now)
    return my_membership(caller, now)


def renew(caller: Caller, now: datetime) -> MembershipOut:
    """Renew for another year, from RENEWAL_WINDOW_DAYS before the due date until the end of grace."""
    record = _current(caller, rules.IN_GOOD_STANDING)
    due = date.fromisoformat(record.renewal_due or "")
    opens = rules.renewal_opens(due)
    if china_date(now) < opens:
        raise err.RenewalNotDue(f"续期将于 {opens.isoformat()} 开放", f"Renewal opens on {opens.isoformat()}")
    new_due = rules.next_year(due)

    def build(member: Member, tx: NamedTransaction) -> None:
        store.move_in(tx, record, "active", change_at=rules.next_change(new_due, "active"), at=now,
                      renewal_due=new_due.isoformat())
        store.member_status_in(tx, member, "active", event=rules.RENEWED, at=now)

    _committed(caller.member_id, build)
    return my_membership(caller, now)


def _committed(member_id: str, build: Callable[[Member, NamedTransaction], None]) -> None:
    try:
        commit_for_member(member_id, build)
    except Cancelled as exc:
        raise Conflict("会员状态已变化，请刷新后重试", "Your membership changed meanwhile; reload and retry") from exc
