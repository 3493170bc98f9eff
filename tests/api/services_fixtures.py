"""Fixtures of the member-services tests; a module loads them with
`pytest_plugins = ("tests.api.services_fixtures",)`."""
from __future__ import annotations

from typing import Any

import pytest

from tests.api.stations_world import make_staff
from tests.support.client import Api, Session


@pytest.fixture
def library(aws) -> None:
    """The six seeded scenarios (devstack/seed_services.py)."""
    from devstack.seed_services import seed_scenarios

    seed_scenarios()


@pytest.fixture
def staff(api: Api) -> Session:
    """A staff member (of some station): staff see the whole request queue."""
    return make_staff(api, "st-any")


@pytest.fixture
def employer(aws) -> str:
    from chalicelib.store.employer_tables import EmployerRecord

    EmployerRecord("emp-bj-9", name_zh="京北快送有限公司", name_en="Jingbei Express Co., Ltd.", city="beijing",
                   industry="delivery_platform").save()
    return "emp-bj-9"


@pytest.fixture
def wage_claim(employer: str) -> dict[str, Any]:
    return {"scenario_key": "wage_arrears_complaint", "answers": {
        "employer_id": employer, "work_start": "2025-03-01", "amount_owed": 12000, "months_owed": 3,
        "workers_affected": 12, "description": "站点拖欠我们三个月的配送费，多次讨要未果",
        "id_number": "11010519491231002X", "contact_phone": "13912345678"}}
