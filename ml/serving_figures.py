"""Serving figures for `make bench` and the model cards' readers: model load time, one-member online
scoring (featurize + predict + exact reasons) vs one raw predict, batch featurize + predict vs raw
`inplace_predict` on a ready matrix. `python -m ml.serving_figures [members]` prints JSON."""
from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from chalicelib.scoring import features as F
from chalicelib.scoring import model


def _timed(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1e6)
    samples.sort()
    return {"p50_us": round(statistics.median(samples), 1), "p95_us": round(samples[int(0.95 * (len(samples) - 1))], 1)}


def figures(members: int = 100_000, repeat: int = 300) -> dict[str, Any]:
    from ml import datasets, synth

    cfg = datasets.Config(seed=7, members=members, employers=20_000, stations=10)
    employers = synth.make_employers(cfg.employers, cfg.seed)
    pop = synth.make_members(members, cfg.seed, employers)
    import xgboost  # noqa: F401  (imported once per container; not part of loading a model)

    loads = {}
    for name in model.MODEL_NAMES:
        fresh = model.ModelRegistry(model.registry().directory)
        loads[name] = round(fresh.get(name).load_ms, 2)
    churn = model.get("churn")
    profile, record = pop.items[0], pop.records[0]
    one = F.member_matrix([profile], [record], synth.AS_OF)
    online = {
        "featurize_one": _timed(lambda: F.member_matrix([profile], [record], synth.AS_OF), repeat),
        "raw_predict_one": _timed(lambda: churn.predict(one), repeat),
        "exact_contribs_one": _timed(lambda: churn.contributions(one, exact=True), repeat),
        "approx_contribs_one": _timed(lambda: churn.contributions(one, exact=False), repeat),
        "score_one_with_reasons": _timed(lambda: churn.contributions(F.member_matrix([profile], [record], synth.AS_OF)),
                                         repeat),
    }
    started = time.perf_counter()
    x = F.member_matrix(pop.items, pop.records, synth.AS_OF)
    featurize_s = time.perf_counter() - started
    started = time.perf_counter()
    churn.booster.set_param({"nthread": 2})
    churn.predict(x)
    predict_s = time.perf_counter() - started
    churn.booster.set_param({"nthread": 1})
    return {"model_load_ms": loads, "online_churn": online,
            "batch": {"members": members, "featurize_s": round(featurize_s, 3), "raw_inplace_predict_s": round(predict_s, 3),
                      "featurize_plus_predict_vs_raw": round(predict_s / (featurize_s + predict_s), 3)}}


if __name__ == "__main__":
    print(json.dumps(figures(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000), indent=1))
