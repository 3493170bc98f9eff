"""Deployment package size against Lambda's 250 MB unzipped limit, and what scoring adds to it.

Scoring ships numpy and XGBoost's C library (libxgboost.so + its libgomp, vendored by
infra/package.py) but not the xgboost Python package or scipy: those would not fit.

`package_figures()` reads <out>/sizes.json written by `python -m infra.package` (`make package`),
and runs the packaging first (silently) when it is missing. Relative `out_dir`s are taken from the
repository root. MB here are MiB, as in AWS's 250 MB limit (262,144,000 bytes).
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024


def _quiet(_line: str) -> None:
    pass


def read_sizes(out: Path) -> dict[str, int]:
    path = out / "sizes.json"
    if not path.exists():
        from infra.package import build

        build("prod", out, log=_quiet)
    return json.loads(path.read_text())


def package_figures(out_dir: str | Path = "build/package") -> dict[str, float]:
    """{"zipped_mb", "unpacked_mb", "limit_mb", "unpacked_to_limit", "numpy_mb", "xgboost_native_mb"}
    of the prod package in `out_dir` (the last two unpacked; absent from a sizes.json written before them)."""
    out = Path(out_dir)
    sizes = read_sizes(out if out.is_absolute() else ROOT / out)
    return {
        "zipped_mb": round(sizes["zipped_bytes"] / MB, 2),
        "unpacked_mb": round(sizes["unpacked_bytes"] / MB, 2),
        "limit_mb": round(sizes["limit_bytes"] / MB, 2),
        "unpacked_to_limit": round(sizes["unpacked_bytes"] / sizes["limit_bytes"], 4),
        **{
            f"{part}_mb": round(sizes[f"{part}_bytes"] / MB, 2)
            for part in ("numpy", "xgboost_native")
            if f"{part}_bytes" in sizes
        },
    }
