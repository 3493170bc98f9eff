"""The audit table: append-only entries per target (the repository is store.audit).

Read paths, all Query (never a Scan), newest first, a time range being a key condition on `at_id`:
by target (the table's key), by actor (actor_index), by action (action_index), and the whole log a
month at a time (month_index, hash `month` = "YYYY-MM").
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import MapAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.store.base import index_meta, table_meta


class EntriesByActor(GlobalSecondaryIndex["AuditEntry"]):
    Meta = index_meta("actor_index", AllProjection())
    actor = UnicodeAttribute(hash_key=True)
    at_id = UnicodeAttribute(range_key=True)


class EntriesByAction(GlobalSecondaryIndex["AuditEntry"]):
    Meta = index_meta("action_index", AllProjection())
    action = UnicodeAttribute(hash_key=True)
    at_id = UnicodeAttribute(range_key=True)


class EntriesByMonth(GlobalSecondaryIndex["AuditEntry"]):
    Meta = index_meta("month_index", AllProjection())
    month = UnicodeAttribute(hash_key=True)
    at_id = UnicodeAttribute(range_key=True)


class AuditEntry(Model):
    """Who did what to whom, when, in which request, and why. Expires after the retention period
    (docs/security.md, Retention); updated only by erasure, which blanks the why (reason, detail) of
    the entries about an erased member (store.audit.blank_free_text)."""

    Meta = table_meta("audit")
    target = UnicodeAttribute(hash_key=True)  # e.g. member#<id>
    at_id = UnicodeAttribute(range_key=True)  # <iso time>#<random>
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    month = UnicodeAttribute(null=True)  # YYYY-MM of `at`, the whole log's partition
    reason = UnicodeAttribute(null=True)  # sealed (runtime().cipher, context audit#<target>#<at_id>#reason)
    detail: MapAttribute[str, Any] = MapAttribute(null=True)  # non-personal values only
    request_id = UnicodeAttribute(null=True)  # the API Gateway request id
    digest = UnicodeAttribute(null=True)  # keyed HMAC of the canonical JSON of the change and its before/after
    expires = TTLAttribute(null=True)

    actor_index = EntriesByActor()
    action_index = EntriesByAction()
    month_index = EntriesByMonth()
