"""Record what members do, for the scoring features: `record(member_id, event, at)` from any area.

Each event adds one to the member's counter for that event and ISO week and stamps the time of
the last event: one UpdateItem, or no extra round trip at all with `record_in(tx, ...)` when the
event belongs to a state change that is already a transaction.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.activity import employer_subject, week_counter
from chalicelib.store import activity as store
from chalicelib.store.base import iso
from chalicelib.store.transact import NamedTransaction


def record(member_id: str, event: str, at: datetime) -> None:
    """Count `event` (lower_snake_case, e.g. "bookings") for the member in the week of `at`."""
    store.add_event(member_id, week_counter(event, at), event, iso(at))


def record_in(tx: NamedTransaction, member_id: str, event: str, at: datetime) -> None:
    """Like record(), but committed with (and only with) the transaction `tx`."""
    store.add_event_in(tx, member_id, week_counter(event, at), event, iso(at))


def record_employer_in(tx: NamedTransaction, employer_id: str | None, event: str, at: datetime) -> None:
    """Count `event` for an employer (labour-risk features), with the transaction; nothing without an employer."""
    if employer_id:
        record_in(tx, employer_subject(employer_id), event, at)


def counters(member_id: str) -> dict[str, int]:
    """Every weekly counter of a member (for tests and the member's data export)."""
    return store.counters(member_id)
