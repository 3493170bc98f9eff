"""A member's choice about profiling: off means no scores and non-personalised recommendations.

Round trips: set = one TransactWriteItems (the choice, the activity flag, the scores deleted when
turned off, and its audit entry); read = one GetItem.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.access import Caller
from chalicelib.domain.scoring_models import MEMBER_MODELS
from chalicelib.scoring.views import PrivacyChoice
from chalicelib.store import privacy_prefs
from chalicelib.store.base import iso
from chalicelib.store.unit_of_work import unit_of_work


def set_profiling(caller: Caller, allowed: bool, now: datetime) -> PrivacyChoice:
    """Record the choice (audited: a consent decision is a fact the member may need to prove)."""
    with unit_of_work(now) as uow:
        privacy_prefs.set_profiling_in(uow, caller.member_id, allowed, now, MEMBER_MODELS)
        uow.audit(caller.member_id, "profiling_on" if allowed else "profiling_off", target=f"member#{caller.member_id}")
    return PrivacyChoice(profiling=allowed, updated_at=iso(now))


def profiling_choice(caller: Caller) -> PrivacyChoice:
    found = privacy_prefs.choice(caller.member_id)
    return PrivacyChoice(profiling=found.allowed, updated_at=iso(found.updated_at) if found.updated_at else "")
