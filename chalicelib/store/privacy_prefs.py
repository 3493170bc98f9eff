"""A member's choice about profiling (PIPL art. 24): opted-out members get no personalised scoring.

One item per member that has ever chosen; no item means profiling is allowed (the default).
"""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model

from chalicelib.store.base import table_meta


class PrivacyPreference(Model):
    Meta = table_meta("privacy_prefs")
    member_id = UnicodeAttribute(hash_key=True)
    profiling = BooleanAttribute(default=True)
    updated_at = UnicodeAttribute()


def profiling_allowed(member_id: str) -> bool:
    """One GetItem; True unless the member opted out."""
    try:
        return bool(PrivacyPreference.get(member_id).profiling)
    except DoesNotExist:
        return True


def set_profiling(member_id: str, allowed: bool, at_iso: str) -> None:
    PrivacyPreference(member_id, profiling=allowed, updated_at=at_iso).save()
