"""The audit trail: append-only entries per target. Entries are only ever written by a use case's unit
of work (`uow.audit(...)`, store.unit_of_work), in the same transaction as the change they record.
The one change ever made to an entry is erasure's (PIPL art. 47): its free text (reason, detail) is
blanked, and who did what when stays."""

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


def blank_free_text(target: str, *, keep: frozenset[str] = frozenset()) -> int:
    """Remove the reason and detail of every entry on `target` (except actions in `keep`); returns how
    many entries held some. One Query + one UpdateItem per such entry; a repeat finds none."""
    E = AuditEntry
    spoken = E.query(target, filter_condition=E.reason.exists() | E.detail.exists())
    blanked = 0
    for entry in spoken:
        if entry.action in keep:
            continue
        entry.update(actions=[E.reason.remove(), E.detail.remove()])
        blanked += 1
    return blanked
