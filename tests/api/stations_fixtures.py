"""Fixtures of the stations-and-booking tests; a test module loads them with
`pytest_plugins = ("tests.api.stations_fixtures",)`."""
from __future__ import annotations

from typing import Any

import pytest

from tests.api.stations_world import create_station, new_worker
from tests.support.client import Api, Session


@pytest.fixture
def station(api: Api, admin: Session) -> dict[str, Any]:
    """A Shanghai station open 08:00-12:00 and 13:00-20:00 every day, 30-minute slots, 2 seats."""
    return create_station(api, admin)


@pytest.fixture
def rider(api: Api) -> Session:
    """A worker logged in with a fresh phone."""
    return new_worker(api)
