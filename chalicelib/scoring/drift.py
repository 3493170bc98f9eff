"""Population stability (PSI) of features against the training distributions stored in a model card.

A card keeps, per feature, quantile bin edges and the share of training rows in each bin. Scoring
counts rows per bin (batch segments add their counts up); PSI = sum((a - e) * ln(a / e)) over bins,
and above FLAG_ABOVE a feature is flagged as drifted (the usual rule of thumb: < 0.1 stable,
0.1-0.2 moderate, > 0.2 significant).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

FLAG_ABOVE = 0.2
_FLOOR = 1e-4


def bin_counts(reference: Mapping[str, Sequence[float]], values: Any) -> list[int]:
    """How many of `values` fall in each of the reference's bins (outside values go to the end bins)."""
    import numpy as np

    edges = np.asarray(reference["edges"], dtype=np.float64)
    bins = max(len(reference["fractions"]), 1)
    index = np.searchsorted(edges[1:-1], np.asarray(values, dtype=np.float64), side="right")
    return np.bincount(index, minlength=bins)[:bins].astype(int).tolist()


def psi(reference: Mapping[str, Sequence[float]], counts: Sequence[int]) -> float:
    """PSI of observed bin counts against the reference fractions (0.0 when nothing was observed)."""
    total = sum(counts)
    if total == 0:
        return 0.0
    import math

    out = 0.0
    for expected, count in zip(reference["fractions"], counts, strict=True):
        e, a = max(float(expected), _FLOOR), max(count / total, _FLOOR)
        out += (a - e) * math.log(a / e)
    return out
