"""Model cards as admins and tiering read them: JSON files beside the models (no xgboost), and the
tier thresholds a card chose on validation data.

Models whose card has none (service_demand, whose stored probability is its most likely category's)
use DEFAULT_THRESHOLDS: medium from 0.25, high from 0.40 - about the top 30 % and top 10 % of members
on the synthetic population, the same shares the churn card's tiers were chosen for.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from chalicelib.domain.errors import FieldIssue
from chalicelib.domain.scoring_errors import ThresholdsBad
from chalicelib.scoring import model

DEFAULT_THRESHOLDS: dict[str, float] = {"medium": 0.25, "high": 0.40}


def card(name: str) -> dict[str, Any] | None:
    """The card of a packaged model (from the registry's directory), or None."""
    path = Path(model.registry().directory) / name / "card.json"
    try:
        return _read_card(str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        return None


_card_cache: dict[tuple[str, int], dict[str, Any]] = {}


def _read_card(path: str, mtime: int) -> dict[str, Any]:
    key = (path, mtime)  # a rewritten card (make retrain) is read again
    if key not in _card_cache:
        _card_cache[key] = json.loads(Path(path).read_text())
    return _card_cache[key]


def model_bytes(name: str, c: dict[str, Any]) -> int | None:
    """The artifact's size: from its card, else from the file."""
    size = c.get("model_bytes")
    if size is None:
        path = Path(model.registry().directory) / name / "model.ubj"
        size = path.stat().st_size if path.exists() else None
    return size


def card_thresholds(name: str) -> dict[str, float]:
    found = (card(name) or {}).get("thresholds")
    return {"medium": float(found["medium"]), "high": float(found["high"])} if found else dict(DEFAULT_THRESHOLDS)


def has_tiers(c: dict[str, Any]) -> bool:
    """Only models that output probabilities (binary objectives) have tiers."""
    return str(c.get("params", {}).get("objective", "")).startswith("binary:")


def check(medium: float, high: float) -> None:
    """0 < medium < high < 1, else 422 naming the field."""
    issues = []
    for field, value in (("medium", medium), ("high", high)):
        if not 0 < value < 1:
            issues.append(
                FieldIssue(field, "out_of_range", "须大于 0 且小于 1", "must be greater than 0 and less than 1")
            )
    if not issues and not medium < high:
        issues.append(FieldIssue("medium", "not_below_high", "须小于 high", "must be less than high"))
    if issues:
        raise ThresholdsBad(details=issues)
