"""The scheduled lifecycle run (app.py, daily): active members whose renewal is due enter `grace`,
members whose grace ran out become `lapsed`. Due members are found on the sparse lifecycle index
(one Query per month bucket, never a table scan); each change is one transaction that checks the
membership is still as read, so a renewal in between wins and a rerun changes nothing."""
from __future__ import annotations

from datetime import UTC, date, datetime

from chalicelib.domain import membership as rules
from chalicelib.domain.activity import EMPLOYER_MEMBER_LEFT
from chalicelib.domain.working_time import china_date
from chalicelib.runtime import runtime
from chalicelib.services import activity
from chalicelib.services.membership import commit_for_member
from chalicelib.store import memberships as store
from chalicelib.store.identity import Member
from chalicelib.store.membership_tables import MembershipRecord
from chalicelib.store.transact import Cancelled, NamedTransaction

LOOK_BACK_MONTHS = 3        # month buckets re-checked each run, so missed runs are caught up
EVENTS = {"grace": rules.ENTERED_GRACE, "lapsed": rules.LAPSED}


def recalculate() -> dict[str, int]:
    """What the schedule runs."""
    return apply_due(runtime().clock.now())


def months_back(now: datetime, count: int = LOOK_BACK_MONTHS) -> list[str]:
    utc = now.astimezone(UTC)
    months, year, month = [], utc.year, utc.month
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


def apply_due(now: datetime) -> dict[str, int]:
    counts = {"grace": 0, "lapsed": 0}
    for key in store.due_changes(months_back(now), now):
        record = store.get_membership(key.member_id)
        if record is None or not record.renewal_due:
            continue
        new = rules.status_on(date.fromisoformat(record.renewal_due), china_date(now))
        if new != record.status and _move(record, new, now):
            counts[new] += 1
    return counts


def _move(record: MembershipRecord, status: str, now: datetime) -> bool:
    due = date.fromisoformat(record.renewal_due or "")

    def build(member: Member, tx: NamedTransaction) -> None:
        store.move_in(tx, record, status, change_at=rules.next_change(due, status), at=now)
        store.member_status_in(tx, member, status, event=EVENTS[status], at=now)
        if status == "lapsed":
            activity.record_employer_in(tx, member.employer_id, EMPLOYER_MEMBER_LEFT, now)

    try:
        commit_for_member(record.member_id, build)
    except Cancelled:
        return False            # renewed or left meanwhile
    return True
