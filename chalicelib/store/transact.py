"""A TransactWriteItems whose items carry names, so a cancelled transaction says which named
conditions failed (and what the item looked like: ReturnValuesOnConditionCheckFailure=ALL_OLD)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.store.base import transaction


class Contended(Exception):
    """DynamoDB cancelled the transaction because another one held an item it writes
    (TransactionConflict): no condition failed, and the same writes may simply be tried again."""


class Cancelled(Exception):
    """The transaction was cancelled because these named conditions failed."""

    def __init__(self, failed: dict[str, dict[str, Any] | None]) -> None:
        super().__init__(", ".join(failed))
        self.failed = failed

    def __contains__(self, name: str) -> bool:
        return name in self.failed

    def old(self, model: type[Model], name: str) -> Any:
        """The item as it was when its condition failed, or None when it did not exist."""
        raw = self.failed.get(name)
        return model.from_raw_data(raw) if raw else None


class NamedTransaction:
    """Collect named writes, then `commit()` them all or none."""

    def __init__(self) -> None:
        self._ops: list[Callable[[TransactWrite], None]] = []
        # PynamoDB sends condition checks, then deletes, then puts, then updates.
        self._order: dict[str, list[str]] = {"check": [], "delete": [], "put": [], "update": []}

    def check(
        self, name: str, model: type[Model], hash_key: Any, range_key: Any = None, *, condition: Condition
    ) -> NamedTransaction:
        self._ops.append(lambda tx: tx.condition_check(model, hash_key, range_key, condition=condition))
        self._order["check"].append(name)
        return self

    def put(self, name: str, item: Model, *, condition: Condition | None = None) -> NamedTransaction:
        self._ops.append(lambda tx: tx.save(item, condition=condition, return_values="ALL_OLD"))
        self._order["put"].append(name)
        return self

    def update(
        self, name: str, item: Model, actions: Sequence[Action], *, condition: Condition | None = None
    ) -> NamedTransaction:
        self._ops.append(lambda tx: tx.update(item, list(actions), condition=condition, return_values="ALL_OLD"))
        self._order["update"].append(name)
        return self

    def delete(self, name: str, item: Model, *, condition: Condition | None = None) -> NamedTransaction:
        self._ops.append(lambda tx: tx.delete(item, condition=condition))
        self._order["delete"].append(name)
        return self

    def commit(self) -> None:
        """One TransactWriteItems. Raises Cancelled naming the failed conditions, Contended when only
        another transaction was in the way."""
        names = [n for kind in ("check", "delete", "put", "update") for n in self._order[kind]]
        try:
            with transaction() as tx:
                for op in self._ops:
                    op(tx)
        except TransactWriteError as exc:
            reasons = exc.cancellation_reasons or []
            failed = {
                name: reason.raw_item
                for name, reason in zip(names, reasons, strict=False)
                if reason is not None and reason.code == "ConditionalCheckFailed"
            }
            if not failed:
                if any(reason is not None and reason.code == "TransactionConflict" for reason in reasons):
                    raise Contended() from exc
                raise
            raise Cancelled(failed) from exc
