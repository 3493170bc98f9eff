"""Text messages out: SNS SMS on AWS; in the local stage each one is also kept in the dev outbox,
which developers (and the mini-app's login screen) can read, like a mail catcher."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.domain.otp import SmsNotSent
from chalicelib.privacy.masking import mask_phone
from chalicelib.runtime import runtime
from chalicelib.store.base import expiry, iso
from chalicelib.store.sms_tables import OutboxMessage

OUTBOX = "sms"


@dataclass(frozen=True)
class SentText:
    """A message in the dev outbox: the phone masked, never in the clear."""

    sent_id: str  # <iso time>#<ns>#<random>: newest last
    phone_masked: str
    body: str


def send(phone: str, phone_bidx: str, body: str) -> None:
    """One SNS Publish (plus, locally, one PutItem into the outbox). SmsNotSent when SNS refuses or
    cannot be reached (the caller gives back what the send spent)."""
    rt = runtime()
    try:
        rt.client("sns").publish(
            PhoneNumber=f"+86{phone}",
            Message=body,
            MessageAttributes={"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}},
        )
    except (ClientError, BotoCoreError) as exc:
        raise SmsNotSent() from exc
    if rt.settings.is_local:
        now = rt.clock.now()
        # the wall-clock tiebreak keeps messages in send order even when a test freezes the clock
        OutboxMessage(
            OUTBOX,
            f"{iso(now)}#{time.time_ns():020d}#{secrets.token_hex(2)}",
            phone_bidx=phone_bidx,
            phone_masked=mask_phone(phone),
            body=body,
            ttl=expiry(now.timestamp() + 24 * 3600),
        ).save()


def outbox(phone_bidx: str | None, limit: int = 20) -> list[SentText]:
    """The newest messages, optionally only those sent to one phone. One Query."""
    items = OutboxMessage.query(OUTBOX, scan_index_forward=False, limit=200)
    return [
        SentText(m.sent_id, m.phone_masked, m.body) for m in items if phone_bidx is None or m.phone_bidx == phone_bidx
    ][:limit]
