"""Membership repository (store.membership_tables): applications, memberships and consents as domain
objects, the look-ups (an application, a membership, the admin queue, the members due for a lifecycle
change) and the named conditional writes a use case puts into its unit of work.

Named conditions:
    NO_OPEN_APPLICATION   the worker has no open application and is not in good standing (apply)
    APPLICATION_NEW       the application id is not taken (a fresh random id)
    STILL_PENDING         the application is still pending (decide: approve, reject, withdraw)
    APPLICATION_HELD      the membership's open application is this one (release, activate)
    AS_READ               the membership is in the very state read: same status and next change time
                          (erasure's forget_number_in: the membership exists)
    NUMBER_FREE           the member-number counter still holds the value read (nobody took the next one)
    CONSENT_GIVEN         the consent exists (withdraw)
"""

from __future__ import annotations

from datetime import date, datetime
from itertools import islice
from typing import TypeVar

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.models import Model

from chalicelib.domain.activity import week_counter
from chalicelib.domain.members import Member
from chalicelib.domain.membership import Application, Consent, Membership
from chalicelib.runtime import runtime
from chalicelib.store.accounts import MEMBER_VERSION, record_of
from chalicelib.store.accounts_tables import MemberRecord
from chalicelib.store.activity import add_event_in, profile_action
from chalicelib.store.base import day, from_iso, instant, iso
from chalicelib.store.membership_tables import ConsentRecord, Counter, MembershipApplication, MembershipRecord
from chalicelib.store.parallel import concurrently
from chalicelib.store.transact import Cancelled, NamedTransaction

R = TypeVar("R", bound=Model)

NO_OPEN_APPLICATION = "no_open_application"
APPLICATION_NEW = "application_new"
STILL_PENDING = "still_pending"
APPLICATION_HELD = "application_held"
AS_READ = "membership_as_read"
NUMBER_FREE = "number_free"
CONSENT_GIVEN = "consent_given"

A, M, C = MembershipApplication, MembershipRecord, ConsentRecord
not_in_good_standing = M.status.does_not_exist() | M.status.is_in("lapsed", "left")
no_open_application = M.open_application_id.does_not_exist() & not_in_good_standing


def _get(model: type[R], key: str) -> R | None:
    try:
        return model.get(key, consistent_read=True)
    except DoesNotExist:
        return None


def _membership(r: MembershipRecord) -> Membership:
    return Membership(
        r.member_id,
        open_application_id=r.open_application_id,
        status=r.status,
        member_number=r.member_number,
        union_kind=r.union_kind,
        employer_id=r.employer_id,
        employer_name_zh=r.employer_name_zh,
        employer_name_en=r.employer_name_en,
        city=r.city,
        since=day(r.since),
        renewal_due=day(r.renewal_due),
        transition_at=instant(r.transition_at),
    )


def _application(r: MembershipApplication) -> Application:
    return Application(
        r.application_id,
        r.member_id,
        r.status,
        r.union_kind,
        r.policy_version,
        from_iso(r.submitted_at),
        date.fromisoformat(r.due_date),
        employer_id=r.employer_id,
        employer_name_zh=r.employer_name_zh,
        employer_name_en=r.employer_name_en,
        city=r.city,
        decided_at=instant(r.decided_at),
        decided_by=r.decided_by,
        reason=runtime().cipher.open(r.reason, context=reason_context(r.application_id)) if r.reason else None,
        member_number=r.member_number,
    )


def get_membership(member_id: str) -> Membership | None:
    found = _get(MembershipRecord, member_id)
    return _membership(found) if found else None


def membership_held(exc: Cancelled) -> Membership | None:
    """The membership as it was when NO_OPEN_APPLICATION failed (None when there was none)."""
    held = exc.old(MembershipRecord, NO_OPEN_APPLICATION)
    return _membership(held) if held is not None else None


def get_application(application_id: str) -> Application | None:
    found = _get(MembershipApplication, application_id)
    return _application(found) if found else None


