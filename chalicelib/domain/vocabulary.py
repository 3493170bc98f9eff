"""The words the front ends pick from — cities, worker groups, service categories — each with its zh/en
name, built from the one list that defines it (domain.members, domain.categories)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar, get_args

from chalicelib.domain.base import Out
from chalicelib.domain.categories import CATEGORIES, LABELS
from chalicelib.domain.members import CITIES, GROUP_LABELS, WorkerGroup


class Term(Out):
    code: str
    name_zh: str
    name_en: str


class Vocabulary(Out):
    cities: list[Term]
    worker_groups: list[Term]
    categories: list[Term]


Code = TypeVar("Code", bound=str)


def terms(codes: Sequence[Code], names: Mapping[Code, tuple[str, str]]) -> list[Term]:
    """Codes in their defined order, each with its names."""
    return [Term(code=code, name_zh=names[code][0], name_en=names[code][1]) for code in codes]


def cities() -> list[Term]:
    return terms(list(CITIES), CITIES)


def vocabulary() -> Vocabulary:
    return Vocabulary(
        cities=cities(), worker_groups=terms(get_args(WorkerGroup), GROUP_LABELS), categories=terms(CATEGORIES, LABELS)
    )
