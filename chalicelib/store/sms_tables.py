"""The dev SMS outbox table (local stage and tests only; the repository is store.sms)."""

from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.store.base import table_meta


class OutboxMessage(Model):
    """Local stage only: every SMS the stack 'sent', like a mail catcher. Phones are kept masked."""

    Meta = table_meta("dev_outbox")
    box = UnicodeAttribute(hash_key=True)
    sent_id = UnicodeAttribute(range_key=True)
    phone_bidx = UnicodeAttribute()
    phone_masked = UnicodeAttribute()
    body = UnicodeAttribute()
    ttl = TTLAttribute(null=True)
