"""The audit trail as read back: who did what to which target, when, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class AuditEvent:
    target: str  # e.g. member#<id>
    at: datetime
    actor: str
    action: str
    reason: str | None = None
    detail: dict[str, Any] | None = None
