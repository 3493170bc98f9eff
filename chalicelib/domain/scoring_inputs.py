"""What online scoring reads about its subjects besides their activity: views the store returns.

`MemberProfile` carries the members-item fields the features read, in the form the features take
(`created_at` as the stored stamp, as in training data), plus `status` and `city` for the use cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class MemberProfile:
    member_id: str
    status: str | None
    city: str | None
    worker_group: str | None
    employer_id: str | None
    membership_status: str | None
    created_at: str | None

    @property
    def erased(self) -> bool:
        return self.status == "erased"


@dataclass(frozen=True)
class EmployerFacts:
    employer_id: str
    name_zh: str
    name_en: str
    industry: str
    has_union: bool


@dataclass(frozen=True)
class TierOverride:
    """An admin's tier thresholds for a model, in force instead of its card's."""

    model: str
    medium: float
    high: float
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class ProfilingChoice:
    """A member's choice about profiling; `updated_at` None: never chosen (profiling allowed)."""

    allowed: bool
    updated_at: datetime | None
