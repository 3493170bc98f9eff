"""Fit a booster deterministically and write it as chalicelib/models/<name>/model.ubj + card.json."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from chalicelib.scoring.features import FEATURE_SETS, feature_hash
from ml.evaluate import histogram

MODELS_DIR = Path(__file__).resolve().parent.parent / "chalicelib" / "models"
# One thread per model: bit-for-bit the same trees on any machine, and no OpenMP spinning when the
# cores are busy (2 threads were 10x slower than 1 on a loaded 2-core box). train_all runs two
# models at a time in separate processes instead.
COMMON_PARAMS: dict[str, Any] = {"tree_method": "hist", "max_bin": 256, "seed": 0, "nthread": 1}


def fit(
    params: dict[str, Any],
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_valid: np.ndarray,
    y_valid: np.ndarray,
    names: tuple[str, ...],
    *,
    rounds: int = 2000,
    early_stopping: int = 100,
) -> Any:
    """Boost with early stopping on the validation rows; returns the booster cut at its best round."""
    import xgboost as xgb

    full = {**COMMON_PARAMS, **params}
    train = xgb.DMatrix(x_train, label=y_train, feature_names=list(names), nthread=full["nthread"])
    valid = xgb.DMatrix(x_valid, label=y_valid, feature_names=list(names), nthread=full["nthread"])
    booster = xgb.train(
        full,
        train,
        num_boost_round=rounds,
        evals=[(valid, "valid")],
        early_stopping_rounds=early_stopping,
        verbose_eval=False,
    )
    return booster[: booster.best_iteration + 1]


def feature_distributions(x: np.ndarray, names: tuple[str, ...]) -> dict[str, dict[str, list[float]]]:
    return {name: histogram(x[:, i]) for i, name in enumerate(names)}


def build_card(
    name: str,
    *,
    feature_set: str,
    booster: Any,
    params: dict[str, Any],
    data: dict[str, Any],
    metrics: dict[str, Any],
    thresholds: dict[str, float] | None,
    x_train: np.ndarray,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    import xgboost as xgb

    names = FEATURE_SETS[feature_set]
    raw = bytes(booster.save_raw("ubj"))
    today = datetime.now(UTC).date().isoformat()
    return {
        "name": name,
        "version": f"{name}-{today}-{hashlib.sha256(raw).hexdigest()[:8]}",
        "trained_at": today,
        "xgboost_version": xgb.__version__,
        "feature_set": feature_set,
        "feature_names": list(names),
        "feature_hash": feature_hash(names),
        "params": {**COMMON_PARAMS, **params, "num_boosted_rounds": booster.num_boosted_rounds()},
        "data": data,
        "metrics": metrics,
        "thresholds": thresholds,
        **(extra or {}),
        "feature_distributions": feature_distributions(x_train, names),
    }


def write(name: str, booster: Any, card: dict[str, Any], models_dir: Path = MODELS_DIR) -> Path:
    """model.ubj + card.json under models_dir/<name>/ (the card also records the model file's hash)."""
    target = models_dir / name
    target.mkdir(parents=True, exist_ok=True)
    raw = bytes(booster.save_raw("ubj"))
    (target / "model.ubj").write_bytes(raw)
    card = {**card, "model_sha256": hashlib.sha256(raw).hexdigest(), "model_bytes": len(raw)}
    (target / "card.json").write_text(json.dumps(card, ensure_ascii=False, indent=1) + "\n")
    return target
