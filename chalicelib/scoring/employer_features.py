"""The employer features (labour risk): rights requests and members joining and leaving, from the activity
records kept under `employer#<id>` (chalicelib.domain.activity.employer_subject), plus union and industry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.scoring.feature_matrix import one_hot, stack
from chalicelib.scoring.feature_names import EMPLOYER_EVENTS, EMPLOYER_FEATURES, INDUSTRIES
from chalicelib.scoring.history_reader import first_week, weekly_counts

if TYPE_CHECKING:
    import numpy as np


def employer_matrix(
    employers: Sequence[Mapping[str, Any]], records: Sequence[Mapping[str, Any] | None], as_of: datetime
) -> np.ndarray:
    """(n, len(EMPLOYER_FEATURES)) float32 from employers items and their activity records."""
    counts = weekly_counts(records, EMPLOYER_EVENTS, as_of)[:, :-1, ::-1].astype(float)  # most recent week first
    rights, joined, left = counts[:, 0, :], counts[:, 1, :], counts[:, 2, :]
    cols: dict[str, Any] = {
        **{f"rights_requests_{w}w": rights[:, :w].sum(axis=1) for w in (1, 2, 4, 8, 13, 26)},
        "weeks_since_rights_request": first_week(rights),
        "members_joined_26w": joined.sum(axis=1),
        "members_left_13w": left[:, :13].sum(axis=1),
        "members_left_26w": left.sum(axis=1),
        "has_union": [1.0 if e.get("has_union") else 0.0 for e in employers],
    }
    cols["rights_requests_trend"] = cols["rights_requests_4w"] / 4 - cols["rights_requests_26w"] / 26
    cols["left_per_joined_26w"] = cols["members_left_26w"] / (cols["members_joined_26w"] + 1)
    cols["rights_per_joined_26w"] = cols["rights_requests_26w"] / (cols["members_joined_26w"] + 1)
    for term, column in zip(INDUSTRIES, one_hot([e.get("industry") for e in employers], INDUSTRIES).T, strict=True):
        cols[f"industry_{term}"] = column
    return stack(cols, EMPLOYER_FEATURES)
