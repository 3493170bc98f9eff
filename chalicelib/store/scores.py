"""Members' latest scores, read a tier at a time for the ranked lists (scores table, tier_index).

`city` and `group` are filter expressions on the Query: DynamoDB reads the index items they drop and
counts them against the Query's Limit, so a filtered read goes ahead (page size READ_AHEAD x what is
still wanted, at most MAX_PAGE) and PynamoDB keeps querying until `want` items are found or the tier ends.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.scores import MemberScore
from chalicelib.store.scoring_tables import ScoreRecord, score_of, tier_key

READ_AHEAD, MAX_PAGE = 5, 500
START_KEYS = frozenset({"member_id", "model", "tier_key", "probability"})
"""The attributes of a resume key: a cursor that carries any other is not one this module issued."""


def tier_page(
    model: str, tier: str, want: int, start: dict[str, Any] | None, *, city: str | None = None, group: str | None = None
) -> tuple[list[MemberScore], dict[str, Any] | None]:
    """Up to `want` scores of one tier, highest first, from `start`; and where the next read starts
    (None: the tier is done). PynamoDB resumes after the last item returned when it stops inside a page."""
    wanted = None
    if city:
        wanted = ScoreRecord.city == city
    if group:
        in_group = ScoreRecord.worker_group == group
        wanted = in_group if wanted is None else wanted & in_group
    found = ScoreRecord.tier_index.query(
        tier_key(model, tier),
        scan_index_forward=False,
        filter_condition=wanted,
        limit=want,
        last_evaluated_key=start,
        page_size=want if wanted is None else min(want * READ_AHEAD, MAX_PAGE),
    )
    items = [score_of(r) for r in found]
    return items, found.last_evaluated_key


def of_member(member_id: str) -> list[MemberScore]:
    """The member's latest score of every model (their data export): one Query."""
    return [score_of(r) for r in ScoreRecord.query(member_id)]


def models_of_member(member_id: str) -> list[str]:
    """The models that hold a stored score of the member (what erasure tells them it deleted): one Query."""
    return [r.model for r in ScoreRecord.query(member_id, attributes_to_get=["member_id", "model"])]
