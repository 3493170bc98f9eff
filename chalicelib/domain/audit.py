"""The audit trail as read back, and what an audit log reader may ask for.

An entry says who did what to which target, when, within which HTTP request (the API Gateway
request id), why (the reason, sealed at rest and opened for the trail's readers) and a keyed digest
of what the change was (before/after), so the entry proves the change without keeping personal
values in the clear.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

_request_id: ContextVar[str | None] = ContextVar("audit_request_id", default=None)


@contextmanager
def within_request(request_id: str | None) -> Iterator[None]:
    """Every audit entry written inside the block carries `request_id` (set by api.http per request)."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


def current_request_id() -> str | None:
    """The id of the HTTP request being served (None in schedules, queue workers and scripts)."""
    return _request_id.get()


@dataclass(frozen=True)
class AuditEvent:
    target: str  # e.g. member#<id>
    at: datetime
    actor: str
    action: str
    reason: str | None = None
    detail: dict[str, Any] | None = None
    request_id: str | None = None
    digest: str | None = None  # keyed HMAC of the canonical JSON of the change and its before/after
    entry_id: str = ""  # unique within the target (time#random), so a page can resume after it


@dataclass(frozen=True)
class AuditQuery:
    """One page of the log, newest first: at most one of target/actor/action picks the key it is read
    by (the others filter), `since`/`until` bound the time, `start` resumes where a page stopped."""

    since: datetime
    until: datetime
    target: str | None = None
    actor: str | None = None
    action: str | None = None
    limit: int = 50
