"""Matrix assembly: indicator blocks, float32 matrices from named columns, runs of adjacent columns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np


def one_hot(values: Sequence[Any], vocabulary: Sequence[str]) -> np.ndarray:
    """(n, len(vocabulary)) indicators; values outside the vocabulary (or None) are all zeros."""
    import numpy as np

    position = {term: i for i, term in enumerate(vocabulary)}
    index = np.fromiter((position.get(v, -1) for v in values), dtype=np.int64, count=len(values))
    out = np.zeros((len(values), len(vocabulary) + 1))
    out[np.arange(len(values)), index] = 1.0  # -1 lands in the spare last column
    return out[:, :-1]


def stack(columns: Mapping[str, Any], names: tuple[str, ...]) -> np.ndarray:
    """(rows, len(names)) float32 in the order of `names` from columns by name (every name computed)."""
    import numpy as np

    rows = max((len(c) for c in columns.values() if hasattr(c, "__len__")), default=0)
    out = np.empty((rows, len(names)), dtype=np.float32)
    for target, values in zip(_positions(names, tuple(columns)), columns.values(), strict=True):
        out[:, target] = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=np.float64)
    return out  # rounded to float32 once, here


@lru_cache(maxsize=16)
def _positions(names: tuple[str, ...], keys: tuple[str, ...]) -> tuple[int, ...]:
    """The column of the matrix of `names` of each computed column, in the order computed."""
    if missing := sorted(set(names) - set(keys)):
        raise KeyError(f"features not computed: {missing}")
    return tuple(names.index(key) for key in keys)


def runs(where: Sequence[int]) -> tuple[tuple[slice, slice], ...]:
    """Columns `where` of a block, as runs of adjacent columns: (columns of the matrix, of the block), so a
    block is copied a run at a time (a copy per column costs more than most features)."""
    starts = [i for i in range(len(where)) if i == 0 or where[i] != where[i - 1] + 1]
    return tuple(
        (slice(where[a], where[b - 1] + 1), slice(a, b)) for a, b in zip(starts, [*starts[1:], len(where)], strict=True)
    )
