"""What a scoring run left in the score table, per segment: the next run of the model compares its new
scores with this digest instead of reading every stored score back (one S3 object per segment instead
of a BatchGetItem per Scan page).

A digest row per member the segment scored: the stored probability, tier, model version and reason
codes after the run (new where the run rewrote the score, carried over where it did not), and the
member's scores generation (`sv` on the activity item, raised whenever their stored scores are deleted,
so an entry older than a deletion is not trusted). Parallel Scan segments hold the same members as long
as the segment count stays the same, so a digest is keyed by (run, segment count, segment); when there
is none for a segment the run reads the stored scores instead (chalicelib.services.scoring_runs).
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

NO_VERSION = ""


@dataclass(frozen=True)
class Previous:
    """The stored scores of a page's members, aligned with the page (exists False: no stored score)."""

    exists: Any  # (n,) bool
    probability: Any  # (n,) float64, -1 where none
    tier: list[str | None]
    version: list[str]
    reasons: list[list[str]]  # stored reason codes

    @classmethod
    def none(cls, n: int) -> Previous:
        import numpy as np

        return cls(np.zeros(n, dtype=bool), np.full(n, -1.0), [None] * n, [NO_VERSION] * n, [[] for _ in range(n)])

    @classmethod
    def from_items(cls, ids: Sequence[str], items: Sequence[Mapping[str, Any]]) -> Previous:
        """From score items as BatchGetItem returns them (DynamoDB's format), any order."""
        import numpy as np

        by_id = {i["member_id"]["S"]: i for i in items}
        rows = [by_id.get(m) for m in ids]
        return cls(
            np.array([r is not None for r in rows], dtype=bool),
            np.array([float(r["probability"]["N"]) if r else -1.0 for r in rows]),
            [r["tier"]["S"] if r else None for r in rows],
            [r["model_version"]["S"] if r else NO_VERSION for r in rows],
            [[c[0] for c in json.loads(r["reasons"]["S"])] if r else [] for r in rows],
        )


class Digest:
    """One segment's digest: rows sorted by member id for look-ups with numpy."""

    def __init__(self, ids: Any, probability: Any, tier: Any, version: Any, reasons: Any, generation: Any) -> None:
        self.ids, self.probability, self.tier = ids, probability, tier
        self.version, self.reasons, self.generation = version, reasons, generation

    def previous(self, ids: Sequence[str], generations: Sequence[int]) -> Previous:
        import numpy as np

        n = len(ids)
        if not n or not len(self.ids):
            return Previous.none(n)
        wanted = np.array(ids, dtype="S")
        at = np.minimum(np.searchsorted(self.ids, wanted), len(self.ids) - 1)
        found = (self.ids[at] == wanted) & (self.generation[at] == np.asarray(generations, dtype=np.int64))
        rows = at.tolist()
        hit = found.tolist()
        return Previous(
            found,
            np.where(found, self.probability[at], -1.0),
            [self.tier[r].decode() if h else None for r, h in zip(rows, hit, strict=True)],
            [self.version[r].decode() if h else NO_VERSION for r, h in zip(rows, hit, strict=True)],
            [[c.decode() for c in self.reasons[r] if c] if h else [] for r, h in zip(rows, hit, strict=True)],
        )

    @classmethod
    def load(cls, blob: bytes) -> Digest:
        import numpy as np

        with np.load(io.BytesIO(blob), allow_pickle=False) as f:
            return cls(f["ids"], f["probability"], f["tier"], f["version"], f["reasons"], f["generation"])


class DigestBuilder:
    """Collects a segment's rows page by page; `dump()` gives the object to store."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.probability: list[float] = []
        self.tier: list[str] = []
        self.version: list[str] = []
        self.reasons: list[list[str]] = []
        self.generation: list[int] = []

    def add(
        self,
        ids: Sequence[str],
        probability: Sequence[float],
        tier: Sequence[str],
        version: Sequence[str],
        reasons: Sequence[Sequence[str]],
        generation: Sequence[int],
    ) -> None:
        self.ids += ids
        self.probability += probability
        self.tier += tier
        self.version += version
        self.reasons += [list(r)[:3] + [""] * (3 - len(r[:3])) for r in reasons]
        self.generation += generation

    def __len__(self) -> int:
        return len(self.ids)

    def dump(self) -> bytes:
        import numpy as np

        order = np.argsort(np.array(self.ids, dtype="S")) if self.ids else np.zeros(0, dtype=np.int64)

        def column(values: Sequence[Any], dtype: Any) -> Any:
            return np.array(values, dtype=dtype)[order] if len(values) else np.zeros(0, dtype=dtype)

        out = io.BytesIO()
        np.savez_compressed(
            out,
            ids=column(self.ids, "S"),
            probability=column(self.probability, np.float64),
            tier=column(self.tier, "S"),
            version=column(self.version, "S"),
            reasons=column(self.reasons, "S").reshape(len(self.ids), 3),
            generation=column(self.generation, np.int64),
        )
        return out.getvalue()
