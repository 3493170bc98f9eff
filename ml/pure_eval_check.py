"""Evidence for the deployment note: a pure-Python evaluator of the packaged forests (no numpy, no
xgboost) against xgboost itself, for single-row online scoring. Not used by serving.

`python -m ml.pure_eval_check` prints, per model, the largest difference in margin over fresh rows
and the latency of one row, pure Python vs xgboost.
"""
from __future__ import annotations

import json
import math
import statistics
import struct
import time
from typing import Any


def _f32(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def load_forest(model_json: dict[str, Any]) -> tuple[list[float], list[tuple[int, list[Any]]]]:
    """(base margin per output, [(output, tree)]) from xgboost's JSON model."""
    learner = model_json["learner"]
    raw = learner["learner_model_param"]["base_score"]
    base = [float(v) for v in raw.strip("[]").split(",")]
    objective = learner["objective"]["name"]
    link = (lambda p: math.log(p / (1 - p))) if objective.startswith("binary:") else math.log
    trees = []
    model = learner["gradient_booster"]["model"]
    for output, tree in zip(model["tree_info"], model["trees"], strict=True):
        nodes = list(zip(tree["left_children"], tree["right_children"], tree["split_indices"],
                         [_f32(c) for c in tree["split_conditions"]], tree["default_left"], strict=True))
        trees.append((output, nodes))
    return [link(b) for b in base], trees


def margins(forest: tuple[list[float], list[tuple[int, list[Any]]]], row: list[float]) -> list[float]:
    out = list(forest[0])
    for output, nodes in forest[1]:
        i = 0
        while True:
            left, right, feature, cond, default_left = nodes[i]
            if left == -1:
                out[output] += cond                     # a leaf keeps its value in split_conditions
                break
            x = row[feature]
            i = (left if default_left else right) if x != x else (left if x < cond else right)
    return out


def check(name: str, x: Any) -> dict[str, float]:
    from chalicelib.scoring import model

    loaded = model.get(name)
    forest = load_forest(json.loads(bytes(loaded.booster.save_raw("json"))))
    import xgboost as xgb

    expected = loaded.booster.predict(xgb.DMatrix(x, feature_names=list(loaded.feature_names)), output_margin=True)
    expected = expected.reshape(len(x), -1)
    rows = x.astype(float).tolist()
    worst = max(abs(a - b) for row, exp in zip(rows, expected, strict=True) for a, b in zip(margins(forest, row), exp,
                                                                                            strict=True))
    timings = []
    for row in rows[:300]:
        started = time.perf_counter()
        margins(forest, row)
        timings.append((time.perf_counter() - started) * 1e6)
    xgb_times = []
    for i in range(300):
        started = time.perf_counter()
        loaded.predict(x[i:i + 1])
        xgb_times.append((time.perf_counter() - started) * 1e6)
    return {"rows": len(rows), "max_abs_margin_diff": float(worst), "pure_python_us_p50": round(statistics.median(timings), 1),
            "xgboost_inplace_us_p50": round(statistics.median(xgb_times), 1), "trees": len(forest[1])}


def main() -> None:
    from ml import datasets

    cfg = datasets.Config(seed=3, members=3000, employers=3000, stations=20)
    members, _ = datasets.members(cfg)
    employers, _ = datasets.employers(cfg)
    stations, _ = datasets.stations(cfg)
    for name, x in (("churn", members), ("service_demand", members), ("labour_risk", employers),
                    ("station_demand", stations.x[:3000])):
        print(name, json.dumps(check(name, x)))


if __name__ == "__main__":
    main()
