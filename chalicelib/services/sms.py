"""Text messages to workers' phones (SNS SMS on AWS, also kept in the dev outbox locally: store.sms)."""

from __future__ import annotations

from chalicelib.store import sms as store
from chalicelib.store.sms import SentText


def send_sms(phone: str, phone_bidx: str, body: str) -> None:
    store.send(phone, phone_bidx, body)


def outbox(phone_bidx: str | None, limit: int = 20) -> list[SentText]:
    """The newest messages of the dev outbox, optionally only those sent to one phone."""
    return store.outbox(phone_bidx, limit)
