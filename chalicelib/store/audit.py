"""The audit trail: append-only entries per target."""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from chalicelib.store.base import iso
from chalicelib.store.records import AuditEntry


def record(target: str, *, actor: str, action: str, at: datetime, reason: str | None = None,
           detail: dict[str, Any] | None = None) -> AuditEntry:
    entry = AuditEntry(target, f"{iso(at)}#{secrets.token_hex(4)}", actor=actor, action=action, reason=reason,
                       detail=detail)
    entry.save(condition=AuditEntry.at_id.does_not_exist())
    return entry


def trail(target: str, limit: int = 50) -> list[AuditEntry]:
    return list(AuditEntry.query(target, scan_index_forward=False, limit=limit))
