"""Serving figures for `make bench` and the model cards' readers: model load time, one-member online
scoring (featurize + predict + exact reasons) vs one raw predict, batch featurize + predict vs raw
predict on a ready matrix (both with the production predictor), and serving's ctypes binding of XGBoost's
C library (native.py) vs the xgboost Python package on the same booster file (one row, 100k rows; same
run, as ratios). `python -m ml.serving_figures [members]` prints JSON.

The command line runs in the environment the segment Lambda is deployed with (infra.queues.segment_environment:
OpenBLAS on one thread, glibc's malloc keeping freed memory), restarting itself with it if need be."""

from __future__ import annotations

import json
import os
import pickle
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from chalicelib.domain.scoring_models import MODEL_NAMES
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


def _interleaved(fns: dict[str, Callable[[], Any]], repeat: int) -> dict[str, list[float]]:
    """Seconds per call of each function, called in turn so that machine load hits all alike."""
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for fn in fns.values():
        fn()
    for _ in range(repeat):
        for name, fn in fns.items():
            started = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - started)
    return samples


def _stats_us(samples: list[float]) -> dict[str, float]:
    ordered = sorted(s * 1e6 for s in samples)
    return {"p50_us": round(statistics.median(ordered), 1), "p95_us": round(ordered[int(0.95 * (len(ordered) - 1))], 1)}


def native_vs_package(x: Any, one: Any, *, repeat: int, bulk_threads: int = 2) -> dict[str, Any]:
    """The churn booster through native.py and through the xgboost package: one row (1 thread, as
    serving) and the whole matrix `x` (`bulk_threads` each), medians of the same run."""
    import xgboost as xgb

    from chalicelib.scoring import native

    raw = (model.PACKAGED_DIR / "churn" / "model.ubj").read_bytes()
    ours, theirs = native.Booster(native.library(), raw, nthread=1), xgb.Booster()
    theirs.load_model(bytearray(raw))
    theirs.set_param({"nthread": 1})
    names = list(model.get("churn").feature_names)
    samples = _interleaved(
        {
            "native_predict_one": lambda: ours.predict(one),
            "package_predict_one": lambda: theirs.inplace_predict(one, validate_features=False),
            "native_exact_contribs_one": lambda: ours.contributions(one),
            "package_exact_contribs_one": lambda: theirs.predict(
                xgb.DMatrix(one, feature_names=names, nthread=1), pred_contribs=True
            ),
        },
        repeat,
    )
    one_row = {name: _stats_us(s) for name, s in samples.items()}
    ours.set_param("nthread", str(bulk_threads))
    theirs.set_param({"nthread": bulk_threads})
    bulk = _interleaved(
        {"native": lambda: ours.predict(x), "package": lambda: theirs.inplace_predict(x, validate_features=False)}, 7
    )
    native_s, package_s = statistics.median(bulk["native"]), statistics.median(bulk["package"])
    return {
        "one_row": one_row,
        "one_row_predict_ratio_p50": round(
            one_row["native_predict_one"]["p50_us"] / one_row["package_predict_one"]["p50_us"], 3
        ),
        "one_row_exact_contribs_ratio_p50": round(
            one_row["native_exact_contribs_one"]["p50_us"] / one_row["package_exact_contribs_one"]["p50_us"], 3
        ),
        "rows": len(x),
        "bulk_threads": bulk_threads,
        "bulk_native_s": round(native_s, 4),
        "bulk_package_s": round(package_s, 4),
        "bulk_ratio": round(native_s / package_s, 3),
    }


PAGE = 1000
ROUNDS = 9


def scan_pages(items: list[dict[str, Any]], records: list[dict[str, Any] | None], as_of: Any) -> list[bytes]:
    """The activity table as a segment's Scan returns it, PAGE items a page, each page serialized (it stands
    for the Scan response): DynamoDB's item format, the weeks before `as_of` compacted into `h`, every
    member's profile mirror `p`."""
    from chalicelib.domain.activity import compacted, pack_profile, week_serial
    from chalicelib.store.bulk import typed_item

    until = week_serial(*F.week_keys(as_of)[0])

    def scanned(profile: dict[str, Any], record: dict[str, Any] | None) -> dict[str, Any]:
        return typed_item(
            {
                **compacted(record or {"member_id": profile["member_id"]}, until),
                "p": pack_profile(**{f: profile.get(f) for f in F.PROFILE_FIELDS}),
            }
        )

    return [
        pickle.dumps([scanned(p, r) for p, r in zip(items[i : i + PAGE], records[i : i + PAGE], strict=True)])
        for i in range(0, len(items), PAGE)
    ]


