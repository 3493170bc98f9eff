"""Text messages to workers' phones: SNS SMS on AWS; in the local stage also kept in an outbox
that developers (and the mini-app's login screen) can read, like a mail catcher."""
from __future__ import annotations

import secrets
import time

from chalicelib.privacy.masking import mask_phone
from chalicelib.runtime import runtime
from chalicelib.store.base import expiry, iso
from chalicelib.store.records import OutboxMessage

OUTBOX = "sms"


def send_sms(phone: str, phone_bidx: str, body: str) -> None:
    rt = runtime()
    rt.client("sns").publish(PhoneNumber=f"+86{phone}", Message=body, MessageAttributes={
        "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}})
    if rt.settings.is_local:
        now = rt.clock.now()
        # the wall-clock tiebreak keeps messages in send order even when a test freezes the clock
        OutboxMessage(OUTBOX, f"{iso(now)}#{time.time_ns():020d}#{secrets.token_hex(2)}", phone_bidx=phone_bidx,
                      phone_masked=mask_phone(phone), body=body, ttl=expiry(now.timestamp() + 24 * 3600)).save()


def outbox(phone_bidx: str | None, limit: int = 20) -> list[OutboxMessage]:
    """The newest messages, optionally only those sent to one phone. One Query."""
    items = OutboxMessage.query(OUTBOX, scan_index_forward=False, limit=200)
    return [m for m in items if phone_bidx is None or m.phone_bidx == phone_bidx][:limit]
