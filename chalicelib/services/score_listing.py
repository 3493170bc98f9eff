"""Who to reach out to first: members' latest scores of a model, highest first, a page at a time.

Pages are read from the scores table's tier_index (tier_key = "<model>#<tier>", probability) with
Query, newest scores only, never a Scan:
  - with `tier`: one Query on that tier, descending probability;
  - without: high, then medium, then low - a page that empties one tier goes on into the next
    (one more Query per tier crossed).
`city` and `group` filter that Query (store.scores reads ahead while they thin a page), until
`limit` items are found or the tier ends.
The next page's place travels in an opaque cursor signed with the token key ring, bound to the
query's model and filters; a forged, altered, expired or foreign cursor is 400 naming `cursor`.

Round trips per page: 1 Query (+1 per extra read-ahead page when filters thin it, +1 per tier
crossed without `tier`) + 1 BatchGetItem on members for the masked names (none for an empty page).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, get_args

from pydantic import Field, field_validator

from chalicelib.domain.base import Out, Strict
from chalicelib.domain.errors import FieldIssue
from chalicelib.domain.members import CITIES, WorkerGroup
from chalicelib.domain.scoring_errors import BadCursor, UnknownChoice
from chalicelib.domain.scoring_models import CHURN, MEMBER_MODELS
from chalicelib.scoring.reasons import CATEGORY_NAMES, EMPLOYER_FAMILIES, MEMBER_FAMILIES
from chalicelib.scoring.views import ReasonOut
from chalicelib.services import paging, signed_claims
from chalicelib.store import scores as store
from chalicelib.store.base import iso
from chalicelib.store.member_names import masked_names

TIERS_DESC: tuple[str, ...] = ("high", "medium", "low")
GROUPS: tuple[str, ...] = get_args(WorkerGroup)
CURSOR_TYP = "score_cursor"
CURSOR_TTL = timedelta(hours=24)
ACTIONS: dict[str, tuple[str, str]] = {f.code: f.action for f in (*MEMBER_FAMILIES, *EMPLOYER_FAMILIES)}


class ScoreQuery(Strict):
    model: Annotated[str, Field(max_length=40)] = CHURN
    tier: Annotated[str, Field(max_length=20)] | None = None
    city: Annotated[str, Field(max_length=20)] | None = None
    group: Annotated[str, Field(max_length=40)] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 20
    cursor: Annotated[str, Field(max_length=2000)] | None = None

    @field_validator("tier", "city", "group", "cursor", mode="before")
    @classmethod
    def _empty_is_absent(cls, value: Any) -> Any:
        return None if value == "" else value


class CategoryShare(Out):
    category: str
    name: str
    probability: float


class ScoreItem(Out):
    member_id: str
    name: str | None  # masked (张*), or the masked phone; None when erased
    model: str
    probability: float
    tier: str
    reasons: list[ReasonOut]  # in the caller's language, each with the suggested staff action
    outputs: list[CategoryShare] | None
    city: str | None
    worker_group: str | None
    model_version: str
    run_id: str
    scored_at: str


class ScorePage(Out):
    model: str
    tier: str | None
    items: list[ScoreItem]
    next_cursor: str | None


def check_choices(q: ScoreQuery) -> None:
    """422 naming each filter whose value is not one we know."""
    issues = [
        FieldIssue(field, "unknown_value", f"取值应为 {', '.join(allowed)}", f"must be one of {', '.join(allowed)}")
        for field, value, allowed in (
            ("model", q.model, MEMBER_MODELS),
            ("tier", q.tier, TIERS_DESC),
            ("city", q.city, tuple(CITIES)),
            ("group", q.group, GROUPS),
        )
        if value is not None and value not in allowed
    ]
    if issues:
        raise UnknownChoice(details=issues)


def _bound(q: ScoreQuery) -> list[Any]:
    """What a cursor must have been issued for: the same model, tier choice and filters."""
    return [q.model, q.tier, q.city, q.group]


def _read_cursor(q: ScoreQuery, now: datetime) -> tuple[str, dict[str, Any] | None]:
    claims = signed_claims.read(
        q.cursor or "", CURSOR_TYP, now=now, require={"q": list, "t": str}, invalid=BadCursor, expired=BadCursor
    )
    start, tier = claims.get("k"), claims["t"]
    if claims["q"] != _bound(q) or tier not in TIERS_DESC or (q.tier and tier != q.tier):
        raise BadCursor()
    if start is not None and not (isinstance(start, dict) and set(start) <= store.START_KEYS):
        raise BadCursor()
    return tier, start


def _cursor(q: ScoreQuery, tier: str, start: dict[str, Any] | None, now: datetime) -> str:
    return signed_claims.sign(CURSOR_TYP, {"q": _bound(q), "t": tier, "k": start}, now=now, expires=now + CURSOR_TTL)


def _reasons(stored: list[list[Any]] | None, lang: str) -> list[ReasonOut]:
    out = []
    for code, zh, en, weight in stored or []:
        action = ACTIONS.get(code)
        out.append(
            ReasonOut(
                code=code,
                text=en if lang == "en" else zh,
                weight=round(float(weight), 3),
                action=(action[1] if lang == "en" else action[0]) if action else None,
            )
        )
    return out


def _outputs(stored: list[list[Any]] | None, lang: str) -> list[CategoryShare] | None:
    if stored is None:
        return None
    return [
        CategoryShare(
            category=c, name=CATEGORY_NAMES.get(c, (c, c))[1 if lang == "en" else 0], probability=round(float(p), 4)
        )
        for c, p in stored
    ]


def scores(q: ScoreQuery, now: datetime, lang: str) -> ScorePage:
    """One page of `q.model`'s scores, highest risk first, with masked names and reasons + actions."""
    check_choices(q)
    tier, start = _read_cursor(q, now) if q.cursor else (q.tier or TIERS_DESC[0], None)
    tiers = (tier,) if q.tier else TIERS_DESC[TIERS_DESC.index(tier) :]
    records, place = paging.across(
        tiers, q.limit, start, lambda t, want, at: store.tier_page(q.model, t, want, at, city=q.city, group=q.group)
    )
    next_cursor = _cursor(q, place[0], place[1], now) if place else None
    names = masked_names({r.member_id for r in records})
    items = [
        ScoreItem(
            member_id=r.member_id,
            name=names.get(r.member_id) if names.get(r.member_id) != "—" else None,
            model=r.model,
            probability=r.probability,
            tier=r.tier,
            reasons=_reasons(r.reasons, lang),
            outputs=_outputs(r.outputs, lang),
            city=r.city,
            worker_group=r.worker_group,
            model_version=r.model_version,
            run_id=r.run_id,
            scored_at=iso(r.scored_at),
        )
        for r in records
    ]
    return ScorePage(model=q.model, tier=q.tier, items=items, next_cursor=next_cursor)
