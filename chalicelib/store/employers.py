"""Repository for the employer list."""
from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.store.directory import Employer


def get_employer(employer_id: str) -> Employer | None:
    try:
        return Employer.get(employer_id)
    except DoesNotExist:
        return None


def employers_in(city: str, limit: int = 200) -> list[Employer]:
    return list(Employer.city_index.query(city, limit=limit))
