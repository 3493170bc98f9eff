"""The API must not pay for numpy at import time, and serving must never load the xgboost Python
package or scipy (they do not fit the Lambda package): models run in XGBoost's C library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.environment import probe_env

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "xgboost", "scipy")

# A fresh interpreter: a moto world provisioned like the tests', a worker and an admin logged in,
# a member scored through HTTP by the worker and by an admin (churn + service demand, exact reasons).
SCORE_THROUGH_HTTP = """
import json, sys
from moto import mock_aws
from chalicelib.runtime import Runtime, install
from chalicelib.settings import settings
from infra.provision import provision
from tests.support.client import Api
from tests.support.clock import FakeClock

with mock_aws():
    provision(install(Runtime(settings, clock=FakeClock())))
    from app import app
    from chalicelib.services.members import grant_by_phone

    api = Api(app)
    worker = api.login("13800138001")
    grant_by_phone("13900000001", {"admin"}, set())
    admin = api.login("13900000001")
    statuses = [api.as_(worker).get("/v1/me/insights").status,
                api.as_(admin).get(f"/v1/admin/members/{worker.member_id}/scores").status]
    print(json.dumps({"statuses": statuses, **{m: m in sys.modules for m in sys.argv[1:]}}))
"""


def run_probe(code: str) -> dict:
    """Run `code` in a fresh interpreter with the test environment; its last line of output, as JSON."""
    env = probe_env(POWERTOOLS_LOG_LEVEL="WARNING")
    out = subprocess.run([sys.executable, "-c", code, *HEAVY], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-4000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_the_app_loads_neither_numpy_nor_xgboost():
    probe = "import json, sys, app; print(json.dumps({m: m in sys.modules for m in sys.argv[1:]}))"
    assert run_probe(probe) == {"numpy": False, "xgboost": False, "scipy": False}


def test_scoring_a_member_over_http_loads_numpy_but_neither_xgboost_nor_scipy():
    result = run_probe(SCORE_THROUGH_HTTP)
    assert result == {"statuses": [200, 200], "numpy": True, "xgboost": False, "scipy": False}
