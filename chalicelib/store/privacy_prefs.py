"""A member's choice about profiling (PIPL art. 24): opted-out members get no personalised scoring.

privacy_prefs (member_id, store.scoring_tables): one item per member that has ever chosen; no item
means profiling is allowed (the default).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.update import Action

from chalicelib.domain.scoring_inputs import ProfilingChoice
from chalicelib.store.activity_tables import ActivityRecord
from chalicelib.store.base import from_iso, iso
from chalicelib.store.scoring_tables import PrivacyPreference, ScoreRecord
from chalicelib.store.transact import NamedTransaction


def profiling_allowed(member_id: str) -> bool:
    """One GetItem; True unless the member opted out."""
    return choice(member_id).allowed


def choice(member_id: str) -> ProfilingChoice:
    """The member's choice and when it was made (never chosen: allowed, no time). One GetItem."""
    try:
        pref = PrivacyPreference.get(member_id)
    except DoesNotExist:
        return ProfilingChoice(allowed=True, updated_at=None)
    return ProfilingChoice(allowed=bool(pref.profiling), updated_at=from_iso(pref.updated_at))


def set_profiling_in(
    tx: NamedTransaction, member_id: str, allowed: bool, at: datetime, score_models: Iterable[str] = ()
) -> None:
    """The choice, the same flag on the member's activity item (batch scoring scans that table, so it
    skips the member without reading this one), and - when profiling is turned off - the deletion of
    the member's stored scores (and a raised scores generation), all in `tx`."""
    tx.put("choice", PrivacyPreference(member_id, profiling=allowed, updated_at=iso(at)))
    # opting out also raises the member's scores generation: a scoring run's digest that still lists
    # their (now deleted) scores is not trusted for them afterwards (chalicelib.scoring.digest)
    flag: list[Action] = (
        [ActivityRecord.profiling_off.remove()]
        if allowed
        else [ActivityRecord.profiling_off.set(True), ActivityRecord.sv.add(1)]
    )
    tx.update("activity", ActivityRecord(member_id), flag)
    if not allowed:
        for model in score_models:
            tx.delete(f"score:{model}", ScoreRecord(member_id, model))
