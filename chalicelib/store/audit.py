"""The audit trail: append-only entries per target. Entries are only ever written by a use case's unit
of work (`uow.audit(...)`, store.unit_of_work), in the same transaction as the change they record."""

from __future__ import annotations

from chalicelib.domain.audit import AuditEvent
from chalicelib.store.audit_tables import AuditEntry
from chalicelib.store.base import from_iso


def trail(target: str, limit: int | None = 50) -> list[AuditEvent]:
    """The target's entries, newest first (all of them with limit=None): one Query."""
    return [
        AuditEvent(
            e.target,
            from_iso(e.at_id.split("#")[0]),
            e.actor,
            e.action,
            reason=e.reason,
            detail=e.detail.as_dict() if e.detail else None,
        )
        for e in AuditEntry.query(target, scan_index_forward=False, limit=limit)
    ]
