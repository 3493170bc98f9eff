"""Service demand per member (会员需求预测): which service categories a member uses in the next 30 days.
One multi-label XGBoost model (one output per category). `python -m ml.train_services`"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

from chalicelib.scoring.features import MEMBER_FEATURES, SERVICE_CATEGORIES
from ml import artifacts, datasets, report
from ml.artifacts import MODELS_DIR
from ml.evaluate import auc, brier, calibration_table, logistic_baseline, precision_at_k
from ml.report import REPORTS_DIR

PARAMS: dict[str, Any] = {
    "objective": "binary:logistic",
    "multi_strategy": "one_output_per_tree",
    "eval_metric": "logloss",
    "max_depth": 3,
    "eta": 0.08,
    "subsample": 0.8,
    "colsample_bytree": 0.8,
    "min_child_weight": 5,
}
TRUTH = """Each member has a hidden need per category (centred on their worker group's needs) that shows in
the records only through rare Poisson request counts. The true 30-day probability of each category is a
logistic function of that need and the member's hidden engagement; rights help also rises with the
employer's hidden dispute propensity and wage arrears, certification follows training interest,
hardship aid goes to members and to the less engaged, health services to long-serving workers."""


def train(
    cfg: datasets.Config = datasets.FULL,
    *,
    models_dir: Path | None = MODELS_DIR,
    reports_dir: Path | None = REPORTS_DIR,
) -> dict[str, Any]:
    x, pop = datasets.members(cfg)
    parts = datasets.split(len(x), cfg.seed)
    tr, va, te = parts.train, parts.valid, parts.test
    y = pop.service.astype(np.float32)
    booster = artifacts.fit(PARAMS, x[tr], y[tr], x[va], y[va], MEMBER_FEATURES)
    pred = booster.inplace_predict(x[te])
    logreg = np.column_stack(
        [logistic_baseline(x[tr], y[tr, c]).predict_proba(x[te])[:, 1] for c in range(len(SERVICE_CATEGORIES))]
    )
    yt, ot = y[te], pop.p_service[te]
    per_category = {}
    for c, cat in enumerate(SERVICE_CATEGORIES):
        model_auc, oracle_auc = auc(yt[:, c], pred[:, c]), auc(yt[:, c], ot[:, c])
        per_category[cat] = {
            "base_rate": round(float(yt[:, c].mean()), 4),
            "auc_model": round(model_auc, 4),
            "auc_oracle": round(oracle_auc, 4),
            "oracle_ratio": round(model_auc / oracle_auc, 4),
            "auc_logistic_regression": round(auc(yt[:, c], logreg[:, c]), 4),
            "brier_model": round(brier(yt[:, c], pred[:, c]), 4),
            "brier_oracle": round(brier(yt[:, c], ot[:, c]), 4),
        }
    rates = y[tr].mean(axis=0)
    popularity = np.tile(rates, (len(te), 1))
    metrics = {
        "test_rows": int(len(te)),
        "per_category": per_category,
        "mean_oracle_ratio": round(float(np.mean([v["oracle_ratio"] for v in per_category.values()])), 4),
        "precision_at_3": {
            "model": round(precision_at_k(yt, pred), 4),
            "oracle": round(precision_at_k(yt, ot), 4),
            "logistic_regression": round(precision_at_k(yt, logreg), 4),
            "popularity": round(precision_at_k(yt, popularity), 4),
        },
        "calibration_pooled": calibration_table(yt.ravel(), pred.ravel(), ot.ravel()),
    }
    data = {
        "generator": "ml.synth",
        "seed": cfg.seed,
        "config": cfg.describe(),
        "rows": parts.sizes(),
        "data_hash": datasets.data_hash(x[tr], y[tr]),
    }
    extra = {
        "outputs": list(SERVICE_CATEGORIES),
        "population_rates": {cat: round(float(r), 4) for cat, r in zip(SERVICE_CATEGORIES, rates, strict=True)},
    }
    card = artifacts.build_card(
        "service_demand",
        feature_set="member",
        booster=booster,
        params=PARAMS,
        data=data,
        metrics=metrics,
        thresholds=None,
        x_train=x[tr],
        extra=extra,
    )
    if models_dir is not None:
        artifacts.write("service_demand", booster, card, models_dir)
    if reports_dir is not None:
        _report(card, booster, yt, pred, ot, logreg, reports_dir)
    return card


def _report(
    card: dict[str, Any],
    booster: Any,
    y: np.ndarray,
    pred: np.ndarray,
    oracle: np.ndarray,
    logreg: np.ndarray,
    reports_dir: Path,
) -> None:
    m = card["metrics"]
    reports_dir.mkdir(parents=True, exist_ok=True)
    plt = report._pyplot()
    fig, axes = plt.subplots(1, len(SERVICE_CATEGORIES), figsize=(3.2 * len(SERVICE_CATEGORIES), 3.4))
    from ml.evaluate import roc_points

    for c, (ax, cat) in enumerate(zip(axes, SERVICE_CATEGORIES, strict=True)):
        for label, score, style in (
            ("XGBoost", pred[:, c], "-"),
            ("oracle", oracle[:, c], "--"),
            ("logistic", logreg[:, c], ":"),
        ):
            ax.plot(*roc_points(y[:, c], score), style, label=label)
        ax.plot([0, 1], [0, 1], color="grey", linewidth=0.5)
        ax.set(title=cat, xlabel="FPR")
    axes[0].set_ylabel("TPR")
    axes[0].legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(reports_dir / "service_demand_roc.png", dpi=80)
    plt.close(fig)
    report.calibration_plot(
        reports_dir / "service_demand_calibration.png",
        m["calibration_pooled"],
        "service demand: calibration (all categories)",
    )
    gains = report.importance_plot(reports_dir / "service_demand_importance.png", booster, "service demand: importance")
    rows = [{"category": cat, **v} for cat, v in m["per_category"].items()]
    p3 = [{"ranking": k, "precision@3": v} for k, v in m["precision_at_3"].items()]
    sections = [
        f"Model `{card['version']}` · xgboost {card['xgboost_version']} · {card['params']['num_boosted_rounds']} rounds × "
        f"{len(SERVICE_CATEGORIES)} outputs · features `{card['feature_hash']}` · rows {card['data']['rows']}",
        "## Truth\n\n" + TRUTH,
        "## Per category (test set)\n\n"
        + report.md_table(rows)
        + f"\n\nMean AUC / oracle AUC: {m['mean_oracle_ratio']}",
        "## Recommendations: precision@3\n\nShare of each member's top three categories that they used in the next "
        "30 days.\n\n" + report.md_table(p3),
        "## Calibration (all categories pooled, deciles)\n\n" + report.md_table(m["calibration_pooled"]),
        "## Most important features\n\n" + ", ".join(f"`{n}`" for n, _ in gains[:10]),
    ]
    report.write(
        "service_demand",
        "Service demand per member (会员需求预测)",
        sections,
        [
            ("ROC per category", "service_demand_roc.png"),
            ("calibration", "service_demand_calibration.png"),
            ("feature importance", "service_demand_importance.png"),
        ],
        reports_dir,
    )


if __name__ == "__main__":
    card = train()
    print(card["version"], card["metrics"]["mean_oracle_ratio"], card["metrics"]["precision_at_3"], file=sys.stderr)
