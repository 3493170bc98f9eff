"""The scheduled lifecycle run (app.py, daily): active members whose renewal is due enter `grace`,
members whose grace ran out become `lapsed`. Due members are found on the sparse lifecycle index
(one Query per month bucket, never a table scan); each change is one transaction that checks the
membership is still as read, so a renewal in between wins and a rerun changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.domain import membership as rules
from chalicelib.domain import membership_errors as err
from chalicelib.domain.activity import EMPLOYER_MEMBER_LEFT
from chalicelib.domain.members import Member
from chalicelib.domain.membership import Membership
from chalicelib.domain.working_time import china_date
from chalicelib.runtime import runtime
from chalicelib.services import activity
from chalicelib.services.membership import MOVED_ON, for_member
from chalicelib.store import membership as store
from chalicelib.store.unit_of_work import UnitOfWork

LOOK_BACK_MONTHS = 3  # month buckets re-checked each run, so missed runs are caught up
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
    for member_id in store.due_changes(months_back(now), now):
        current = store.get_membership(member_id)
        if current is None or current.renewal_due is None:
            continue
        new = rules.status_on(current.renewal_due, china_date(now))
        if new != current.status and _move(current, new, now):
            counts[new] += 1
    return counts


def _move(current: Membership, status: str, now: datetime) -> bool:
    """One member's change; False when it was renewed or left meanwhile (the membership is not as read)."""
    due = current.renewal_due
    assert due is not None

    def build(uow: UnitOfWork, member: Member) -> None:
        store.move_in(uow, current, status, change_at=rules.next_change(due, status), at=now)
        store.member_status_in(uow, member, status, event=EVENTS[status], at=now)
        if status == "lapsed":
            activity.record_employer_in(uow, member.employer_id, EMPLOYER_MEMBER_LEFT, now)

    try:
        for_member(current.member_id, build, now, refuse=MOVED_ON)
    except err.MembershipChanged:
        return False
    return True
