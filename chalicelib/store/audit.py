"""The audit trail: append-only entries per target. A use case adds its entry to its unit of work
(`uow.audit(...)`, store.unit_of_work); `record` is the single PutItem for callers not yet there."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from chalicelib.domain.audit import AuditEvent
from chalicelib.store.audit_tables import AuditEntry
from chalicelib.store.base import from_iso, iso


def record(
    target: str,
    *,
    actor: str,
    action: str,
    at: datetime,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    entry = AuditEntry(
        target, f"{iso(at)}#{secrets.token_hex(4)}", actor=actor, action=action, reason=reason, detail=detail
    )
    entry.save(condition=AuditEntry.at_id.does_not_exist())


def trail(target: str, limit: int = 50) -> list[AuditEvent]:
    """The target's entries, newest first: one Query."""
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
