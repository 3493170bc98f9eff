"""A worker's booking standing: upcoming bookings, recent no-shows, suspension.

Every change bumps `rev`, and writes that depend on what was read are conditioned on it, so two
bookings of the same worker racing each other cannot both pass the "at most K" check:

  STANDING   save_in: the standing is still as read (rev), and with `bookable_at` the worker is not
             suspended then; what the failed write found is `standing_held(cancellation)`
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.domain.booking_rules import Standing
from chalicelib.store.base import as_dict, from_iso, iso
from chalicelib.store.booking_tables import StandingRecord
from chalicelib.store.transact import Cancelled, NamedTransaction

STANDING = "standing"

S = StandingRecord


def to_domain(record: StandingRecord | None) -> Standing:
    if record is None:
        return Standing()
    return Standing(
        upcoming={bid: from_iso(end) for bid, end in as_dict(record.upcoming).items()},
        no_shows=tuple(from_iso(str(t)) for t in record.no_shows or ()),
        suspended_until=from_iso(record.suspended_until) if record.suspended_until else None,
        rev=int(record.rev or 0),
    )


def get_standing(member_id: str) -> Standing:
    try:
        return to_domain(StandingRecord.get(member_id, consistent_read=True))
    except DoesNotExist:
        return Standing()


def unchanged_since(read: Standing) -> Condition:
    return S.rev.does_not_exist() if read.rev == 0 else S.rev == read.rev


def not_suspended_at(now: datetime) -> Condition:
    return S.suspended_until.does_not_exist() | (S.suspended_until <= iso(now))


def save_in(
    tx: NamedTransaction,
    member_id: str,
    read: Standing,
    *,
    upcoming: dict[str, datetime] | None = None,
    no_shows: list[datetime] | None = None,
    suspended_until: datetime | None = None,
    bookable_at: datetime | None = None,
) -> None:
    """Write the fields given, if the standing is still what was read (named "standing").
    With `bookable_at`, also require that the worker is not suspended at that time."""
    actions: list[Action] = [S.rev.add(1)]
    if upcoming is not None:
        actions.append(S.upcoming.set({bid: iso(end) for bid, end in upcoming.items()}))
    if no_shows is not None:
        actions.append(S.no_shows.set([iso(t) for t in no_shows]))  # type: ignore[misc]
    if suspended_until is not None:
        actions.append(S.suspended_until.set(iso(suspended_until)))
    condition = unchanged_since(read)
    if bookable_at is not None:
        condition &= not_suspended_at(bookable_at)
    tx.update(STANDING, StandingRecord(member_id), actions, condition=condition)


def drop_upcoming_in(tx: NamedTransaction, member_id: str, booking_id: str) -> None:
    """Forget one upcoming booking (it was cancelled)."""
    tx.update(STANDING, StandingRecord(member_id), [S.upcoming[booking_id].remove(), S.rev.add(1)])


def standing_held(exc: Cancelled) -> Standing:
    """The standing as it was when the STANDING condition of a cancelled transaction failed."""
    return to_domain(exc.old(StandingRecord, STANDING))
