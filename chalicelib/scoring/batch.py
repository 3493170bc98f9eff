"""Scoring many members at once: one page of a segment's Scan in, the score items that changed out.

Features come from the same `features.member_matrix` as online scoring (reading the Scan's items in
DynamoDB's format, `raw=True`), predictions from the same packaged model. What is written is chosen
to keep a nightly run cheap: a member's score item is rewritten only when it is new, its model
version changed, its tier changed, or its probability moved by at least `min_change`. Reasons are
computed for those rows only (XGBoost's approximate contributions, summed per reason family in one
matrix product), so an unchanged member costs featurize + predict and nothing else.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.scoring import features
from chalicelib.scoring.aggregates import Aggregates
from chalicelib.scoring.model import LoadedModel
from chalicelib.scoring.reasons import MEMBER_FAMILIES, family_matrix, reasons_from_weights
from chalicelib.store.scoring_tables import score_item

Item = dict[str, Any]
BATCH_MODELS = ("churn", "service_demand")
STAFF_ROLES = frozenset({"staff", "admin"})


@dataclass(frozen=True)
class PageOutcome:
    writes: list[Item]              # low-level score items to put
    scored: int                     # members scored on this page


def _s(item: Mapping[str, Any] | None, name: str) -> Any:
    value = (item or {}).get(name)
    return None if value is None else value.get("S", value.get("N"))


def scorable(records: Sequence[Item], profiles: Mapping[str, Item]) -> list[tuple[Item, Item]]:
    """(activity item, member item) of the members a run scores: existing, not erased, profiling allowed,
    not union staff (their accounts are for work). Employer counters (`employer#...`) share the activity
    table and have no member item, so they drop out here too."""
    out = []
    for record in records:
        member = profiles.get(_s(record, "member_id"))
        if member is None or _s(member, "status") == "erased" or record.get("profiling_off", {}).get("BOOL") \
                or STAFF_ROLES & set((member.get("roles") or {}).get("SS", ())):
            continue
        out.append((record, member))
    return out


def tiers_of(probabilities: Any, thresholds: Mapping[str, float]) -> list[str]:
    import numpy as np

    return np.where(probabilities >= thresholds["high"], "high",
                    np.where(probabilities >= thresholds["medium"], "medium", "low")).tolist()


def score_page(model: LoadedModel, thresholds: Mapping[str, float], rows: Sequence[tuple[Item, Item]],
               previous: Mapping[str, Item], *, run_id: str, as_of: datetime, scored_at: str, min_change: float,
               aggregates: Aggregates) -> PageOutcome:
    """Score `rows` (from `scorable`); `previous` maps member id -> the stored score item of this model."""
    import numpy as np

    if not rows:
        return PageOutcome([], 0)
    records = [r for r, _ in rows]
    profiles = [{f: _s(m, f) for f in features.PROFILE_FIELDS} for _, m in rows]
    ids = [_s(m, "member_id") for _, m in rows]
    x = features.member_matrix(profiles, records, as_of, raw=True)
    predicted = model.predict(x)
    outputs = model.card.get("outputs")
    if predicted.ndim == 2:                                   # multi-label: the most likely category leads
        top = predicted.argmax(axis=1)
        p = predicted[np.arange(len(ids)), top]
    else:
        top, p = None, predicted
    tiers = tiers_of(p, thresholds)
    before = [previous.get(i) for i in ids]
    prev_tier = [_s(b, "tier") for b in before]
    prev_p = np.array([float(_s(b, "probability") or -1.0) for b in before])
    changed = np.array([b is None or _s(b, "model_version") != model.version for b in before])
    changed |= np.array([t != pt for t, pt in zip(tiers, prev_tier, strict=True)])
    changed |= np.abs(p - prev_p) >= min_change
    reasons: dict[int, list[list[Any]]] = {}
    rows_changed = np.flatnonzero(changed)
    if len(rows_changed):
        contributions = model.contributions(x[rows_changed], exact=False)
        if contributions.ndim == 3:                            # (rows, outputs, features + 1): the leading output's
            contributions = contributions[np.arange(len(rows_changed)), top[rows_changed]]
        weights = contributions[:, :-1] @ _families(model.feature_names)
        for k, i in enumerate(rows_changed.tolist()):
            values = dict(zip(model.feature_names, x[i].tolist(), strict=True))
            reasons[i] = [[r.code, r.zh, r.en, round(r.weight, 3)]
                          for r in reasons_from_weights(weights[k].tolist(), values, MEMBER_FAMILIES)]
    writes = []
    for i in rows_changed.tolist():
        ranked = None
        if top is not None and outputs:
            order = np.argsort(-predicted[i])
            ranked = [[outputs[j], round(float(predicted[i, j]), 4)] for j in order.tolist()]
        writes.append(score_item(member_id=ids[i], model=model.name, probability=float(p[i]), tier=tiers[i],
                                 reasons=reasons[i], outputs=ranked, city=profiles[i].get("city"),
                                 worker_group=profiles[i].get("worker_group"), model_version=model.version,
                                 run_id=run_id, scored_at=scored_at))
    codes = [[r[0] for r in reasons[i]] if i in reasons else [r[0] for r in _stored_reasons(before[i])]
             for i in range(len(ids))]
    aggregates.add_rows(tiers, prev_tier, codes, [pr.get("worker_group") for pr in profiles],
                        [pr.get("city") for pr in profiles])
    aggregates.add_features(model.card.get("feature_distributions") or {}, model.feature_names, x)
    return PageOutcome(writes, len(ids))


def _stored_reasons(item: Item | None) -> list[list[Any]]:
    import json

    raw = _s(item, "reasons")
    return json.loads(raw) if raw else []


_FAMILY_MATRICES: dict[tuple[str, ...], Any] = {}


def _families(names: Sequence[str]) -> Any:
    key = tuple(names)
    if key not in _FAMILY_MATRICES:
        _FAMILY_MATRICES[key] = family_matrix(MEMBER_FAMILIES, names)
    return _FAMILY_MATRICES[key]
