"""Reference lists a worker picks from: cities and employers."""
from __future__ import annotations

from chalicelib.domain.members import CITIES, EmployerRef
from chalicelib.store.employers import employers_in


def cities() -> list[dict[str, str]]:
    return [{"code": code, "name_zh": zh, "name_en": en} for code, (zh, en) in CITIES.items()]


def employers(city: str) -> list[EmployerRef]:
    """The employers of one city (one Query on the city index), sorted by Chinese name."""
    found = employers_in(city)
    return sorted((EmployerRef(employer_id=e.employer_id, name_zh=e.name_zh, name_en=e.name_en) for e in found),
                  key=lambda e: e.name_zh)
