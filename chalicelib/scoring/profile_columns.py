"""The profile columns of member features (tenure, employer, membership, worker group, city), read from
members items (online scoring, training) or, for a whole Scan page at once, from the activity items'
profile mirrors (`p`, chalicelib.domain.activity.PROFILE_FIELD_LAYOUT; batch scoring)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.domain.activity import PROFILE_FIELD_LAYOUT, PROFILE_FORMAT_VERSION, PROFILE_HAS_EMPLOYER
from chalicelib.scoring.event_times import days_before, epoch_us
from chalicelib.scoring.feature_matrix import one_hot
from chalicelib.scoring.feature_names import CITY_CODES, MEMBERSHIP_STATES, PROFILE_FIELDS, WORKER_GROUPS

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Profiles:
    """The profile columns of n members, however they were read."""

    days_since_created: Any  # (n,) days from created_at to as_of; 0 when unknown
    has_employer: Any  # (n,) 0/1
    membership: Any  # (n, len(MEMBERSHIP_STATES)) indicators (0/1 or bool)
    group: Any  # (n, len(WORKER_GROUPS)) indicators
    city: Any  # (n, len(CITY_CODES)) indicators


def profile_of(member: Any) -> dict[str, Any]:
    """The profile fields features read, from a members item (PynamoDB model or dict)."""
    get = member.get if isinstance(member, Mapping) else lambda f: getattr(member, f, None)
    return {f: get(f) for f in PROFILE_FIELDS}


def profiles_of(profiles: Sequence[Mapping[str, Any]], as_of: datetime) -> Profiles:
    """From profile dicts (members items, synthetic or stored)."""
    import numpy as np

    return Profiles(
        days_before(as_of, [p.get("created_at") for p in profiles], 0.0),
        np.array([1.0 if p.get("employer_id") else 0.0 for p in profiles]),
        one_hot([p.get("membership_status") for p in profiles], MEMBERSHIP_STATES),
        one_hot([p.get("worker_group") for p in profiles], WORKER_GROUPS),
        one_hot([p.get("city") for p in profiles], CITY_CODES),
    )


@lru_cache(maxsize=1)
def _mirror_dtype() -> Any:
    """numpy's reading of the profile mirror (chalicelib.domain.activity.PROFILE_FIELD_LAYOUT); a text field
    is read as 8-byte words, so comparing a page's values with a vocabulary is a few integer comparisons."""
    import numpy as np

    kinds = {"B": "u1", "q": "<i8"}
    return np.dtype([(name, kinds.get(code) or ("<u8", _words(code))) for name, code in PROFILE_FIELD_LAYOUT])


def _words(code: str) -> int:
    width = int(code[:-1])
    if width % 8:
        raise ValueError(f"profile mirror text fields are whole 8-byte words: {code}")
    return width // 8


@lru_cache(maxsize=8)
def _vocabulary_words(field: str, vocabulary: tuple[str, ...]) -> np.ndarray:
    """(len(vocabulary), words) of each term as the mirror stores it (NUL-padded ASCII); a term the field
    cannot hold gets bytes no stored text has, so it matches nothing."""
    import numpy as np

    width = 8 * _words(dict(PROFILE_FIELD_LAYOUT)[field])
    stored = [t.encode().ljust(width, b"\0") if len(t.encode()) <= width else b"\xff" * width for t in vocabulary]
    return np.frombuffer(b"".join(stored), dtype="<u8").reshape(len(vocabulary), -1)


def mirrored_profiles(blobs: Sequence[bytes], as_of: datetime) -> Profiles:
    """From the activity items' profile mirrors (`p`), decoded for the whole page at once."""
    import numpy as np

    p = np.frombuffer(b"".join(blobs), dtype=_mirror_dtype())
    if len(p) and (p["version"] != PROFILE_FORMAT_VERSION).any():
        raise ValueError(f"profile mirror format is not {PROFILE_FORMAT_VERSION}")
    now = epoch_us(as_of)
    created = p["created_us"]
    days = np.where(created != 0, (now - created).astype(np.float64) / 86_400e6, 0.0)

    def indicators(field: str, vocabulary: tuple[str, ...]) -> Any:
        words, terms = np.ascontiguousarray(p[field]), _vocabulary_words(field, vocabulary)
        equal = words[:, 0, None] == terms[:, 0]  # (n, terms), in the layout of the matrix
        for k in range(1, words.shape[1]):
            equal &= words[:, k, None] == terms[:, k]
        return equal

    return Profiles(
        days,
        (p["flags"] & PROFILE_HAS_EMPLOYER).astype(bool),
        indicators("membership_status", MEMBERSHIP_STATES),
        indicators("worker_group", WORKER_GROUPS),
        indicators("city", CITY_CODES),
    )
