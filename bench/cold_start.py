"""Cold import of the Lambda entry point vs the libraries it cannot avoid, in fresh interpreters."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import json, sys, time
t = time.perf_counter()
{imports}
ms = (time.perf_counter() - t) * 1000
print(json.dumps({{"ms": ms, "heavy": sorted(m for m in ("numpy", "xgboost", "scipy") if m in sys.modules)}}))
"""
BASELINE = "import chalice, pynamodb.models, pydantic, boto3"
APP = "import app"


def _once(imports: str) -> dict:
    env = {**os.environ, "WH_STAGE": "prod", "PYTHONDONTWRITEBYTECODE": "0"}
    env.pop("WH_AWS_ENDPOINT", None)
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(imports=imports)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure(rounds: int = 9) -> dict[str, float]:
    """Median cold-import milliseconds of `app` and of the baseline, interleaved to share machine noise."""
    _once(APP)  # compile bytecode once so both sides start from .pyc files
    app_ms, base_ms, heavy = [], [], set()
    for _ in range(rounds):
        probe = _once(APP)
        app_ms.append(probe["ms"])
        heavy.update(probe["heavy"])
        base_ms.append(_once(BASELINE)["ms"])
    app_median, base_median = statistics.median(app_ms), statistics.median(base_ms)
    return {
        "cold_import.app_ms": round(app_median, 1),
        "cold_import.baseline_ms": round(base_median, 1),
        "cold_import.ratio": round(app_median / base_median, 3),
        "cold_import.heavy_modules_loaded": float(len(heavy)),
    }
