"""The scenario library through the API: admins publish, version and retire; bad definitions are
refused field by field; workers see what their audience allows and get the form as JSON Schema."""

from tests.api.services_world import error, fields_of, scenario_body
from tests.api.stations_world import make_member, new_worker
from tests.support.round_trips import authenticated, measure


def keys(reply):
    return [s["key"] for s in reply.json]


def test_the_seeded_library_for_a_worker_who_is_not_a_member(api, worker, library):
    offered = api.as_(worker).get("/v1/scenarios")
    assert keys(offered) == [
        "job_seeking_help",
        "labour_law_consultation",
        "skill_level_certification",
        "wage_arrears_complaint",
        "work_injury_help",
    ]
    assert error(api.as_(worker).get("/v1/scenarios/hardship_aid_application")) == (403, "members_only")
    member = make_member(api, worker)
    assert "hardship_aid_application" in keys(api.as_(member).get("/v1/scenarios"))


def test_the_form_is_json_schema(api, worker, library):
    form = api.as_(worker).get("/v1/scenarios/skill_level_certification").json
    assert (form["title_zh"], form["version"], form["category"]) == ("技能等级认定申请", 1, "certification")
    schema = form["answers_schema"]
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert set(schema["required"]) == {"occupation", "level", "years_in_occupation", "id_number"}
    assert schema["properties"]["level"]["enum"] == ["5", "4", "3", "2", "1"]
    assert schema["properties"]["level"]["x-options"][0]["label_zh"] == "五级/初级工"
    assert schema["properties"]["id_number"]["x-sensitive"] is True
    assert schema["properties"]["current_certificate"]["anyOf"][0]["pattern"] == "^[A-Za-z0-9-]+$"
    assert [(u["name"], u["required"], u["max_files"]) for u in form["uploads"]] == [("evidence", True, 5)]
    assert error(api.as_(worker).get("/v1/scenarios/no_such_thing")) == (404, "scenario_not_found")


def test_group_audiences(api, admin, worker):
    created = api.as_(admin).post("/v1/admin/scenarios", scenario_body("rider_insurance", audience=["delivery_rider"]))
    assert created.status == 201, created.json
    rider = make_member(api, worker, group="delivery_rider", member=False)
    courier = make_member(api, new_worker(api), group="courier", member=False)
    assert keys(api.as_(rider).get("/v1/scenarios")) == ["rider_insurance"]
    assert keys(api.as_(courier).get("/v1/scenarios")) == []
    assert error(api.as_(courier).get("/v1/scenarios/rider_insurance")) == (403, "not_in_audience")


def test_bad_definitions_are_refused_with_field_errors(api, admin):
    fields = [
        {"name": "kind", "label_zh": "类别", "label_en": "Kind", "type": "choice"},
        {"name": "amount", "label_zh": "金额", "label_en": "Amount", "type": "number", "min": 100, "max": 1},
        {"name": "amount", "label_zh": "重复", "label_en": "Again", "type": "text", "pattern": "(unclosed"},
    ]
    refused = api.as_(admin).post(
        "/v1/admin/scenarios", scenario_body(fields=fields), headers={"Accept-Language": "en"}
    )
    assert refused.status == 400
    assert fields_of(refused) == {
        "fields.0.options": "options_required",
        "fields.1.min": "min_above_max",
        "fields.2.name": "duplicate_field",
        "fields.2.pattern": "bad_pattern",
    }
    assert "regular expression" in next(
        d["message"] for d in refused.json["error"]["details"] if d["field"] == "fields.2.pattern"
    )
    typo = api.as_(admin).post("/v1/admin/scenarios", scenario_body(fields=[{**fields[0], "type": "checkbox"}]))
    assert typo.status == 400 and fields_of(typo) == {"fields.0.type": "literal_error"}
    assert api.as_(admin).post("/v1/admin/scenarios", scenario_body(key="Bad Key")).status == 400
    assert api.as_(admin).post("/v1/admin/scenarios", scenario_body(fields=[])).status == 400


def test_publish_version_and_retire(api, admin, worker):
    assert api.as_(admin).post("/v1/admin/scenarios", scenario_body()).json["version"] == 1
    assert error(api.as_(admin).post("/v1/admin/scenarios", scenario_body())) == (409, "scenario_exists")
    extra = {"name": "city", "label_zh": "城市", "label_en": "City", "type": "text"}
    spec = {k: v for k, v in scenario_body().items() if k != "key"}
    v2 = api.as_(admin).put("/v1/admin/scenarios/test_service", {**spec, "fields": [*spec["fields"], extra]})
    assert (v2.status, v2.json["version"]) == (201, 2)
    form = api.as_(worker).get("/v1/scenarios/test_service").json
    assert form["version"] == 2 and "city" in form["answers_schema"]["properties"]
    assert keys(api.as_(worker).get("/v1/scenarios")) == ["test_service"]  # one entry, the latest
    retired = api.as_(admin).post("/v1/admin/scenarios/test_service/retire")
    assert retired.status == 200 and retired.json["retired"] is True
    assert keys(api.as_(worker).get("/v1/scenarios")) == []
    assert error(api.as_(worker).get("/v1/scenarios/test_service")) == (422, "scenario_retired")
    assert error(api.as_(admin).post("/v1/admin/scenarios/test_service/retire")) == (422, "scenario_retired")
    assert api.as_(admin).get("/v1/admin/scenarios/test_service").json["version"] == 2
    assert error(api.as_(admin).put("/v1/admin/scenarios/nothing_here", spec)) == (404, "scenario_not_found")
    assert error(api.as_(worker).post("/v1/admin/scenarios", scenario_body("other_one"))) == (403, "role_not_allowed")


def test_publishing_and_retiring_are_audited_in_the_same_write(api, admin, calls):
    from chalicelib.domain.instants import utc_stamp
    from chalicelib.store import audit

    spec = {k: v for k, v in scenario_body().items() if k != "key"}
    assert measure(calls, lambda: api.as_(admin).post("/v1/admin/scenarios", scenario_body())) == authenticated(
        {
            "Query": 1,
            "TransactWriteItems": 1,
        }
    )
    assert error(api.as_(admin).post("/v1/admin/scenarios", scenario_body())) == (409, "scenario_exists")
    assert measure(calls, lambda: api.as_(admin).put("/v1/admin/scenarios/test_service", spec)) == authenticated(
        {
            "Query": 1,
            "TransactWriteItems": 1,
        }
    )
    assert measure(calls, lambda: api.as_(admin).post("/v1/admin/scenarios/test_service/retire")) == authenticated(
        {
            "Query": 1,
            "TransactWriteItems": 1,
        }
    )
    assert error(api.as_(admin).post("/v1/admin/scenarios/test_service/retire")) == (422, "scenario_retired")
    trail = audit.trail("scenario#test_service")  # the refusals left no entry
    assert sorted((e.action, e.actor, e.detail["version"]) for e in trail) == [
        ("publish", admin.member_id, 1),
        ("publish", admin.member_id, 2),
        ("retire", admin.member_id, 2),
    ]
    shown = api.as_(admin).get("/v1/admin/scenarios/test_service").json
    assert shown["created_at"] == utc_stamp(trail[0].at)  # the clock stands: 2026-11-27T02:00:00.000000Z
