"""Append-only and expiring records: the audit trail, the dev SMS outbox, idempotency keys."""
from __future__ import annotations

from pynamodb.attributes import MapAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.store.base import table_meta


class AuditEntry(Model):
    """Who did what to whom, and why. Never updated, never deleted."""

    Meta = table_meta("audit")
    target = UnicodeAttribute(hash_key=True)        # e.g. member#<id>
    at_id = UnicodeAttribute(range_key=True)        # <iso time>#<random>
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    detail = MapAttribute(null=True)


class OutboxMessage(Model):
    """Local stage only: every SMS the stack 'sent', like a mail catcher. Phones are kept masked."""

    Meta = table_meta("dev_outbox")
    box = UnicodeAttribute(hash_key=True)
    sent_id = UnicodeAttribute(range_key=True)
    phone_bidx = UnicodeAttribute()
    phone_masked = UnicodeAttribute()
    body = UnicodeAttribute()
    ttl = TTLAttribute(null=True)


class IdempotencyRecord(Model):
    """The table behind Powertools' idempotency utility (it reads and writes it itself).

    Declared here so that the deployment and the local stack create it from the same definition.
    """

    Meta = table_meta("idempotency")
    id = UnicodeAttribute(hash_key=True)
    expiration = TTLAttribute(null=True)
