"""The insight summary of a model's latest finished run: the run's segment aggregates added up.

Reads: 1 Query (the model's recent runs) + 1 Query (the run's segments) - never the scores.
"""

from __future__ import annotations

from chalicelib.domain.scoring_runs import DriftOut, Movement, ReasonCount, SummaryOut, TierCounts
from chalicelib.scoring import cards
from chalicelib.scoring.aggregates import merged
from chalicelib.scoring.reasons import title_of
from chalicelib.store import scoring_runs as store
from chalicelib.store.base import iso

FINISHED = ("succeeded", "partially_failed")
TOP_REASONS = 8


def summary(model: str, lang: str) -> SummaryOut:
    run = next((r for r in store.latest(model, limit=10) if r.status in FINISHED), None)
    if run is None:
        return SummaryOut(
            model=model,
            run_id=None,
            as_of=None,
            members=0,
            tiers=TierCounts(),
            movement=Movement(),
            top_reasons=[],
            by_group={},
            by_city={},
            drift=[],
            drifted_features=0,
        )
    total = merged(s.aggregates for s in store.segments(run.run_id) if s.status == "done" and s.aggregates)
    card = cards.card(model) or {}
    drift = [DriftOut(**d) for d in total.drift(card.get("feature_distributions") or {})]
    return SummaryOut(
        model=model,
        run_id=run.run_id,
        as_of=iso(run.as_of),
        members=sum(total.tiers.values()),
        tiers=TierCounts(**total.tiers),
        movement=Movement(**total.movement),
        top_reasons=[
            ReasonCount(code=c, text=title_of(c, lang), count=n) for c, n in total.reasons.most_common(TOP_REASONS)
        ],
        by_group={k: TierCounts(**v) for k, v in sorted(total.by_group.items())},
        by_city={k: TierCounts(**v) for k, v in sorted(total.by_city.items())},
        drift=drift,
        drifted_features=sum(d.flagged for d in drift),
    )
