"""The API must not pay for numpy/xgboost at import time: only the scoring views load them, on first use."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_app_loads_neither_numpy_nor_xgboost():
    probe = "import json, sys, app; print(json.dumps({m: m in sys.modules for m in ('numpy', 'xgboost', 'scipy')}))"
    env = {**os.environ, "WH_STAGE": "test", "AWS_DEFAULT_REGION": "ap-east-1"}
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"numpy": False, "xgboost": False, "scipy": False}