def batch_figures(pages: list[bytes], as_of: Any, predictor: Any) -> dict[str, Any]:
    """Seconds to featurize every page with `stored_member_matrix` (each page just decoded, as a segment
    featurizes a Scan page it has just received, and its matrix let go after use, as a segment does after
    predicting), and for the production predictor on the ready matrix of all pages; rounds interleaved so
    that load on the box hits both alike, medians. Also the same pages featurized long after they were
    decoded (memory no longer in cache), for comparison."""
    import numpy as np

    featurize, predict, cold = [], [], []
    decoded = [pickle.loads(w) for w in pages]
    x = np.vstack([F.stored_member_matrix(page, as_of) for page in decoded])
    for _ in range(ROUNDS):
        spent, done = 0.0, 0
        for wire in pages:
            page = pickle.loads(wire)
            started = time.perf_counter()
            rows = F.stored_member_matrix(page, as_of)
            spent += time.perf_counter() - started
            x[done : done + len(rows)] = rows  # the ready matrix for the raw predict, outside the timing
            done += len(rows)
        featurize.append(spent)
        started = time.perf_counter()
        predictor.predict(x)
        predict.append(time.perf_counter() - started)
        started = time.perf_counter()
        for page in decoded:
            F.stored_member_matrix(page, as_of)
        cold.append(time.perf_counter() - started)
    return {
        "x": x,
        "featurize_s": statistics.median(featurize),
        "predict_s": statistics.median(predict),
        "featurize_cold_s": statistics.median(cold),
    }


def figures(members: int = 100_000, repeat: int = 300) -> dict[str, Any]:
    from ml import datasets, synth

    cfg = datasets.Config(seed=7, members=members, employers=20_000, stations=10)
    employers = synth.make_employers(cfg.employers, cfg.seed)
    pop = synth.make_members(members, cfg.seed, employers)
    from chalicelib.scoring import native

    started = time.perf_counter()
    native.library()  # once per container (dlopen of libxgboost.so), not per model
    loads = {"c_library": round((time.perf_counter() - started) * 1000, 2)}
    for name in MODEL_NAMES:
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
        "score_one_with_reasons": _timed(
            lambda: churn.contributions(F.member_matrix([profile], [record], synth.AS_OF)), repeat
        ),
    }
    batch = batch_figures(scan_pages(pop.items, pop.records, synth.AS_OF), synth.AS_OF, churn)
    x, featurize_s, predict_s = batch["x"], batch["featurize_s"], batch["predict_s"]
    started = time.perf_counter()
    x_live = F.member_matrix(pop.items, pop.records, synth.AS_OF)
    featurize_live_s = time.perf_counter() - started
    assert (x == x_live).all(), "compacted records with the profile mirror and live records must give the same features"
    versus = native_vs_package(x, one, repeat=repeat)  # imports xgboost: after every serving figure
    online.update(versus["one_row"])
    return {
        "model_load_ms": loads,
        "online_churn": online,
        "batch": {
            "members": members,
            "featurize_s": round(featurize_s, 3),
            "raw_inplace_predict_s": round(predict_s, 3),  # the production predictor, 1 thread
            "featurize_plus_predict_vs_raw": round(predict_s / (featurize_s + predict_s), 3),
            "featurize_cold_pages_s": round(batch["featurize_cold_s"], 3),
            "featurize_live_counters_s": round(featurize_live_s, 3),
            "native_inplace_predict_s": versus["bulk_native_s"],
            "package_inplace_predict_s": versus["bulk_package_s"],
            "native_vs_package_100k": versus["bulk_ratio"],
            "native_vs_package_one_row_p50": versus["one_row_predict_ratio_p50"],
            "native_vs_package_exact_contribs_one_row_p50": versus["one_row_exact_contribs_ratio_p50"],
        },
        "native_vs_package": {k: v for k, v in versus.items() if k != "one_row"},
    }


if __name__ == "__main__":
    from infra.queues import segment_environment

    deployed = segment_environment()  # read when the interpreter starts (glibc) or numpy loads: restart
    if any(os.environ.get(k) != v for k, v in deployed.items()):
        os.execve(
            sys.executable, [sys.executable, "-m", "ml.serving_figures", *sys.argv[1:]], {**os.environ, **deployed}
        )
    print(json.dumps(figures(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000), indent=1))