def application_as_decided(application_id: str) -> Application:
    """An application read back right after this request decided it (so it exists): one GetItem."""
    return _application(MembershipApplication.get(application_id, consistent_read=True))


def applications(status: str, limit: int = 100) -> list[Application]:
    """The admin queue: one Query on the status index, oldest first."""
    return [_application(a) for a in islice(A.queue_index.query(status, scan_index_forward=True), limit)]


def applications_of_member(member_id: str) -> list[Application]:
    """Every application the member filed, oldest first: one Query on the member index."""
    return [_application(a) for a in A.member_index.query(member_id)]


def consents_of(member_id: str) -> list[Consent]:
    return [
        Consent(
            c.member_id,
            c.purpose,
            c.policy_version,
            from_iso(c.given_at),
            withdrawn_at=instant(c.withdrawn_at),
        )
        for c in ConsentRecord.query(member_id)
    ]


def counter_value(name: str) -> int:
    found = _get(Counter, name)
    return int(found.value) if found else 0


def due_changes(months: list[str], now: datetime) -> list[str]:
    """The members whose next lifecycle change is due: one Query per month on the sparse index."""
    pages = concurrently(lambda m: list(M.lifecycle_index.query(m, M.transition_at <= iso(now))), months)
    return [r.member_id for page in pages for r in page]


# --- named writes ----------------------------------------------------------------------------


def apply_in(tx: NamedTransaction, application: Application, consent: Consent) -> None:
    """The application, the membership's open-application claim (refused while one is open or the
    worker is a member) and the consent record, together."""
    a = application
    tx.update(
        NO_OPEN_APPLICATION,
        MembershipRecord(a.member_id),
        [M.open_application_id.set(a.application_id)],
        condition=no_open_application,
    )
    tx.put(
        APPLICATION_NEW,
        MembershipApplication(
            a.application_id,
            member_id=a.member_id,
            status=a.status,
            union_kind=a.union_kind,
            employer_id=a.employer_id,
            employer_name_zh=a.employer_name_zh,
            employer_name_en=a.employer_name_en,
            city=a.city,
            policy_version=a.policy_version,
            submitted_at=iso(a.submitted_at),
            due_date=a.due_date.isoformat(),
        ),
        condition=A.application_id.does_not_exist(),
    )
    tx.put(
        "consent",
        ConsentRecord(
            consent.member_id, consent.purpose, policy_version=consent.policy_version, given_at=iso(consent.given_at)
        ),
    )


def reason_context(application_id: str) -> str:
    """The decision's reason is free text a person typed: sealed like other personal data."""
    return f"application#{application_id}#reason"


def decide_in(
    tx: NamedTransaction,
    application: Application,
    status: str,
    *,
    at: datetime,
    by: str,
    reason: str | None = None,
    number: str | None = None,
) -> None:
    """Close a pending application (only if it is still pending)."""
    actions = [A.status.set(status), A.decided_at.set(iso(at)), A.decided_by.set(by)]
    sealed = runtime().cipher.seal(reason, context=reason_context(application.application_id)) if reason else None
    actions += [A.reason.set(sealed)] if sealed else []
    actions += [A.member_number.set(number)] if number else []
    tx.update(
        STILL_PENDING, MembershipApplication(application.application_id), actions, condition=A.status == "pending"
    )


def release_in(tx: NamedTransaction, member_id: str, application_id: str) -> None:
    tx.update(
        APPLICATION_HELD,
        MembershipRecord(member_id),
        [M.open_application_id.remove()],
        condition=M.open_application_id == application_id,
    )


