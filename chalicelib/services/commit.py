"""Commit a named transaction, turning a failed condition into the domain error a person reads."""
from __future__ import annotations

from collections.abc import Callable

from chalicelib.store.transact import Cancelled, NamedTransaction


def commit(tx: NamedTransaction, refused: Callable[[Cancelled], Exception]) -> None:
    """One TransactWriteItems; when a named condition fails, raise `refused(cancellation)` instead."""
    try:
        tx.commit()
    except Cancelled as exc:
        raise refused(exc) from exc
