"""What the scoring routes answer (response models)."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.base import Out


class ReasonOut(Out):
    code: str
    text: str
    action: str | None = None  # a suggested staff action (staff views only)
    weight: float  # the reason's summed contribution (log-odds or log-count)


class RiskOut(Out):
    probability: float
    tier: str  # low | medium | high (thresholds chosen on validation data, in the card)
    reasons: list[ReasonOut]
    model_version: str


class DemandOut(Out):
    category: str
    name: str
    probability: float
    reasons: list[ReasonOut]


class MemberScoresOut(Out):
    member_id: str
    as_of: str
    profiling_allowed: bool
    churn: RiskOut | None
    service_demand: list[DemandOut]
    service_demand_model_version: str


class InsightsOut(Out):
    """PIPL art. 24: the member's own automated assessment, explained."""

    profiling_allowed: bool
    as_of: str
    summary: str
    engagement: RiskOut | None
    likely_needs: list[DemandOut]
    how_to_opt_out: str


class RecommendedService(Out):
    key: str
    title: str
    category: str
    score: float
    why: str


class RecommendedStation(Out):
    station_id: str
    name: str
    city: str
    score: float
    expected_bookings_next_7_days: float
    why: str


class RecommendationsOut(Out):
    personalised: bool
    services: list[RecommendedService]
    stations: list[RecommendedStation]


class SlotForecast(Out):
    slot_start: str
    slot_start_local: str
    expected_bookings: float
    seats: int
    suggested_seats: int
    expected_utilisation: float


class StationForecastOut(Out):
    station_id: str
    as_of: str
    days: int
    model_version: str
    expected_bookings_total: float
    seats_total: int
    slots: list[SlotForecast]


class EmployerRiskOut(Out):
    employer_id: str
    name: str
    as_of: str
    risk: RiskOut
    inputs: dict[str, Any]


class PrivacyChoice(Out):
    profiling: bool
    updated_at: str
