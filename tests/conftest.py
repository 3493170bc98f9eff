"""The test world: environment first (PynamoDB reads its Meta at import), then a fresh moto
world per test with every table, key and secret provisioned by the same code as `make run`."""

from __future__ import annotations

import os

from tests.support.environment import TEST_ENV

os.environ.update(TEST_ENV)
os.environ.pop("WH_AWS_ENDPOINT", None)

import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

from tests.support.client import Api  # noqa: E402
from tests.support.clock import FakeClock  # noqa: E402


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def aws(clock):
    """A fresh, fully provisioned moto world and a Runtime bound to it and to the fake clock."""
    from chalicelib.runtime import Runtime, install
    from chalicelib.settings import settings
    from infra.provision import provision

    with mock_aws():
        rt = install(Runtime(settings, clock=clock))
        provision(rt)
        yield rt


@pytest.fixture
def api(aws) -> Api:
    from app import app

    return Api(app)


@pytest.fixture
def worker(api):
    return api.login("13800138001")


@pytest.fixture
def admin(api):
    from chalicelib.services.members import grant_by_phone

    grant_by_phone("13900000001", {"admin"}, set())
    return api.login("13900000001")
