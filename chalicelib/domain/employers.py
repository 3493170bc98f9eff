"""An employer as the rest of the system sees it (membership, cases, labour risk)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Employer:
    employer_id: str
    name_zh: str
    name_en: str
    city: str
    industry: str
    has_union: bool = False
