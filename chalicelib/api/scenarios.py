"""The scenario library: admins publish, version and retire scenarios; workers list the ones open
to them and fetch a form as JSON Schema."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.api.http import Ref, RequestContext, endpoint
from chalicelib.domain.access import ADMIN, WORKER
from chalicelib.domain.scenarios import Scenario, ScenarioCreate, ScenarioForm, ScenarioSpec, ScenarioSummary
from chalicelib.services import scenarios

bp = Blueprint(__name__)


@endpoint(bp, "/v1/admin/scenarios", methods=["POST"], roles=ADMIN, status=201)
def create_scenario(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body(ScenarioCreate)
    return ctx.once("create_scenario", lambda: scenarios.create(ctx.caller, body, ctx.now), payload=body)


@endpoint(bp, "/v1/admin/scenarios/{key}", methods=["PUT"], roles=ADMIN, status=201)
def new_version(ctx: RequestContext, key: str) -> dict[str, Any]:
    body = ctx.body(ScenarioSpec)
    return ctx.once(
        "new_version", lambda: scenarios.new_version(ctx.caller, key, body, ctx.now), payload=body, target=key
    )


@endpoint(bp, "/v1/admin/scenarios/{key}", methods=["GET"], roles=ADMIN)
def admin_scenario(ctx: RequestContext, key: str) -> Scenario:
    return scenarios.admin_view(key)


@endpoint(bp, "/v1/admin/scenarios/{key}/retire", methods=["POST"], roles=ADMIN)
def retire_scenario(ctx: RequestContext, key: str) -> dict[str, Any]:
    return ctx.once("retire_scenario", lambda: scenarios.retire(ctx.caller, key, ctx.now), payload=Ref(id=key))


@endpoint(bp, "/v1/scenarios", methods=["GET"], roles=WORKER)
def list_scenarios(ctx: RequestContext) -> list[ScenarioSummary]:
    return scenarios.offered(ctx.caller)


@endpoint(bp, "/v1/scenarios/{key}", methods=["GET"], roles=WORKER)
def scenario_form(ctx: RequestContext, key: str) -> ScenarioForm:
    return scenarios.form(ctx.caller, key)
