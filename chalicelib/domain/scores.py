"""A member's latest score of one model, as batch scoring writes it and the ranked lists read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class MemberScore:
    member_id: str
    model: str
    probability: float  # churn: P(churn); service_demand: the top category's P
    tier: str
    reasons: list[list[Any]]  # [[reason code, text zh, text en, weight], ...] top 3
    outputs: list[list[Any]] | None  # service_demand: [[category, probability], ...] best first
    city: str | None
    worker_group: str | None
    model_version: str
    run_id: str
    scored_at: datetime  # the run's as_of
