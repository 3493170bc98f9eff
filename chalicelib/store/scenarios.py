"""The scenario library: one item per (key, version), never changed after it is written except for
leaving the catalogue.

scenarios (scenario_key, version)
    catalogue_index (listing, scenario_key), sparse: only the latest version of a live scenario
    carries `listing = "live"`, so the worker's list is one Query and retired ones drop out by
    themselves.
"""
from __future__ import annotations

from typing import Any

from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.domain.scenarios import Scenario
from chalicelib.store.base import index_meta, table_meta
from chalicelib.store.transact import NamedTransaction

LIVE = "live"


class CatalogueIndex(GlobalSecondaryIndex["ScenarioRecord"]):
    Meta = index_meta("catalogue_index", AllProjection())
    listing = UnicodeAttribute(hash_key=True)
    scenario_key = UnicodeAttribute(range_key=True)


class ScenarioRecord(Model):
    Meta = table_meta("scenarios")
    scenario_key = UnicodeAttribute(hash_key=True)
    version = NumberAttribute(range_key=True)
    definition = JSONAttribute()                # the ScenarioCreate as sent (validated)
    retired = BooleanAttribute(default=False)
    listing = UnicodeAttribute(null=True)       # "live" on the latest version of a live scenario
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    catalogue_index = CatalogueIndex()


S = ScenarioRecord


def to_domain(r: ScenarioRecord) -> Scenario:
    return Scenario.model_validate({**r.definition, "key": r.scenario_key, "version": int(r.version),
                                    "retired": bool(r.retired), "created_at": r.created_at})


def latest(key: str) -> Scenario | None:
    """The newest version of a scenario: one Query, newest first, limit 1."""
    found = next(iter(ScenarioRecord.query(key, scan_index_forward=False, limit=1, consistent_read=True)), None)
    return to_domain(found) if found else None


def version(key: str, number: int) -> Scenario | None:
    try:
        return to_domain(ScenarioRecord.get(key, number))
    except ScenarioRecord.DoesNotExist:
        return None


def catalogue() -> list[Scenario]:
    """Every live scenario at its latest version: one Query on the sparse index."""
    return [to_domain(r) for r in ScenarioRecord.catalogue_index.query(LIVE)]


def put_version_in(tx: NamedTransaction, scenario: Scenario, definition: dict[str, Any], by: str) -> None:
    """A new version, live; refused if that version number exists (two admins at once)."""
    record = ScenarioRecord(scenario.key, scenario.version, definition=definition, retired=False, listing=LIVE,
                            created_at=scenario.created_at, created_by=by)
    tx.put("version", record, condition=S.scenario_key.does_not_exist())


def unlist_in(tx: NamedTransaction, previous: Scenario, *, retire: bool = False) -> None:
    """The previous latest version leaves the catalogue (and is marked retired when retiring)."""
    actions = [S.listing.remove(), *([S.retired.set(True)] if retire else [])]
    condition = S.scenario_key.exists() & (S.listing == LIVE if retire else S.scenario_key.exists())
    tx.update("previous", ScenarioRecord(previous.key, previous.version), actions, condition=condition)
