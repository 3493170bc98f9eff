"""Settings of a packaged model that admins change at run time: today its tier thresholds.

model_settings (model, store.scoring_tables)   one small item per model with an override; none = the card's values

Named condition:
  SETTING_UNCHANGED   the stored override is still the one read (or there is still none), so two admins
                      changing the same model's thresholds at once cannot both win
"""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.scoring_inputs import TierOverride
from chalicelib.store.base import from_iso, iso
from chalicelib.store.scoring_tables import ModelSetting
from chalicelib.store.transact import NamedTransaction

SETTING_UNCHANGED = "setting"


def _override(record: ModelSetting) -> TierOverride:
    return TierOverride(
        model=record.model,
        medium=float(record.medium),
        high=float(record.high),
        updated_at=from_iso(record.updated_at),
        updated_by=record.updated_by,
    )


def get(name: str, *, consistent: bool = False) -> TierOverride | None:
    """One GetItem."""
    try:
        return _override(ModelSetting.get(name, consistent_read=consistent))
    except DoesNotExist:
        return None


def get_many(names: list[str]) -> dict[str, TierOverride]:
    """The overrides of several models: one BatchGetItem."""
    return {s.model: _override(s) for s in ModelSetting.batch_get(names)} if names else {}


def replace_in(tx: NamedTransaction, setting: TierOverride, *, read: TierOverride | None) -> None:
    """Write `setting` only if the stored one is still the one read (`read`, or none at all)."""
    unchanged = (ModelSetting.updated_at == iso(read.updated_at)) if read else ModelSetting.model.does_not_exist()
    tx.put(
        SETTING_UNCHANGED,
        ModelSetting(
            setting.model,
            medium=setting.medium,
            high=setting.high,
            updated_at=iso(setting.updated_at),
            updated_by=setting.updated_by,
        ),
        condition=unchanged,
    )
