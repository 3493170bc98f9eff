"""How long each kind of record lives (docs/security.md, Retention): one table, read by the code that
sets TTL attributes and by the tests that check them. Periods that follow a setting (OTP, refresh
sessions, idempotency) are in settings; the fixed ones are here."""

from __future__ import annotations

from datetime import timedelta

AUDIT_ENTRY = timedelta(days=3 * 365)
"""Audit entries: three years (PIPL art. 56 keeps impact-assessment and processing records at least
three years), then DynamoDB's TTL deletes them."""

SMS_OUTBOX = timedelta(hours=24)
"""The local stack's SMS outbox (a dev aid, never deployed): one day."""
