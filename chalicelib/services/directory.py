"""Reference lists a worker picks from: the vocabulary (cities, worker groups, categories) and employers."""

from __future__ import annotations

from chalicelib.domain import vocabulary as words
from chalicelib.domain.members import EmployerRef
from chalicelib.domain.vocabulary import Term, Vocabulary
from chalicelib.store.employers import employers_in


def cities() -> list[Term]:
    return words.cities()


def vocabulary() -> Vocabulary:
    """Every list a form or a filter picks from, with zh/en names (no round trip: it is code)."""
    return words.vocabulary()


def employers(city: str) -> list[EmployerRef]:
    """The employers of one city (one Query on the city index), sorted by Chinese name."""
    found = employers_in(city)
    return sorted(
        (EmployerRef(employer_id=e.employer_id, name_zh=e.name_zh, name_en=e.name_en) for e in found),
        key=lambda e: e.name_zh,
    )
