"""The audit trail: append-only entries per target. Entries are only ever written by a use case's unit
of work (`uow.audit(...)`, store.unit_of_work), in the same transaction as the change they record.
The one change ever made to an entry is erasure's (PIPL art. 47): its free text (reason, detail) is
blanked, and who did what when stays (its digest then no longer matches: the erasure's own entry says why).

An entry keeps no personal value in the clear: the reason a person typed is sealed with the field
cipher (context audit#<target>#<at_id>#reason) and opened for the trail's readers; what changed is
kept as a keyed digest (HMAC of the canonical JSON of the change with its before/after). Entries expire after
domain.retention.AUDIT_ENTRY.

Round trips: trail = 1 Query; log page = 1 Query per key partition read (a month when no target,
actor or action picks one; +1 per month crossed), filters that thin a page read ahead.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.domain.audit import AuditEvent, AuditQuery, current_request_id
from chalicelib.domain.retention import AUDIT_ENTRY
from chalicelib.runtime import runtime
from chalicelib.store.audit_tables import AuditEntry
from chalicelib.store.base import as_dict, expiry, from_iso, iso

READ_AHEAD, MAX_PAGE = 5, 500
START_KEYS = frozenset({"target", "at_id", "actor", "action", "month"})
"""The attributes of a resume key: a cursor that carries any other is not one this module issued."""


def reason_context(target: str, at_id: str) -> str:
    return f"audit#{target}#{at_id}#reason"


def change_digest(change: dict[str, Any]) -> str:
    """A keyed digest of a change (who, what, why, before/after): equal for the same change, useless
    without the key, so it proves what was done without keeping personal values."""
    canonical = json.dumps(change, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return runtime().blind_index("audit_change", canonical)


def audit_entry(
    now: datetime,
    actor: str,
    action: str,
    target: str,
    reason: str | None,
    detail: dict[str, Any] | None,
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """The stored entry of one audited change at `now`, within the request being served."""
    at_id = f"{iso(now)}#{secrets.token_hex(4)}"
    sealed = runtime().cipher.seal(reason, context=reason_context(target, at_id)) if reason else None
    change = {"actor": actor, "action": action, "target": target, "reason": reason, "detail": detail}
    digest = change_digest({**change, "before": before, "after": after})
    return AuditEntry(
        target,
        at_id,
        actor=actor,
        action=action,
        month=at_id[:7],
        reason=sealed,
        detail=detail,
        request_id=current_request_id(),
        digest=digest,
        expires=expiry(now.timestamp() + AUDIT_ENTRY.total_seconds()),
    )


def event_of(e: AuditEntry) -> AuditEvent:
    """The entry as read back, its reason opened."""
    reason = runtime().cipher.open(e.reason, context=reason_context(e.target, e.at_id)) if e.reason else None
    return AuditEvent(
        e.target,
        from_iso(e.at_id.split("#")[0]),
        e.actor,
        e.action,
        reason=reason,
        detail=as_dict(e.detail) if e.detail else None,
        request_id=e.request_id,
        digest=e.digest,
        entry_id=e.at_id,
    )


def trail(target: str, limit: int | None = 50) -> list[AuditEvent]:
    """The target's entries, newest first (all of them with limit=None): one Query."""
    return [event_of(e) for e in AuditEntry.query(target, scan_index_forward=False, limit=limit)]


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


def months(since: datetime, until: datetime) -> list[str]:
    """The month partitions ("YYYY-MM") a time range touches, newest first."""
    found, year, month = [], until.year, until.month
    while (year, month) >= (since.year, since.month):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found


def log_page(
    q: AuditQuery, partition: str | None, start: dict[str, Any] | None
) -> tuple[list[AuditEvent], dict[str, Any] | None]:
    """Up to `q.limit` entries of one key partition, newest first, from `start`; and where the next
    read starts (None: the partition is done). The partition is the target, actor or action asked
    for, else `partition` (a month of the whole log)."""
    key, index, filters = _read_by(q, partition)
    in_range = AuditEntry.at_id.between(iso(q.since), f"{iso(q.until)}~")
    page_size = q.limit if filters is None else min(q.limit * READ_AHEAD, MAX_PAGE)
    found = (index or AuditEntry).query(
        key,
        in_range,
        scan_index_forward=False,
        filter_condition=filters,
        limit=q.limit,
        last_evaluated_key=start,
        page_size=page_size,
    )
    events = [event_of(e) for e in found]
    return events, found.last_evaluated_key


def _read_by(q: AuditQuery, month: str | None) -> tuple[str, Any, Condition | None]:
    """The most selective key asked for (target, then actor, then action, else the month) and the
    other filters as a filter expression."""
    wanted: list[Condition] = []
    index: Any
    if q.target is not None:
        key, index = q.target, None
    elif q.actor is not None:
        key, index = q.actor, AuditEntry.actor_index
    elif q.action is not None:
        key, index = q.action, AuditEntry.action_index
    else:
        key, index = month or "", AuditEntry.month_index
    if q.actor is not None and index is not AuditEntry.actor_index:
        wanted.append(AuditEntry.actor == q.actor)
    if q.action is not None and index is not AuditEntry.action_index:
        wanted.append(AuditEntry.action == q.action)
    condition = None
    for c in wanted:
        condition = c if condition is None else condition & c
    return key, index, condition
