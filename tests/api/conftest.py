"""Fixtures of the API tests (every module in tests/api sees them): a station and a rider, the scenario
library, a staff member, employers, and a counter of DynamoDB calls."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.api.stations_world import create_station, make_staff, new_worker
from tests.support.client import Api, Session


@pytest.fixture
def station(api: Api, admin: Session) -> dict[str, Any]:
    """A Shanghai station open 08:00-12:00 and 13:00-20:00 every day, 30-minute slots, 2 seats."""
    return create_station(api, admin)


@pytest.fixture
def rider(api: Api) -> Session:
    """A worker logged in with a fresh phone."""
    return new_worker(api)


@pytest.fixture
def library(aws) -> None:
    """The six seeded scenarios (devstack/seed_services.py)."""
    from devstack.seed_services import seed_scenarios

    seed_scenarios()


@pytest.fixture
def desk(api: Api, admin: Session, worker: Session) -> dict[str, Any]:
    """The station that handles the worker's requests: the only one in Shanghai, where they live."""
    station = create_station(api, admin)
    assert api.as_(worker).patch("/v1/me", {"city": station["city"]}).status == 200
    return station


@pytest.fixture
def staff(api: Api, desk: dict[str, Any]) -> Session:
    """A staff member of the worker's station: staff see the requests routed to their stations."""
    return make_staff(api, desk["station_id"])


@pytest.fixture
def employer(aws) -> str:
    from chalicelib.store.employer_tables import EmployerRecord

    EmployerRecord(
        "emp-bj-9",
        name_zh="京北快送有限公司",
        name_en="Jingbei Express Co., Ltd.",
        city="beijing",
        industry="delivery_platform",
    ).save()
    return "emp-bj-9"


@pytest.fixture
def wage_claim(employer: str) -> dict[str, Any]:
    return {
        "scenario_key": "wage_arrears_complaint",
        "answers": {
            "employer_id": employer,
            "work_start": "2025-03-01",
            "amount_owed": 12000,
            "months_owed": 3,
            "workers_affected": 12,
            "description": "站点拖欠我们三个月的配送费，多次讨要未果",
            "id_number": "11010519491231002X",
            "contact_phone": "13912345678",
        },
    }


@pytest.fixture
def employers(aws):
    """Two employers in Beijing and one in Shanghai."""
    from chalicelib.store.employer_tables import EmployerRecord

    rows = [
        ("emp-bj-1", "美团北京", "Meituan Beijing", "beijing"),
        ("emp-bj-2", "顺丰北京", "SF Express Beijing", "beijing"),
        ("emp-sh-1", "饿了么上海", "Ele.me Shanghai", "shanghai"),
    ]
    for employer_id, zh, en, city in rows:
        EmployerRecord(employer_id, name_zh=zh, name_en=en, city=city, industry="delivery").save()
    return rows


@pytest.fixture
def calls(aws):
    """A Counter of DynamoDB operations made through PynamoDB while the test runs."""
    from chalicelib.store import base
    from chalicelib.store.registry import ALL_MODELS

    seen: Counter[str] = Counter()
    base.transaction()  # make sure the shared connection exists
    clients = {
        id(c): c for c in [m._get_connection().connection.client for m in ALL_MODELS] + [base._connection.client]
    }
    for client in clients.values():
        client.meta.events.register("before-call.dynamodb", lambda model, **_: seen.update([model.name]))
    return seen