def activate_in(
    tx: NamedTransaction,
    application: Application,
    *,
    number: str,
    since: str,
    renewal_due: str,
    change_at: datetime | None,
    at: datetime,
) -> None:
    """The pending application becomes an active membership."""
    a = application
    tx.update(
        APPLICATION_HELD,
        MembershipRecord(a.member_id),
        [
            M.open_application_id.remove(),
            M.status.set("active"),
            M.member_number.set(number),
            # a regional union has no employer: SET of None stores NULL, as the application did
            M.union_kind.set(a.union_kind),
            M.employer_id.set(a.employer_id),  # type: ignore[arg-type]
            M.employer_name_zh.set(a.employer_name_zh),  # type: ignore[arg-type]
            M.employer_name_en.set(a.employer_name_en),  # type: ignore[arg-type]
            M.city.set(a.city),  # type: ignore[arg-type]
            M.since.set(since),
            M.renewal_due.set(renewal_due),
            *_schedule(change_at),
            M.updated_at.set(iso(at)),
        ],
        condition=M.open_application_id == a.application_id,
    )


def _schedule(change_at: datetime | None) -> list:
    if change_at is None:
        return [M.transition_month.remove(), M.transition_at.remove()]
    return [M.transition_month.set(iso(change_at)[:7]), M.transition_at.set(iso(change_at))]


def move_in(
    tx: NamedTransaction,
    membership: Membership,
    status: str,
    *,
    change_at: datetime | None,
    at: datetime,
    renewal_due: str | None = None,
) -> None:
    """Change the status of this very membership state (same status and due time as read)."""
    actions = [M.status.set(status), *_schedule(change_at), M.updated_at.set(iso(at))]
    actions += [M.renewal_due.set(renewal_due)] if renewal_due else []
    read_at = membership.transition_at
    same = (M.status == membership.status) & (
        M.transition_at == iso(read_at) if read_at else M.transition_at.does_not_exist()
    )
    tx.update(AS_READ, MembershipRecord(membership.member_id), actions, condition=same)


def take_number_in(tx: NamedTransaction, name: str, last: int) -> int:
    """Claim number last + 1 of counter `name`: the condition fails if someone else took it first."""
    was = Counter.value == last if last else Counter.name.does_not_exist()
    tx.update(NUMBER_FREE, Counter(name), [Counter.value.set(last + 1)], condition=was)
    return last + 1


def member_status_in(tx: NamedTransaction, member: Member, status: str | None, *, event: str, at: datetime) -> None:
    """Mirror the status on the member (the access token reads it; MEMBER_VERSION guards lost updates)
    and in the profile mirror on the member's activity item, where the change is also counted as
    `event`: one update of that item, as a transaction may write an item only once."""
    record = record_of(member)
    action = MemberRecord.membership_status.set(status) if status else MemberRecord.membership_status.remove()
    tx.update(MEMBER_VERSION, record, [action])
    add_event_in(
        tx,
        member.member_id,
        week_counter(event, at),
        event,
        iso(at),
        profile=profile_action(record, membership_status=status),
    )


def withdraw_consent_in(tx: NamedTransaction, member_id: str, purpose: str, at: datetime) -> None:
    """Mark the consent withdrawn (keeping the first withdrawal time)."""
    tx.update(
        CONSENT_GIVEN,
        ConsentRecord(member_id, purpose),
        [C.withdrawn_at.set(C.withdrawn_at | iso(at))],
        condition=C.purpose.exists(),
    )


# --- erasure (PIPL art. 47) ------------------------------------------------------------------


def forget_number_in(tx: NamedTransaction, member_id: str) -> None:
    """An erased member's membership keeps its status, union and dates (anonymous counts), not the
    member number that a card or a paper list could tie back to the person."""
    tx.update(AS_READ, MembershipRecord(member_id), [M.member_number.remove()], condition=M.member_id.exists())


def forget_decision_reason(application_id: str) -> bool:
    """Drop the free-text reason an admin gave on an application: one UpdateItem; False when there is
    no such application. Idempotent."""
    try:
        MembershipApplication(application_id).update(actions=[A.reason.remove()], condition=A.application_id.exists())
    except UpdateError as exc:
        if getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException":
            return False
        raise
    return True
