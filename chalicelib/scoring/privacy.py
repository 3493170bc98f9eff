"""A member's choice about profiling: off means no scores and non-personalised recommendations."""
from __future__ import annotations

from datetime import datetime
from typing import get_args

from chalicelib.domain.access import Caller
from chalicelib.domain.scoring_runs import BatchModel
from chalicelib.scoring.views import PrivacyChoice
from chalicelib.store import audit, privacy_prefs
from chalicelib.store.base import iso
from chalicelib.store.privacy_prefs import PrivacyPreference


def set_profiling(caller: Caller, allowed: bool, now: datetime) -> PrivacyChoice:
    """Record the choice (audited: a consent decision is a fact the member may need to prove)."""
    privacy_prefs.set_profiling(caller.member_id, allowed, iso(now), get_args(BatchModel))
    audit.record(f"member#{caller.member_id}", actor=caller.member_id, at=now,
                 action="profiling_on" if allowed else "profiling_off")
    return PrivacyChoice(profiling=allowed, updated_at=iso(now))


def profiling_choice(caller: Caller) -> PrivacyChoice:
    try:
        pref = PrivacyPreference.get(caller.member_id)
        return PrivacyChoice(profiling=bool(pref.profiling), updated_at=pref.updated_at)
    except PrivacyPreference.DoesNotExist:
        return PrivacyChoice(profiling=True, updated_at="")
