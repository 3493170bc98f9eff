"""What a scoring run learns about the whole population, summed segment by segment.

Each segment stores its `Aggregates` (JSON) next to its progress; the insight summary adds the
segments of a run up, so no request ever reads all the scores:
  tiers      members per tier
  movement   tier compared with the member's previous score: up / down / same / new
  reasons    how often each reason code is among the top reasons of medium and high members
  by_group, by_city   members per tier per worker group / city
  bins       per feature, rows per bin of the card's training histogram (-> PSI drift)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chalicelib.scoring import drift

TIER_RANK = {"low": 0, "medium": 1, "high": 2}
ATTENTION_TIERS = ("medium", "high")


def movement(previous: str | None, current: str) -> str:
    if previous is None or previous not in TIER_RANK:
        return "new"
    change = TIER_RANK[current] - TIER_RANK[previous]
    return "up" if change > 0 else "down" if change < 0 else "same"


@dataclass
class Aggregates:
    tiers: Counter[str] = field(default_factory=Counter)
    movement: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    by_group: dict[str, Counter[str]] = field(default_factory=dict)
    by_city: dict[str, Counter[str]] = field(default_factory=dict)
    bins: dict[str, list[int]] = field(default_factory=dict)

    def add_rows(
        self,
        tiers: Sequence[str],
        previous: Sequence[str | None],
        reason_codes: Sequence[Sequence[str]],
        groups: Sequence[str | None],
        cities: Sequence[str | None],
    ) -> None:
        self.tiers.update(tiers)
        self.movement.update(movement(p, t) for p, t in zip(previous, tiers, strict=True))
        for tier, codes in zip(tiers, reason_codes, strict=True):
            if tier in ATTENTION_TIERS:
                self.reasons.update(codes)
        for table, keys in ((self.by_group, groups), (self.by_city, cities)):
            for key, tier in zip(keys, tiers, strict=True):
                table.setdefault(key or "unknown", Counter())[tier] += 1

    def add_features(
        self, distributions: Mapping[str, Mapping[str, Sequence[float]]], names: Sequence[str], x: Any
    ) -> None:
        """Bin every column of `x` (rows x names) on the card's training histogram of that feature."""
        for j, name in enumerate(names):
            reference = distributions.get(name)
            if reference is None:
                continue
            counts = drift.bin_counts(reference, x[:, j])
            held = self.bins.setdefault(name, [0] * len(counts))
            self.bins[name] = [a + b for a, b in zip(held, counts, strict=True)]

    def merge(self, other: Aggregates) -> Aggregates:
        self.tiers.update(other.tiers)
        self.movement.update(other.movement)
        self.reasons.update(other.reasons)
        for mine, theirs in ((self.by_group, other.by_group), (self.by_city, other.by_city)):
            for key, tiers in theirs.items():
                mine.setdefault(key, Counter()).update(tiers)
        for name, counts in other.bins.items():
            held = self.bins.setdefault(name, [0] * len(counts))
            self.bins[name] = [a + b for a, b in zip(held, counts, strict=True)]
        return self

    def drift(self, distributions: Mapping[str, Mapping[str, Sequence[float]]]) -> list[dict[str, Any]]:
        """PSI per feature, most drifted first."""
        out: list[dict[str, Any]] = [
            {"feature": name, "psi": round(drift.psi(distributions[name], counts), 4)}
            for name, counts in self.bins.items()
            if name in distributions
        ]
        for row in out:
            row["flagged"] = row["psi"] > drift.FLAG_ABOVE
        return sorted(out, key=lambda r: -r["psi"])

    def to_json(self) -> dict[str, Any]:
        return {
            "tiers": dict(self.tiers),
            "movement": dict(self.movement),
            "reasons": dict(self.reasons),
            "by_group": {k: dict(v) for k, v in self.by_group.items()},
            "by_city": {k: dict(v) for k, v in self.by_city.items()},
            "bins": self.bins,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Aggregates:
        return cls(
            Counter(data.get("tiers", {})),
            Counter(data.get("movement", {})),
            Counter(data.get("reasons", {})),
            {k: Counter(v) for k, v in data.get("by_group", {}).items()},
            {k: Counter(v) for k, v in data.get("by_city", {}).items()},
            {k: list(v) for k, v in data.get("bins", {}).items()},
        )


def merged(parts: Iterable[Mapping[str, Any]]) -> Aggregates:
    total = Aggregates()
    for part in parts:
        total.merge(Aggregates.from_json(part))
    return total
