"""The audit table: append-only entries per target (the repository is store.audit)."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import MapAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.store.base import table_meta


class AuditEntry(Model):
    """Who did what to whom, and why. Never deleted; updated only by erasure, which blanks the why
    (reason, detail) of the entries about an erased member (store.audit.blank_free_text)."""

    Meta = table_meta("audit")
    target = UnicodeAttribute(hash_key=True)  # e.g. member#<id>
    at_id = UnicodeAttribute(range_key=True)  # <iso time>#<random>
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    detail: MapAttribute[str, Any] = MapAttribute(null=True)
