"""Settings of a packaged model that admins change at run time: today its tier thresholds.

model_settings (model)      one small item per model that has an override; no item = the card's values

A change is written together with its audit entry (old and new values) in one transaction, and only
if nobody changed the setting since it was read (409 otherwise).
"""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model

from chalicelib.store.audit_tables import AuditEntry
from chalicelib.store.base import iso, table_meta
from chalicelib.store.transact import NamedTransaction


class ModelSetting(Model):
    Meta = table_meta("model_settings")
    model = UnicodeAttribute(hash_key=True)
    medium = NumberAttribute()
    high = NumberAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()


def get(name: str, *, consistent: bool = False) -> ModelSetting | None:
    """One GetItem."""
    try:
        return ModelSetting.get(name, consistent_read=consistent)
    except DoesNotExist:
        return None


def get_many(names: list[str]) -> dict[str, ModelSetting]:
    """The overrides of several models: one BatchGetItem."""
    return {s.model: s for s in ModelSetting.batch_get(names)} if names else {}


def replace_in(tx: NamedTransaction, setting: ModelSetting, *, read: ModelSetting | None) -> None:
    """Write `setting` only if the stored one is still the one read (`read`, or none at all)."""
    unchanged = (ModelSetting.updated_at == read.updated_at) if read else ModelSetting.model.does_not_exist()
    tx.put("setting", setting, condition=unchanged)


def audit_in(tx: NamedTransaction, name: str, *, actor: str, at: datetime, detail: dict[str, Any]) -> None:
    """The audit entry of a change (target model#<name>), committed with the change itself."""
    tx.put("audit", AuditEntry(f"model#{name}", f"{iso(at)}#{secrets.token_hex(4)}", actor=actor,
                               action="set_thresholds", detail=detail))
