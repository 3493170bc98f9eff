"""Membership writes as named conditional steps that a service puts into one transaction, and the
look-ups: an application, a membership, the admin queue, the members due for a lifecycle change."""
from __future__ import annotations

from datetime import datetime
from itertools import islice

from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model

from chalicelib.domain.activity import week_counter
from chalicelib.store.activity import add_event_in, profile_action
from chalicelib.store.base import iso
from chalicelib.store.identity import Member
from chalicelib.store.membership_tables import ConsentRecord, Counter, MembershipApplication, MembershipRecord
from chalicelib.store.parallel import concurrently
from chalicelib.store.transact import NamedTransaction

A, M, C = MembershipApplication, MembershipRecord, ConsentRecord
not_in_good_standing = M.status.does_not_exist() | M.status.is_in("lapsed", "left")
no_open_application = M.open_application_id.does_not_exist() & not_in_good_standing


def _get(model: type[Model], *keys: str) -> Model | None:
    try:
        return model.get(*keys, consistent_read=True)
    except DoesNotExist:
        return None


def get_membership(member_id: str) -> MembershipRecord | None:
    return _get(MembershipRecord, member_id)  # type: ignore[return-value]


def get_application(application_id: str) -> MembershipApplication | None:
    return _get(MembershipApplication, application_id)  # type: ignore[return-value]


def applications(status: str, limit: int = 100) -> list[MembershipApplication]:
    """The admin queue: one Query on the status index, oldest first."""
    return list(islice(MembershipApplication.queue_index.query(status, scan_index_forward=True), limit))


def consents_of(member_id: str) -> list[ConsentRecord]:
    return list(ConsentRecord.query(member_id))


def counter_value(name: str) -> int:
    found = _get(Counter, name)
    return int(found.value) if found else 0  # type: ignore[union-attr]


def due_changes(months: list[str], now: datetime) -> list[MembershipRecord]:
    """Members whose next lifecycle change is due: one Query per month on the sparse index."""
    pages = concurrently(lambda m: list(MembershipRecord.lifecycle_index.query(m, M.transition_at <= iso(now))), months)
    return [r for page in pages for r in page]


# --- transaction steps -----------------------------------------------------------------------

def apply_in(tx: NamedTransaction, application: MembershipApplication, consent: ConsentRecord) -> None:
    """The application, the membership's open-application claim (refused while one is open or the
    worker is a member) and the consent record, together."""
    tx.update("membership", MembershipRecord(application.member_id),
              [M.open_application_id.set(application.application_id)], condition=no_open_application)
    tx.put("application", application, condition=A.application_id.does_not_exist())
    tx.put("consent", consent)


def decide_in(tx: NamedTransaction, application: MembershipApplication, status: str, *, at: datetime, by: str,
              reason: str | None = None, number: str | None = None) -> None:
    """Close a pending application (only if it is still pending)."""
    actions = [A.status.set(status), A.decided_at.set(iso(at)), A.decided_by.set(by)]
    actions += [A.reason.set(reason)] if reason else []
    actions += [A.member_number.set(number)] if number else []
    tx.update("application", MembershipApplication(application.application_id), actions,
              condition=A.status == "pending")


def release_in(tx: NamedTransaction, member_id: str, application_id: str) -> None:
    tx.update("membership", MembershipRecord(member_id), [M.open_application_id.remove()],
              condition=M.open_application_id == application_id)


def activate_in(tx: NamedTransaction, application: MembershipApplication, *, number: str, since: str,
                renewal_due: str, change_at: datetime, at: datetime) -> None:
    """The pending application becomes an active membership."""
    a = application
    tx.update("membership", MembershipRecord(a.member_id), [
        M.open_application_id.remove(), M.status.set("active"), M.member_number.set(number),
        M.union_kind.set(a.union_kind), M.employer_id.set(a.employer_id), M.employer_name_zh.set(a.employer_name_zh),
        M.employer_name_en.set(a.employer_name_en), M.city.set(a.city), M.since.set(since),
        M.renewal_due.set(renewal_due), *_schedule(change_at), M.updated_at.set(iso(at)),
    ], condition=M.open_application_id == a.application_id)


def _schedule(change_at: datetime | None) -> list:
    if change_at is None:
        return [M.transition_month.remove(), M.transition_at.remove()]
    return [M.transition_month.set(iso(change_at)[:7]), M.transition_at.set(iso(change_at))]


def move_in(tx: NamedTransaction, record: MembershipRecord, status: str, *, change_at: datetime | None,
            at: datetime, renewal_due: str | None = None) -> None:
    """Change the status of this very membership state (same status and due time as read)."""
    actions = [M.status.set(status), *_schedule(change_at), M.updated_at.set(iso(at))]
    actions += [M.renewal_due.set(renewal_due)] if renewal_due else []
    same = (M.status == record.status) & (
        M.transition_at == record.transition_at if record.transition_at else M.transition_at.does_not_exist())
    tx.update("membership", MembershipRecord(record.member_id), actions, condition=same)


def take_number_in(tx: NamedTransaction, name: str, last: int) -> int:
    """Claim number last + 1 of counter `name`: the condition fails if someone else took it first."""
    was = Counter.value == last if last else Counter.name.does_not_exist()
    tx.update("counter", Counter(name), [Counter.value.set(last + 1)], condition=was)
    return last + 1


def member_status_in(tx: NamedTransaction, member: Member, status: str | None, *, event: str, at: datetime) -> None:
    """Mirror the status on the member (the access token reads it; the version guards lost updates) and
    in the profile mirror on the member's activity item, where the change is also counted as `event`:
    one update of that item, as a transaction may write an item only once."""
    action = Member.membership_status.set(status) if status else Member.membership_status.remove()
    tx.update("member", member, [action])
    add_event_in(tx, member.member_id, week_counter(event, at), event, iso(at),
                 profile=profile_action(member, membership_status=status))


def withdraw_consent_in(tx: NamedTransaction, member_id: str, purpose: str, at: datetime) -> None:
    """Mark the consent withdrawn (keeping the first withdrawal time)."""
    tx.update("consent", ConsentRecord(member_id, purpose), [C.withdrawn_at.set(C.withdrawn_at | iso(at))],
              condition=C.purpose.exists())
