"""The scenario library: admins publish scenarios and new versions at run time and retire them;
workers see those their audience allows, with the form as JSON Schema.

Round trips: list = 1 Query (sparse catalogue index); form = 1 Query (latest version); publish a
new version = 1 Query + 1 TransactWriteItems (new version + previous leaves the catalogue + audit
entry); retire = 1 Query + 1 TransactWriteItems (version + audit entry).
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import case_errors as err
from chalicelib.domain.access import Caller
from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.scenario_forms import answers_schema, uploads
from chalicelib.domain.scenarios import (
    Scenario,
    ScenarioCreate,
    ScenarioForm,
    ScenarioSpec,
    ScenarioSummary,
    definition_issues,
)
from chalicelib.runtime import runtime
from chalicelib.store import scenarios as store
from chalicelib.store.unit_of_work import unit_of_work


def summary(s: Scenario) -> ScenarioSummary:
    return ScenarioSummary(**s.model_dump(include=set(ScenarioSummary.model_fields)))


def _publish(actor: Caller, key: str, spec: ScenarioSpec, previous: Scenario | None, now: datetime) -> ScenarioSummary:
    """Publish the next version of `key`, live, with its audit entry, in one unit of work."""
    issues = definition_issues(spec)
    if issues:
        raise ValidationFailed(details=issues)
    definition = spec.model_dump(mode="json", exclude={"key"})
    scenario = Scenario.model_validate(
        {**definition, "key": key, "version": previous.version + 1 if previous else 1, "created_at": now}
    )
    taken = err.ScenarioChanged if previous else err.ScenarioExists
    with unit_of_work(now, refuse={store.VERSION_FREE: taken, store.PREVIOUS_LATEST: err.ScenarioChanged}) as uow:
        store.put_version_in(uow, scenario, actor.member_id)
        if previous:
            store.unlist_in(uow, previous)
        uow.audit(actor.member_id, "publish", target=f"scenario#{key}", detail={"version": scenario.version})
    return summary(scenario)


def create(actor: Caller, spec: ScenarioCreate, now: datetime | None = None) -> ScenarioSummary:
    """Version 1 of a new scenario (409 if the key exists). Seed scripts call this too."""
    if store.latest(spec.key) is not None:
        raise err.ScenarioExists()
    return _publish(actor, spec.key, spec, None, now or runtime().clock.now())


def new_version(actor: Caller, key: str, spec: ScenarioSpec, now: datetime) -> ScenarioSummary:
    """Version n+1 becomes the live one; requests filed under earlier versions keep theirs."""
    previous = store.latest(key)
    if previous is None:
        raise err.ScenarioNotFound()
    return _publish(actor, key, spec, previous, now)


def retire(actor: Caller, key: str, now: datetime) -> ScenarioSummary:
    current = store.latest(key)
    if current is None:
        raise err.ScenarioNotFound()
    with unit_of_work(now, refuse={store.STILL_LISTED: err.ScenarioRetired}) as uow:
        store.retire_in(uow, current)
        uow.audit(actor.member_id, "retire", target=f"scenario#{key}", detail={"version": current.version})
    return summary(current.model_copy(update={"retired": True}))


def offered(caller: Caller) -> list[ScenarioSummary]:
    """The live scenarios this worker may use (members-only ones are hidden from non-members)."""
    return [
        summary(s) for s in store.catalogue() if s.admits(is_member=caller.is_member, worker_group=caller.worker_group)
    ]


def usable(caller: Caller, key: str) -> Scenario:
    """The live version of a scenario this worker may use: 404 unknown, 422 retired, 403 audience."""
    scenario = store.latest(key)
    if scenario is None:
        raise err.ScenarioNotFound()
    if scenario.retired:
        raise err.ScenarioRetired()
    if not scenario.admits(is_member=caller.is_member, worker_group=caller.worker_group):
        raise err.ScenarioMembersOnly() if scenario.audience == "members" else err.ScenarioNotInAudience()
    return scenario


def form(caller: Caller, key: str) -> ScenarioForm:
    scenario = usable(caller, key)
    return ScenarioForm(
        **summary(scenario).model_dump(),
        sla_hours=scenario.sla_hours.model_dump(),
        answers_schema=answers_schema(scenario),
        uploads=uploads(scenario),
    )


def admin_view(key: str) -> Scenario:
    scenario = store.latest(key)
    if scenario is None:
        raise err.ScenarioNotFound()
    return scenario
