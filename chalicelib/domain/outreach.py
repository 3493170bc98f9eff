"""Outreach: what staff did about a member's score (a call, an SMS, a visit, an offer) and how it ended.

Each outreach keeps the member's churn score as it was when staff acted, so outcomes become labels for
the next churn training (`left` counts as churned, `retained` as kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from chalicelib.domain.base import Out, Strict

Action = Literal["call", "sms", "visit", "offer_service", "other"]
Outcome = Literal["reached", "no_answer", "retained", "left", "declined"]


class OutreachCreate(Strict):
    action: Action
    note: Annotated[str, Field(max_length=2000)] | None = None


class OutcomeBody(Strict):
    outcome: Outcome


class ChurnWhenActed(Out):
    probability: float
    tier: str
    model_version: str
    scored_at: str | None


class OutreachOut(Out):
    outreach_id: str
    member_id: str
    action: str
    note: str | None
    by: str
    at: str
    churn: ChurnWhenActed | None  # the member's churn score when staff acted (None: not scored yet)
    outcome: str | None
    outcome_at: str | None
    outcome_by: str | None


@dataclass(frozen=True)
class ChurnSnapshot:
    """The member's churn score in force when staff acted, copied from the score as stored."""

    probability: float
    tier: str | None = None
    model_version: str | None = None
    scored_at: str | None = None  # the score's own stamp, copied as the scoring run wrote it


@dataclass(frozen=True)
class Outreach:
    member_id: str
    outreach_id: str
    action: str
    by: str
    at: datetime
    note_sealed: str | None = None  # sealed by the privacy layer (see note_context)
    churn: ChurnSnapshot | None = None
    outcome: str | None = None
    outcome_at: datetime | None = None
    outcome_by: str | None = None


def note_context(member_id: str, outreach_id: str) -> str:
    """What a note's ciphertext is bound to: moved to another member or outreach, it does not open."""
    return f"outreach:{member_id}:{outreach_id}:note"
