"""Tier thresholds in force, and the model cards admins see with them.

`current(name)` is what online and batch scoring cut tiers with: an admin's stored override
(model_settings table) if there is one, else the card's validation-chosen thresholds, else
cards.DEFAULT_THRESHOLDS.

Each container caches a model's thresholds for at most TTL_SECONDS (time from the runtime's
injectable clock), so a change made elsewhere is used within a minute, at one GetItem per model per
minute; a change made through this container (`set_override`) is used at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.domain.access import Caller
from chalicelib.domain.errors import NotFound
from chalicelib.domain.scoring_errors import NoTiers, ThresholdsChanged
from chalicelib.domain.scoring_inputs import TierOverride
from chalicelib.domain.scoring_models import MODEL_NAMES
from chalicelib.runtime import Clock, runtime
from chalicelib.scoring import cards
from chalicelib.scoring.cards import DEFAULT_THRESHOLDS, card_thresholds
from chalicelib.store import model_settings as store
from chalicelib.store.base import iso
from chalicelib.store.unit_of_work import unit_of_work

TTL_SECONDS = 60.0


def _values(override: TierOverride) -> dict[str, float]:
    return {"medium": override.medium, "high": override.high}


@dataclass(frozen=True)
class _Entry:
    values: dict[str, float]
    read_at: datetime


class ThresholdCache:
    """Per-container cache of the thresholds in force, each model's entry kept at most `ttl` seconds."""

    def __init__(self, clock: Clock, *, ttl: float = TTL_SECONDS) -> None:
        self.clock = clock
        self.ttl = ttl
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def current(self, name: str) -> dict[str, float]:
        now = self.clock.now()
        entry = self._entries.get(name)
        if entry is None or (now - entry.read_at).total_seconds() >= self.ttl or now < entry.read_at:
            override = store.get(name)
            entry = _Entry(_values(override) if override else card_thresholds(name), now)
            with self._lock:
                self._entries[name] = entry
        return dict(entry.values)

    def invalidate(self, name: str | None = None) -> None:
        with self._lock:
            if name is None:
                self._entries.clear()
            else:
                self._entries.pop(name, None)


def _cache() -> ThresholdCache:
    rt = runtime()
    return rt.shared("tier_thresholds", lambda: ThresholdCache(rt.clock))


def current(name: str) -> dict[str, float]:
    """{"medium", "high"} in force for model `name` (override, else card, else DEFAULT_THRESHOLDS)."""
    return _cache().current(name)


def invalidate(name: str | None = None) -> None:
    _cache().invalidate(name)


# --- admin: model cards and overrides -------------------------------------------------------


def summary(name: str, c: dict[str, Any], override: TierOverride | None, *, detail: bool) -> dict[str, Any]:
    """What an admin sees of one card: never the feature distributions unless `detail`."""
    tiered = cards.has_tiers(c)
    in_force = _values(override) if override else card_thresholds(name)
    out: dict[str, Any] = {
        "name": name,
        "version": c.get("version"),
        "trained_at": c.get("trained_at"),
        "objective": c.get("params", {}).get("objective"),
        "has_tiers": tiered,
        "metrics": c.get("metrics"),
        "feature_count": len(c.get("feature_names", [])),
        "feature_set": c.get("feature_set"),
        "model_bytes": cards.model_bytes(name, c),
        "data": c.get("data"),
        "thresholds": {
            "in_force": in_force if tiered else None,
            "card": c.get("thresholds"),
            "default": DEFAULT_THRESHOLDS if tiered and not c.get("thresholds") else None,
            "override": (
                {**_values(override), "updated_at": iso(override.updated_at), "updated_by": override.updated_by}
                if override
                else None
            ),
        },
    }
    if detail:
        out["feature_names"] = c.get("feature_names")
        out["feature_distributions"] = c.get("feature_distributions")
    return out


def catalogue(*, detail: bool = False) -> list[dict[str, Any]]:
    """Every packaged model's card with the thresholds in force: one BatchGetItem for the overrides."""
    found = {name: c for name in MODEL_NAMES if (c := cards.card(name)) is not None}
    overrides = store.get_many(sorted(found))
    return [summary(name, c, overrides.get(name), detail=detail) for name, c in found.items()]


def set_override(admin: Caller, name: str, medium: float, high: float, now: datetime) -> dict[str, Any]:
    """Store new thresholds for a model (audited with the old and new values) and use them here at once.

    Round trips: GetItem (the override in force, read consistently) + one TransactWriteItems
    (the setting, only if unchanged since read, and its audit entry)."""
    c = cards.card(name) if name in MODEL_NAMES else None
    if c is None:
        raise NotFound()
    if not cards.has_tiers(c):
        raise NoTiers()
    cards.check(medium, high)
    before = store.get(name, consistent=True)
    old = (
        {**_values(before), "source": "override"}
        if before
        else {**card_thresholds(name), "source": "card" if c.get("thresholds") else "default"}
    )
    setting = TierOverride(name, medium=medium, high=high, updated_at=now, updated_by=admin.member_id)
    with unit_of_work(now, refuse={store.SETTING_UNCHANGED: ThresholdsChanged}) as uow:
        store.replace_in(uow, setting, read=before)
        uow.audit(
            admin.member_id,
            "set_thresholds",
            target=f"model#{name}",
            detail={"old": old, "new": {"medium": medium, "high": high}},
        )
    invalidate(name)
    return summary(name, c, setting, detail=False)
