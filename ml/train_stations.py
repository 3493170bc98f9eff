"""Station demand (驿站需求预测): expected bookings per station slot next week, one global count:poisson
model with station features and same-slot lags, against a seasonal-naive baseline (same slot last
week). `python -m ml.train_stations`"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

from chalicelib.scoring.features import STATION_FEATURES
from ml import artifacts, datasets, report
from ml.artifacts import MODELS_DIR
from ml.evaluate import poisson_deviance
from ml.report import REPORTS_DIR

PARAMS: dict[str, Any] = {
    "objective": "count:poisson",
    "eval_metric": "poisson-nloglik",
    "max_depth": 4,
    "eta": 0.15,
    "subsample": 0.8,
    "colsample_bytree": 0.8,
    "min_child_weight": 5,
}
NAIVE_FLOOR = 0.5  # a Poisson deviance needs a positive mean: the naive forecast is floored here
TRUTH = """Each station has a popularity level that drifts week by week, an hour-of-day and weekday profile
of its kind (rider stations peak at lunch and dinner, Workers' Homes in the evening and at weekends),
persistent station-hour offsets, and day- and slot-level shocks nobody can foresee. Bookings are
Poisson draws capped at the seats; the truth is E[min(Poisson(rate), seats)]."""


def _station_split(n_stations: int, seed: int) -> datasets.Split:
    return datasets.split(n_stations, seed + 3)


def train(
    cfg: datasets.Config = datasets.FULL,
    *,
    models_dir: Path | None = MODELS_DIR,
    reports_dir: Path | None = REPORTS_DIR,
) -> dict[str, Any]:
    rows, _ = datasets.stations(cfg)
    by_station = _station_split(cfg.stations, cfg.seed)
    tr, va, te = (np.isin(rows.station, s) for s in (by_station.train, by_station.valid, by_station.test))
    x, y = rows.x, rows.booked.astype(np.float32)
    booster = artifacts.fit(PARAMS, x[tr], y[tr], x[va], y[va], STATION_FEATURES)
    pred = booster.inplace_predict(x[te])
    yt, ot = y[te], rows.expected[te]
    naive = x[te, STATION_FEATURES.index("lag_1w")]
    mean4 = x[te, STATION_FEATURES.index("lag_mean_4w")]
    mae = {
        k: round(float(np.abs(yt - v).mean()), 4)
        for k, v in (("model", pred), ("oracle", ot), ("seasonal_naive", naive), ("mean_of_4_weeks", mean4))
    }
    deviance = {
        k: round(poisson_deviance(yt, v), 4)
        for k, v in (
            ("model", pred),
            ("oracle", ot),
            ("seasonal_naive", np.maximum(naive, NAIVE_FLOOR)),
            ("mean_of_4_weeks", np.maximum(mean4, NAIVE_FLOOR)),
        )
    }
    hours = x[te, STATION_FEATURES.index("hour")]
    by_hour = [
        {
            "hour": int(h),
            "actual": round(float(yt[hours == h].mean()), 3),
            "model": round(float(pred[hours == h].mean()), 3),
            "oracle": round(float(ot[hours == h].mean()), 3),
            "seasonal_naive": round(float(naive[hours == h].mean()), 3),
        }
        for h in np.unique(hours)
    ]
    metrics = {
        "test_rows": int(te.sum()),
        "test_stations": len(by_station.test),
        "mean_bookings": round(float(yt.mean()), 4),
        "mae": mae,
        "poisson_deviance": deviance,
        "naive_floor_for_deviance": NAIVE_FLOOR,
        "mae_skill_vs_naive": round(1 - mae["model"] / mae["seasonal_naive"], 4),
        "mae_gap_to_oracle": round(mae["model"] / mae["oracle"], 4),
        "by_hour": by_hour,
    }
    data = {
        "generator": "ml.synth",
        "seed": cfg.seed,
        "config": cfg.describe(),
        "rows": {"train": int(tr.sum()), "valid": int(va.sum()), "test": int(te.sum())},
        "data_hash": datasets.data_hash(x[tr], y[tr]),
    }
    card = artifacts.build_card(
        "station_demand",
        feature_set="station",
        booster=booster,
        params=PARAMS,
        data=data,
        metrics=metrics,
        thresholds=None,
        x_train=x[tr],
        extra={"seat_suggestion": {"quantile": 0.9}},
    )
    if models_dir is not None:
        artifacts.write("station_demand", booster, card, models_dir)
    if reports_dir is not None:
        _report(card, booster, reports_dir)
    return card


def _report(card: dict[str, Any], booster: Any, reports_dir: Path) -> None:
    m = card["metrics"]
    reports_dir.mkdir(parents=True, exist_ok=True)
    report.line_plot(
        reports_dir / "station_demand_by_hour.png",
        [r["hour"] for r in m["by_hour"]],
        {k: [r[k] for r in m["by_hour"]] for k in ("actual", "model", "oracle", "seasonal_naive")},
        "station demand: mean bookings per slot by hour (test stations)",
        "hour",
        "bookings per slot",
    )
    gains = report.importance_plot(reports_dir / "station_demand_importance.png", booster, "station demand: importance")
    table = [{"forecast": k, "MAE": m["mae"][k], "Poisson deviance": m["poisson_deviance"][k]} for k in m["mae"]]
    sections = [
        f"Model `{card['version']}` · xgboost {card['xgboost_version']} · {card['params']['num_boosted_rounds']} trees · "
        f"features `{card['feature_hash']}` · rows {card['data']['rows']} (split by station)",
        "## Truth\n\n" + TRUTH,
        "## Accuracy on held-out stations\n\n"
        + report.md_table(table)
        + f"\n\nMAE skill vs seasonal naive: {m['mae_skill_vs_naive']} · model MAE / oracle MAE: {m['mae_gap_to_oracle']}"
        f" · naive forecasts floored at {m['naive_floor_for_deviance']} for the deviance",
        "## By hour of day\n\n" + report.md_table(m["by_hour"]),
        "## Most important features\n\n" + ", ".join(f"`{n}`" for n, _ in gains[:10]),
    ]
    report.write(
        "station_demand",
        "Station demand per slot (驿站需求预测)",
        sections,
        [("by hour", "station_demand_by_hour.png"), ("feature importance", "station_demand_importance.png")],
        reports_dir,
    )


if __name__ == "__main__":
    card = train()
    print(card["version"], card["metrics"]["mae"], card["metrics"]["poisson_deviance"], file=sys.stderr)
