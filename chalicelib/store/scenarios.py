"""The scenario library's versions as domain `Scenario`s, and its writes as named conditions:

version_free      publishing: no version with this number exists yet (two admins at once)
previous_latest   a new version: the one it replaces still exists (it leaves the catalogue)
still_listed      retiring: the version is still the live one in the catalogue
"""

from __future__ import annotations

from chalicelib.domain.scenarios import Scenario
from chalicelib.store.base import from_iso, iso
from chalicelib.store.scenario_tables import LIVE, ScenarioRecord
from chalicelib.store.transact import NamedTransaction

VERSION_FREE = "version_free"
PREVIOUS_LATEST = "previous_latest"
STILL_LISTED = "still_listed"

S = ScenarioRecord


def to_domain(r: ScenarioRecord) -> Scenario:
    return Scenario.model_validate(
        {
            **r.definition,
            "key": r.scenario_key,
            "version": int(r.version),
            "retired": bool(r.retired),
            "created_at": from_iso(r.created_at),
        }
    )


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


def put_version_in(tx: NamedTransaction, scenario: Scenario, by: str) -> None:
    """A new version, live (VERSION_FREE)."""
    definition = scenario.model_dump(mode="json", exclude={"key", "version", "retired", "created_at"})
    record = ScenarioRecord(
        scenario.key,
        scenario.version,
        definition=definition,
        retired=False,
        listing=LIVE,
        created_at=iso(scenario.created_at),
        created_by=by,
    )
    tx.put(VERSION_FREE, record, condition=S.scenario_key.does_not_exist())


def unlist_in(tx: NamedTransaction, previous: Scenario) -> None:
    """The version a new one replaces leaves the catalogue (PREVIOUS_LATEST)."""
    tx.update(
        PREVIOUS_LATEST,
        ScenarioRecord(previous.key, previous.version),
        [S.listing.remove()],
        condition=S.scenario_key.exists(),
    )


def retire_in(tx: NamedTransaction, current: Scenario) -> None:
    """The live version leaves the catalogue, marked retired (STILL_LISTED)."""
    tx.update(
        STILL_LISTED,
        ScenarioRecord(current.key, current.version),
        [S.listing.remove(), S.retired.set(True)],
        condition=S.scenario_key.exists() & (S.listing == LIVE),
    )
