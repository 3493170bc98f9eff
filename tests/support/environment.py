"""The test process's environment, in one place: in-process moto (stage "test"), fake AWS keys,
no endpoint (tests/conftest.py applies it before anything imports PynamoDB; probes that start a
fresh interpreter pass it on)."""

from __future__ import annotations

import os

TEST_ENV: dict[str, str] = {
    "WH_STAGE": "test",
    "WH_REGION": "ap-east-1",
    "AWS_DEFAULT_REGION": "ap-east-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_LAMBDA_FUNCTION_NAME": "workerhome-test",
    "POWERTOOLS_LOG_LEVEL": "INFO",
}


def probe_env(**overrides: str) -> dict[str, str]:
    """This process's environment with the test settings (and `overrides`), without an AWS endpoint."""
    env = {**os.environ, **TEST_ENV, **overrides}
    env.pop("WH_AWS_ENDPOINT", None)
    return env
