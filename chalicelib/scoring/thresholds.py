"""Tier thresholds in force, and the model cards they come from.

`current(name)` is what online and batch scoring cut tiers with: an admin's stored override
(model_settings table) if there is one, else the card's validation-chosen thresholds, else
DEFAULT_THRESHOLDS. Models whose card has none (service_demand, whose stored probability is its
most likely category's) use DEFAULT_THRESHOLDS: medium from 0.25, high from 0.40 - about the top
30 % and top 10 % of members on the synthetic population, the same shares the churn card's tiers
were chosen for.

Each container caches a model's thresholds for at most TTL_SECONDS (time from the runtime's
injectable clock), so a change made elsewhere is used within a minute, at one GetItem per model per
minute; a change made through this container (`set_override`) is used at once. Card files are read
as JSON (no xgboost) from the model registry's directory.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from chalicelib.domain.access import Caller
from chalicelib.domain.errors import Conflict, FieldIssue, NotFound, RuleViolation
from chalicelib.runtime import Clock, runtime
from chalicelib.scoring import model
from chalicelib.store import model_settings as store
from chalicelib.store.base import iso
from chalicelib.store.transact import Cancelled, NamedTransaction

TTL_SECONDS = 60.0
DEFAULT_THRESHOLDS: dict[str, float] = {"medium": 0.25, "high": 0.40}


class NoTiers(RuleViolation):
    code = "model_has_no_tiers"
    zh = "该模型输出的不是概率，没有风险分级"
    en = "This model does not output probabilities and has no tiers"


class ThresholdsBad(RuleViolation):
    code = "invalid_thresholds"
    zh = "阈值须满足 0 < medium < high < 1"
    en = "Thresholds must satisfy 0 < medium < high < 1"


def card(name: str) -> dict[str, Any] | None:
    """The card of a packaged model (from the registry's directory), or None."""
    path = Path(model.registry().directory) / name / "card.json"
    try:
        return _read_card(str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        return None


_card_cache: dict[tuple[str, int], dict[str, Any]] = {}


def _read_card(path: str, mtime: int) -> dict[str, Any]:
    key = (path, mtime)          # a rewritten card (make retrain) is read again
    if key not in _card_cache:
        _card_cache[key] = json.loads(Path(path).read_text())
    return _card_cache[key]


def card_thresholds(name: str) -> dict[str, float]:
    found = (card(name) or {}).get("thresholds")
    return {"medium": float(found["medium"]), "high": float(found["high"])} if found else dict(DEFAULT_THRESHOLDS)


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
            values = ({"medium": float(override.medium), "high": float(override.high)} if override
                      else card_thresholds(name))
            entry = _Entry(values, now)
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

def _has_tiers(c: dict[str, Any]) -> bool:
    return str(c.get("params", {}).get("objective", "")).startswith("binary:")


def check(medium: float, high: float) -> None:
    """0 < medium < high < 1, else 422 naming the field."""
    issues = []
    for field, value in (("medium", medium), ("high", high)):
        if not 0 < value < 1:
            issues.append(FieldIssue(field, "out_of_range", "须大于 0 且小于 1", "must be greater than 0 and less than 1"))
    if not issues and not medium < high:
        issues.append(FieldIssue("medium", "not_below_high", "须小于 high", "must be less than high"))
    if issues:
        raise ThresholdsBad(details=issues)


def summary(name: str, c: dict[str, Any], override: store.ModelSetting | None, *, detail: bool) -> dict[str, Any]:
    """What an admin sees of one card: never the feature distributions unless `detail`."""
    size = c.get("model_bytes")
    if size is None:
        path = Path(model.registry().directory) / name / "model.ubj"
        size = path.stat().st_size if path.exists() else None
    in_force = ({"medium": float(override.medium), "high": float(override.high)} if override
                else card_thresholds(name))
    out: dict[str, Any] = {
        "name": name, "version": c.get("version"), "trained_at": c.get("trained_at"),
        "objective": c.get("params", {}).get("objective"), "has_tiers": _has_tiers(c),
        "metrics": c.get("metrics"), "feature_count": len(c.get("feature_names", [])),
        "feature_set": c.get("feature_set"), "model_bytes": size, "data": c.get("data"),
        "thresholds": {"in_force": in_force if _has_tiers(c) else None, "card": c.get("thresholds"),
                       "default": DEFAULT_THRESHOLDS if _has_tiers(c) and not c.get("thresholds") else None,
                       "override": ({"medium": float(override.medium), "high": float(override.high),
                                     "updated_at": override.updated_at, "updated_by": override.updated_by}
                                    if override else None)},
    }
    if detail:
        out["feature_names"] = c.get("feature_names")
        out["feature_distributions"] = c.get("feature_distributions")
    return out


def catalogue(*, detail: bool = False) -> list[dict[str, Any]]:
    """Every packaged model's card with the thresholds in force: one BatchGetItem for the overrides."""
    cards = {name: c for name in model.MODEL_NAMES if (c := card(name)) is not None}
    overrides = store.get_many(sorted(cards))
    return [summary(name, c, overrides.get(name), detail=detail) for name, c in cards.items()]


def set_override(admin: Caller, name: str, medium: float, high: float, now: datetime) -> dict[str, Any]:
    """Store new thresholds for a model (audited with the old and new values) and use them here at once.

    Round trips: GetItem (the override in force, read consistently) + one TransactWriteItems
    (the setting, only if unchanged since read, and its audit entry)."""
    c = card(name) if name in model.MODEL_NAMES else None
    if c is None:
        raise NotFound()
    if not _has_tiers(c):
        raise NoTiers()
    check(medium, high)
    before = store.get(name, consistent=True)
    old = ({"medium": float(before.medium), "high": float(before.high), "source": "override"} if before
           else {**card_thresholds(name), "source": "card" if c.get("thresholds") else "default"})
    setting = store.ModelSetting(name, medium=medium, high=high, updated_at=iso(now), updated_by=admin.member_id)
    tx = NamedTransaction()
    store.replace_in(tx, setting, read=before)
    store.audit_in(tx, name, actor=admin.member_id, at=now,
                   detail={"old": old, "new": {"medium": medium, "high": high}})
    try:
        tx.commit()
    except Cancelled as exc:
        raise Conflict("阈值已被他人修改，请刷新后重试", "The thresholds changed meanwhile; reload and retry") from exc
    invalidate(name)
    return summary(name, c, setting, detail=False)
