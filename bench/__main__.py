"""`make bench`: every figure next to a baseline measured in the same run; all written to bench/results.json."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.update(
    {
        "WH_STAGE": "test",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "ap-east-1",
        "AWS_LAMBDA_FUNCTION_NAME": "workerhome-bench",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)
os.environ.pop("WH_AWS_ENDPOINT", None)
sys.path.insert(0, str(ROOT))

from bench import roundtrips  # noqa: E402

roundtrips.install_counter()  # before any botocore session exists


def section(title: str) -> None:
    print(f"\n== {title}")


def _latency() -> dict[str, float]:
    """bench.latency in its own process: it runs the local stack, which needs its own environment."""
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith(("WH_", "AWS_", "POWERTOOLS_"))}
    out = subprocess.run(
        [sys.executable, "-m", "bench.latency"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _as_deployed() -> dict[str, str]:
    from infra.queues import segment_environment

    return {**os.environ, **segment_environment()}


def _in_process(module: str, *args: str) -> dict[str, float]:
    """`python -m module args` in its own process (its own moto world), in the segment Lambda's environment;
    its last stdout line is JSON."""
    import subprocess

    out = subprocess.run(
        [sys.executable, "-m", module, *args], cwd=ROOT, env=_as_deployed(), capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _scoring() -> dict[str, float]:
    """ml.serving_figures in its own process (xgboost stays out of this one), in the segment Lambda's
    environment, flattened to figure names."""
    import subprocess

    out = subprocess.run(
        [sys.executable, "-m", "ml.serving_figures"],
        cwd=ROOT,
        env=_as_deployed(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    raw = json.loads(out)
    flat = {f"scoring.load_ms.{k}": v for k, v in raw["model_load_ms"].items()}
    for step, stats in raw["online_churn"].items():
        flat.update({f"scoring.online.{step}.{k}": v for k, v in stats.items()})
    flat["scoring.online.ratio_p50"] = round(
        raw["online_churn"]["score_one_with_reasons"]["p50_us"] / raw["online_churn"]["raw_predict_one"]["p50_us"], 2
    )
    flat.update({f"scoring.batch.{k}": v for k, v in raw["batch"].items()})
    return flat


def main() -> int:
    from moto import mock_aws

    from bench import cold_start
    from bench.package_size import package_figures

    results: dict[str, float] = {}

    section("Cold import (median of fresh interpreters)")
    cold = cold_start.measure()
    results.update(cold)
    print(
        f"import app: {cold['cold_import.app_ms']} ms  vs  chalice+pynamodb+pydantic+boto3: "
        f"{cold['cold_import.baseline_ms']} ms  -> ratio {cold['cold_import.ratio']}  "
        f"(numpy/xgboost/scipy loaded: {int(cold['cold_import.heavy_modules_loaded'])})"
    )

    section("DynamoDB round trips per endpoint (warm container)")
    with mock_aws():
        figures, rows = roundtrips.measure()
    results.update(figures)
    width = max(len(r[0]) for r in rows)
    print(f"{'endpoint':<{width}}  calls  operations")
    for name, total, by_op in rows:
        print(f"{name:<{width}}  {total:>5}  {', '.join(f'{k} x{v}' for k, v in sorted(by_op.items()))}")
    print(
        f"first request of a container, extra: {figures.get('cold_extra.ssm', 0):.0f} SSM GetParameters, "
        f"{figures.get('cold_extra.kms', 0):.0f} KMS Decrypt"
    )

    section("Latency over HTTP against the local stack vs the bare DynamoDB call on the same moto server")
    lat = _latency()
    results.update(lat)
    for name, bare in (("search", "one Query on the geohash index"), ("book", "one 2-item TransactWriteItems")):
        print(
            f"{name:<7} p50 {lat[f'latency.{name}.p50_ms']:>7} ms vs {lat[f'latency.{name}.bare_p50_ms']:>6} ms "
            f"({lat[f'latency.{name}.p50_ratio']}x)   p95 {lat[f'latency.{name}.p95_ms']:>7} ms vs "
            f"{lat[f'latency.{name}.bare_p95_ms']:>6} ms ({lat[f'latency.{name}.p95_ratio']}x)   [bare: {bare}]"
        )

    section("Scoring: model load, one member online vs one raw predict, 100k batch vs raw inplace_predict")
    sc = _scoring()
    results.update(sc)
    print("model load (ms): " + ", ".join(f"{k.split('.')[-1]} {v}" for k, v in sc.items() if ".load_ms." in k))
    print(
        f"one member, features + predict + exact reasons: p50 {sc['scoring.online.score_one_with_reasons.p50_us']} us "
        f"/ p95 {sc['scoring.online.score_one_with_reasons.p95_us']} us vs one raw predict p50 "
        f"{sc['scoring.online.raw_predict_one.p50_us']} us -> {sc['scoring.online.ratio_p50']}x"
    )
    print(
        f"100k members: featurize {sc['scoring.batch.featurize_s']} s + predict {sc['scoring.batch.raw_inplace_predict_s']} s"
        f" -> {sc['scoring.batch.featurize_plus_predict_vs_raw']:.1%} of raw inplace_predict throughput (target 50 %); "
        f"from ~90 live counter attributes per member instead of the compacted history: "
        f"{sc['scoring.batch.featurize_live_counters_s']} s"
    )
    print(
        f"C library (ctypes, what serves) vs the xgboost package, same booster: one row p50 "
        f"{sc['scoring.online.native_predict_one.p50_us']} vs {sc['scoring.online.package_predict_one.p50_us']} us "
        f"({sc['scoring.batch.native_vs_package_one_row_p50']}x), exact reasons "
        f"{sc['scoring.online.native_exact_contribs_one.p50_us']} vs {sc['scoring.online.package_exact_contribs_one.p50_us']} us "
        f"({sc['scoring.batch.native_vs_package_exact_contribs_one_row_p50']}x), 100k rows "
        f"{sc['scoring.batch.native_inplace_predict_s']} vs {sc['scoring.batch.package_inplace_predict_s']} s "
        f"({sc['scoring.batch.native_vs_package_100k']}x)"
    )

    section("Batch scoring run on moto (SQS handler, every segment) vs compute alone vs the bare I/O floor")
    members = int(os.environ.get("WH_BENCH_RUN_MEMBERS") or 100_000)
    run = _in_process("bench.scoring_run", str(members))
    results.update({f"scoring_run.{k}": v for k, v in run.items()})
    print(
        f"{members} members, {run['run.first.segments']} segments: first run {run['run.first.wall_s']} s "
        f"({run['run.first.members_per_s']} members/s, {run['run.first.scores_written']} written), next night "
        f"{run['run.second.wall_s']} s ({run['run.second.written_share']:.1%} of scores rewritten); "
        f"featurize + predict alone {run['compute.wall_s']} s; bare Scan + BatchWriteItem floor {run['floor.wall_s']} s "
        f"-> {run['run.first.vs_floor']}x / {run['run.second.vs_floor']}x the floor (target 1.4x)"
    )
    print(
        f"measured item sizes: activity {run['size.activity_bytes']} B, member {run['size.member_bytes']} B, "
        f"score {run['size.score_bytes']} B"
    )

    section("Deployment package (prod, python3.12) vs Lambda's 250 MB unzipped limit")
    if os.environ.get("WH_BENCH_SKIP_PACKAGE") == "1":
        print("skipped (WH_BENCH_SKIP_PACKAGE=1)")
    else:
        from infra.package import build

        build("prod", ROOT / "build" / "package", log=lambda _line: None)
        pkg = package_figures()
        results.update({f"package.{k}": v for k, v in pkg.items()})
        print(
            f"zipped {pkg['zipped_mb']} MB, unpacked {pkg['unpacked_mb']} MB of {pkg['limit_mb']} MB "
            f"-> {pkg['unpacked_to_limit']:.1%} of the limit (numpy {pkg.get('numpy_mb')} MB, "
            f"XGBoost C library {pkg.get('xgboost_native_mb')} MB; no scipy, no xgboost package)"
        )

    out = ROOT / "bench" / "results.json"
    out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"\n{len(results)} figures written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
