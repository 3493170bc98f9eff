"""Pages read across key partitions in order (score tiers, audit-log months): a page that empties one
partition goes on into the next, and says where the next page starts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

P = TypeVar("P")
T = TypeVar("T")
Resume = dict[str, Any]
Read = Callable[[P, int, Resume | None], tuple[list[T], Resume | None]]


def across(
    partitions: Sequence[P], limit: int, start: Resume | None, read: Read[P, T]
) -> tuple[list[T], tuple[P, Resume | None] | None]:
    """Up to `limit` items, reading `read(partition, still_wanted, resume)` partition by partition (the
    first from `start`); and the next page's place (partition, resume key; None: everything was read)."""
    items: list[T] = []
    for i, partition in enumerate(partitions):
        got, resume = read(partition, limit - len(items), start if i == 0 else None)
        items += got
        if len(items) == limit:
            if resume is not None:
                return items, (partition, resume)
            return items, ((partitions[i + 1], None) if i + 1 < len(partitions) else None)
    return items, None
