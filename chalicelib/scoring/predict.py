"""One prediction with its tier and reasons, for a single subject (online scoring)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chalicelib.scoring.model import LoadedModel
from chalicelib.scoring.reasons import Family, Reason, top_reasons
from chalicelib.scoring.views import ReasonOut, RiskOut

TIERS = ("low", "medium", "high")


def tier_of(probability: float, thresholds: Mapping[str, float] | None) -> str:
    """The card's validation-chosen cut-offs: >= high -> high, >= medium -> medium, else low."""
    if not thresholds:
        return "low"
    if probability >= thresholds["high"]:
        return "high"
    return "medium" if probability >= thresholds["medium"] else "low"


def row_values(x: Any, names: Sequence[str]) -> dict[str, float]:
    return {n: float(v) for n, v in zip(names, x[0], strict=True)}


def reason_views(reasons: Sequence[Reason], lang: str, *, with_action: bool) -> list[ReasonOut]:
    return [ReasonOut(**r.shown(lang, with_action=with_action)) for r in reasons]


def risk(
    model: LoadedModel,
    x: Any,
    families: Sequence[Family],
    lang: str,
    *,
    thresholds: Mapping[str, float],
    with_action: bool = True,
) -> RiskOut:
    """Probability, tier (cut at `thresholds`, the ones in force) and top-3 reasons of a binary model for one row."""
    probability = float(model.predict(x)[0])
    contributions = model.contributions(x)[0][:-1]
    reasons = top_reasons(contributions, row_values(x, model.feature_names), families, model.feature_names)
    return RiskOut(
        probability=round(probability, 4),
        tier=tier_of(probability, thresholds),
        reasons=reason_views(reasons, lang, with_action=with_action),
        model_version=model.version,
    )


def per_output(
    model: LoadedModel, x: Any, families: Sequence[Family], *, k: int = 2
) -> list[tuple[float, list[Reason]]]:
    """(probability, reasons) for each output of a multi-label model, in the card's output order."""
    probabilities = model.predict(x)[0]
    contributions = model.contributions(x)[0]
    values = row_values(x, model.feature_names)
    return [
        (float(p), top_reasons(contributions[i][:-1], values, families, model.feature_names, k=k))
        for i, p in enumerate(probabilities)
    ]
