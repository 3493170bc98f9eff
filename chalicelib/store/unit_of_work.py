"""The one way a use case commits: a unit of work is one TransactWriteItems, or nothing.

    with unit_of_work(now, refuse={SEAT_LEFT: SlotFull}) as uow:
        slots.take_seat(uow, ...)                       # repositories add named writes
        uow.audit(caller.member_id, "booking.create", target=f"booking#{bid}")
    # leaving the block commits; a failed named condition raises the domain error it maps to

A use case whose writes depend on what it read (a version, a standing) and may go stale under a
parallel request builds them in a function and lets `attempt` re-read and retry:

    attempt(lambda uow: build(uow, store.get(...)), now, refuse={...}, retry_on={MEMBER_VERSION})

`refuse` maps condition names (constants exported by the store module that defines each condition)
to the error a person reads: an exception class, an instance, or a function of the cancellation
that returns one (or None to look further). The first failed name in the mapping's order wins; a
cancellation none of them explains is a retryable 409 Conflict. A transaction DynamoDB cancels
because another one held an item (TransactionConflict) is tried again by `attempt` and answers a
retryable 409 `busy_retry` (with Retry-After) when it stays contended. The audit entry (and, later, the
outbox event) rides in the same transaction, added by the unit of work itself, so a change is
never without its record.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from chalicelib.domain.errors import Busy, Conflict
from chalicelib.store.audit import audit_entry
from chalicelib.store.audit_tables import AuditEntry
from chalicelib.store.transact import Cancelled, Contended, NamedTransaction

T = TypeVar("T")
Refusal = type[Exception] | Exception | Callable[[Cancelled], Exception | None]
Refusals = Mapping[str, Refusal]

AUDIT = "audit"
"""Every audit entry's put (store.audit.audit_entry): a fresh key (time + random), so it never fails on its own."""


class UnitOfWork(NamedTransaction):
    """Named writes of one use case at one time `now`, and the audit entries that record them."""

    def __init__(self, now: datetime) -> None:
        super().__init__()
        self.now = now

    def audit(
        self,
        actor: str,
        action: str,
        *,
        target: str,
        reason: str | None = None,
        detail: dict[str, Any] | None = None,
        before: Any = None,
        after: Any = None,
    ) -> None:
        """Record who did what to which target; committed with the change or not at all. The entry
        carries the request id being served; `reason` (free text a person typed) is sealed; `before`
        and `after` are kept only as their keyed digest, so `detail` holds non-personal values only."""
        entry = audit_entry(self.now, actor, action, target, reason, detail, before, after)
        self.put(AUDIT, entry, condition=AuditEntry.at_id.does_not_exist())


def refusal(exc: Cancelled, refuse: Refusals) -> Exception:
    """The error a person reads for this cancellation: the first mapped name that failed."""
    for name, refused in refuse.items():
        if name not in exc:
            continue
        if isinstance(refused, Exception):
            return refused
        if isinstance(refused, type):
            return refused()
        found = refused(exc)
        if found is not None:
            return found
    return Conflict()


def commit(uow: NamedTransaction, *, refuse: Refusals | None = None) -> None:
    """Commit `uow`; a failed named condition raises the error `refuse` maps it to."""
    try:
        uow.commit()
    except Cancelled as exc:
        raise refusal(exc, refuse or {}) from exc
    except Contended as exc:
        raise Busy() from exc


@contextmanager
def unit_of_work(now: datetime, *, refuse: Refusals | None = None) -> Iterator[UnitOfWork]:
    """Collect the writes of the block and commit them when it ends without an exception."""
    uow = UnitOfWork(now)
    yield uow
    commit(uow, refuse=refuse)


def attempt(
    build: Callable[[UnitOfWork], T],
    now: datetime,
    *,
    refuse: Refusals | None = None,
    retry_on: Collection[str] = (),
    attempts: int = 3,
) -> T:
    """Build the writes (reading what they depend on) and commit them. When only conditions in
    `retry_on` failed (what was read went stale), build again from fresh reads, up to `attempts`
    times; then answer a retryable 409. Returns what `build` returned for the attempt that committed."""
    stale = frozenset(retry_on)
    for _ in range(attempts):
        uow = UnitOfWork(now)
        result = build(uow)
        try:
            uow.commit()
            return result
        except Contended:
            continue
        except Cancelled as exc:
            if stale and set(exc.failed) <= stale:
                continue
            raise refusal(exc, refuse or {}) from exc
    raise Busy(1, "数据刚被他人更新，请重试", "Someone changed this at the same time; try again")
