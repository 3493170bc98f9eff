"""Train, evaluate against the oracle and baselines, and package a binary risk model (churn, labour risk)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from chalicelib.scoring.features import FEATURE_SETS
from ml import artifacts, report
from ml.datasets import Config, Split, data_hash
from ml.evaluate import (
    auc,
    auc_gain_ci,
    brier,
    calibration_table,
    logistic_baseline,
    tier_outcomes,
    tier_thresholds,
)

BINARY_PARAMS: dict[str, Any] = {
    "objective": "binary:logistic",
    "eval_metric": "logloss",
    "max_depth": 4,
    "eta": 0.08,
    "subsample": 0.8,
    "colsample_bytree": 0.8,
    "min_child_weight": 5,
}


def train_binary(
    name: str,
    title: str,
    *,
    feature_set: str,
    x: np.ndarray,
    y: np.ndarray,
    truth: np.ndarray,
    parts: Split,
    rule: tuple[str, np.ndarray],
    cfg: Config,
    truth_text: str,
    params: dict[str, Any] | None = None,
    models_dir: Path | None = None,
    reports_dir: Path | None = None,
) -> dict[str, Any]:
    """Fit, measure on the test rows, choose tiers on the validation rows; write the artifact and the
    report unless both directories are None. Returns the card."""
    names = FEATURE_SETS[feature_set]
    tr, va, te = parts.train, parts.valid, parts.test
    params = {**BINARY_PARAMS, **(params or {})}
    booster = artifacts.fit(params, x[tr], y[tr], x[va], y[va], names)
    pred = booster.inplace_predict(x)
    logreg = logistic_baseline(x[tr], y[tr]).predict_proba(x)[:, 1]
    rule_name, rule_score = rule
    yt, pt, ot, lt = y[te], pred[te], truth[te], logreg[te]
    aucs = {
        "model": auc(yt, pt),
        "oracle": auc(yt, ot),
        "logistic_regression": auc(yt, lt),
        rule_name: auc(yt, rule_score[te]),
    }
    thresholds = tier_thresholds(pred[va])
    metrics = {
        "test_rows": int(len(te)),
        "base_rate": round(float(yt.mean()), 4),
        "auc": {k: round(v, 4) for k, v in aucs.items()},
        "oracle_ratio": round(aucs["model"] / aucs["oracle"], 4),
        "auc_gain_over_logreg_ci95": auc_gain_ci(yt, pt, lt),
        "brier": {
            "model": round(brier(yt, pt), 4),
            "oracle": round(brier(yt, ot), 4),
            "logistic_regression": round(brier(yt, lt), 4),
        },
        "calibration": calibration_table(yt, pt, ot),
        "tiers_on_test": tier_outcomes(yt, pt, ot, thresholds),
    }
    data = {
        "generator": "ml.synth",
        "seed": cfg.seed,
        "config": cfg.describe(),
        "rows": parts.sizes(),
        "data_hash": data_hash(x[tr], y[tr].astype(np.float32)),
    }
    card = artifacts.build_card(
        name,
        feature_set=feature_set,
        booster=booster,
        params=params,
        data=data,
        metrics=metrics,
        thresholds=thresholds,
        x_train=x[tr],
    )
    if models_dir is not None:
        artifacts.write(name, booster, card, models_dir)
    if reports_dir is not None:
        _report(
            name,
            title,
            booster,
            card,
            yt,
            {"XGBoost": pt, "oracle (true p)": ot, "logistic regression": lt, rule_name: rule_score[te]},
            truth_text,
            reports_dir,
        )
    return card


def _report(
    name: str,
    title: str,
    booster: Any,
    card: dict[str, Any],
    y: np.ndarray,
    curves: dict[str, np.ndarray],
    truth_text: str,
    reports_dir: Path,
) -> None:
    m = card["metrics"]
    reports_dir.mkdir(parents=True, exist_ok=True)
    report.roc_plot(reports_dir / f"{name}_roc.png", y, curves, f"{name}: ROC on the test set")
    report.calibration_plot(reports_dir / f"{name}_calibration.png", m["calibration"], f"{name}: calibration")
    gains = report.importance_plot(reports_dir / f"{name}_importance.png", booster, f"{name}: feature importance")
    rule = [k for k in m["auc"] if k not in ("model", "oracle", "logistic_regression")][0]
    rows = [
        {
            "scorer": "XGBoost (this model)",
            "ROC-AUC": m["auc"]["model"],
            "AUC / oracle AUC": m["oracle_ratio"],
            "Brier": m["brier"]["model"],
        },
        {
            "scorer": "oracle (the generator's true probability)",
            "ROC-AUC": m["auc"]["oracle"],
            "AUC / oracle AUC": 1.0,
            "Brier": m["brier"]["oracle"],
        },
        {
            "scorer": "logistic regression, same features",
            "ROC-AUC": m["auc"]["logistic_regression"],
            "AUC / oracle AUC": round(m["auc"]["logistic_regression"] / m["auc"]["oracle"], 4),
            "Brier": m["brier"]["logistic_regression"],
        },
        {
            "scorer": f"rule: {rule}",
            "ROC-AUC": m["auc"][rule],
            "AUC / oracle AUC": round(m["auc"][rule] / m["auc"]["oracle"], 4),
            "Brier": None,
        },
    ]
    tiers = [{"tier": t, **v} for t, v in m["tiers_on_test"].items()]
    sections = [
        f"Model `{card['version']}` · xgboost {card['xgboost_version']} · {card['params']['num_boosted_rounds']} trees · "
        f"features `{card['feature_hash']}` ({len(card['feature_names'])}) · data seed {card['data']['seed']}, "
        f"rows {card['data']['rows']} · test base rate {m['base_rate']}",
        "## Truth\n\n" + truth_text,
        "## Discrimination (test set)\n\n"
        + report.md_table(rows)
        + f"\n\nAUC gain over logistic regression, paired bootstrap 95 % interval: {m['auc_gain_over_logreg_ci95']}",
        "## Calibration (deciles of the prediction, test set)\n\n" + report.md_table(m["calibration"]),
        f"## Tiers\n\nChosen on the validation set (top 10 % high, next 20 % medium): {card['thresholds']}\n\n"
        + report.md_table(tiers),
        "## Most important features (total gain)\n\n" + ", ".join(f"`{n}`" for n, _ in gains[:10]),
    ]
    report.write(
        name,
        title,
        sections,
        [
            ("ROC", f"{name}_roc.png"),
            ("calibration", f"{name}_calibration.png"),
            ("feature importance", f"{name}_importance.png"),
        ],
        reports_dir,
    )
