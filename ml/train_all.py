"""`make models`: retrain all four models and write chalicelib/models/* and ml/reports/*.

Two worker processes, one xgboost thread each (deterministic, and both cores busy): churn and
service demand share the member population, labour risk and station demand run beside them.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any


def _members_models() -> list[dict[str, Any]]:
    from ml import train_churn, train_services

    return [train_churn.train(), train_services.train()]


def _other_models() -> list[dict[str, Any]]:
    from ml import train_labour, train_stations

    return [train_labour.train(), train_stations.train()]


def summary(card: dict[str, Any]) -> dict[str, Any]:
    m = card["metrics"]
    if "oracle_ratio" in m:
        return {
            "auc": m["auc"],
            "oracle_ratio": m["oracle_ratio"],
            "gain_vs_logreg_ci95": m["auc_gain_over_logreg_ci95"],
            "brier": m["brier"],
        }
    if "per_category" in m:
        return {"mean_oracle_ratio": m["mean_oracle_ratio"], "precision_at_3": m["precision_at_3"]}
    return {"mae": m["mae"], "poisson_deviance": m["poisson_deviance"]}


def main() -> int:
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        jobs = [pool.submit(_members_models), pool.submit(_other_models)]
        cards = [card for job in jobs for card in job.result()]
    for card in cards:
        print(f"{card['version']}: {json.dumps(summary(card))}")
    print(f"make models: {len(cards)} models in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
