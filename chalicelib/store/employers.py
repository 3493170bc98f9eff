"""Repository for the employer list: reads return `domain.employers.Employer`, never the record."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.employers import Employer
from chalicelib.store.employer_tables import EmployerRecord


def _to_domain(r: EmployerRecord) -> Employer:
    return Employer(
        employer_id=r.employer_id,
        name_zh=r.name_zh,
        name_en=r.name_en,
        city=r.city,
        industry=r.industry,
        has_union=bool(r.has_union),
    )


def get_employer(employer_id: str) -> Employer | None:
    try:
        return _to_domain(EmployerRecord.get(employer_id))
    except DoesNotExist:
        return None


def employers_in(city: str, limit: int = 200) -> list[Employer]:
    return [_to_domain(r) for r in EmployerRecord.city_index.query(city, limit=limit)]


def save_employer(employer: Employer) -> None:
    """Add or replace one employer (seed scripts and tests fill the list this way)."""
    EmployerRecord(
        employer.employer_id,
        name_zh=employer.name_zh,
        name_en=employer.name_en,
        city=employer.city,
        industry=employer.industry,
        has_union=employer.has_union,
    ).save()
