"""Scoring many members at once: one page of a segment's Scan in, the scores that changed out (the
store writes them).

The page is activity items as the Scan returns them (DynamoDB's format), each carrying its member's
profile mirror `p`, so features (`features.stored_member_matrix`, the same feature definition as online
scoring and training) and eligibility need no other read. What is written is chosen to keep a nightly
run cheap: a member's score item is rewritten only when it is new, its model version changed, its tier
changed, or its probability moved by at least `min_change` against what is stored (`Previous`, from the
previous run's digest or the table). Reasons are computed for those rows only (XGBoost's approximate
contributions, summed per reason family in one matrix product), so an unchanged member costs featurize +
predict and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.domain.activity import PROFILE_ERASED, PROFILE_STAFF, profile_flags, unpack_profile
from chalicelib.domain.scores import MemberScore
from chalicelib.scoring import features
from chalicelib.scoring.aggregates import Aggregates
from chalicelib.scoring.digest import Previous
from chalicelib.scoring.model import LoadedModel
from chalicelib.scoring.reasons import MEMBER_FAMILIES, family_matrix, reasons_from_weights

Item = dict[str, Any]
_NOT_SCORED = PROFILE_STAFF | PROFILE_ERASED


@dataclass(frozen=True)
class PageOutcome:
    writes: list[MemberScore]  # the scores to store (those that changed)
    scored: int  # members scored on this page
    stored: tuple[list[Any], ...]  # what the score table holds for them afterwards (DigestBuilder.add's columns)


def generation(item: Item) -> int:
    """The member's scores generation (`sv`): raised whenever their stored scores are deleted."""
    return int(item["sv"]["N"]) if "sv" in item else 0


def scorable(items: Sequence[Item]) -> list[Item]:
    """The activity items of the members a run scores: with a profile mirror (employer counters,
    `employer#...`, have none), profiling allowed, not erased, not union staff (their accounts are for work)."""
    return [
        i
        for i in items
        if "p" in i and not i.get("profiling_off", {}).get("BOOL") and not profile_flags(i["p"]["B"]) & _NOT_SCORED
    ]


def tiers_of(probabilities: Any, thresholds: Mapping[str, float]) -> list[str]:
    import numpy as np

    return np.where(
        probabilities >= thresholds["high"], "high", np.where(probabilities >= thresholds["medium"], "medium", "low")
    ).tolist()


def score_page(
    model: LoadedModel,
    thresholds: Mapping[str, float],
    items: Sequence[Item],
    previous: Previous,
    *,
    run_id: str,
    as_of: datetime,
    min_change: float,
    aggregates: Aggregates,
) -> PageOutcome:
    """Score `items` (from `scorable`) as of `as_of` (the run's instant, also each score's time);
    `previous` holds their stored scores of this model, aligned."""
    import numpy as np

    if not items:
        return PageOutcome([], 0, ([], [], [], [], [], []))
    ids = [i["member_id"]["S"] for i in items]
    x = features.stored_member_matrix(items, as_of)
    predicted = model.predict(x)
    outputs = model.card.get("outputs")
    if predicted.ndim == 2:  # multi-label: the most likely category leads
        top = predicted.argmax(axis=1)
        p = predicted[np.arange(len(ids)), top]
    else:
        top, p = None, predicted
    p = np.round(p.astype(np.float64), 4)  # as stored
    tiers = tiers_of(p, thresholds)
    changed = ~previous.exists | np.array([v != model.version for v in previous.version])
    changed |= np.array([t != pt for t, pt in zip(tiers, previous.tier, strict=True)])
    changed |= np.abs(p - previous.probability) >= min_change
    reasons: dict[int, list[list[Any]]] = {}
    rows_changed = np.flatnonzero(changed)
    if len(rows_changed):
        contributions = model.contributions(x[rows_changed], exact=False)
        if contributions.ndim == 3:  # (rows, outputs, features + 1): the leading output's
            contributions = contributions[np.arange(len(rows_changed)), top[rows_changed]]
        weights = contributions[:, :-1] @ _families(model.feature_names)
        for k, i in enumerate(rows_changed.tolist()):
            values = dict(zip(model.feature_names, x[i].tolist(), strict=True))
            reasons[i] = [
                [r.code, r.zh, r.en, round(r.weight, 3)]
                for r in reasons_from_weights(weights[k].tolist(), values, MEMBER_FAMILIES)
            ]
    profiles = [unpack_profile(i["p"]["B"]) for i in items]
    writes = []
    for i in rows_changed.tolist():
        ranked = None
        if top is not None and outputs:
            order = np.argsort(-predicted[i])
            ranked = [[outputs[j], round(float(predicted[i, j]), 4)] for j in order.tolist()]
        writes.append(
            MemberScore(
                member_id=ids[i],
                model=model.name,
                probability=float(p[i]),
                tier=tiers[i],
                reasons=reasons[i],
                outputs=ranked,
                city=_text(profiles[i]["city"]),
                worker_group=_text(profiles[i]["worker_group"]),
                model_version=model.version,
                run_id=run_id,
                scored_at=as_of,
            )
        )
    codes = [[r[0] for r in reasons[i]] if i in reasons else previous.reasons[i] for i in range(len(ids))]
    aggregates.add_rows(
        tiers,
        previous.tier,
        codes,
        [_text(pr["worker_group"]) for pr in profiles],
        [_text(pr["city"]) for pr in profiles],
    )
    aggregates.add_features(model.card.get("feature_distributions") or {}, model.feature_names, x)
    new = changed.tolist()
    stored = (
        ids,
        np.where(changed, p, previous.probability).tolist(),
        [t if c else pt for t, pt, c in zip(tiers, previous.tier, new, strict=True)],
        [model.version if c else v for v, c in zip(previous.version, new, strict=True)],
        codes,
        [generation(i) for i in items],
    )
    return PageOutcome(writes, len(ids), stored)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


_FAMILY_MATRICES: dict[tuple[str, ...], Any] = {}


def _families(names: Sequence[str]) -> Any:
    key = tuple(names)
    if key not in _FAMILY_MATRICES:
        _FAMILY_MATRICES[key] = family_matrix(MEMBER_FAMILIES, names)
    return _FAMILY_MATRICES[key]
