"""Scenario definitions: what is refused and why; forms compiled to pydantic models and JSON Schema."""

from typing import Any

import pytest

from chalicelib.domain.scenario_forms import AnswersInvalid, answers_model, answers_schema, check_answers, uploads
from chalicelib.domain.scenarios import Scenario, ScenarioSpec, definition_issues


def spec(*fields: dict[str, Any], **more: Any) -> ScenarioSpec:
    return ScenarioSpec.model_validate(
        {
            "category": "other",
            "title_zh": "测试",
            "title_en": "Test",
            "description_zh": "说明",
            "description_en": "About",
            "fields": list(fields),
            **more,
        }
    )


def field(name: str, type_: str, **more: Any) -> dict[str, Any]:
    return {"name": name, "label_zh": name, "label_en": name, "type": type_, **more}


def scenario(*fields: dict[str, Any], version: int = 1, **more: Any) -> Scenario:
    return Scenario.model_validate(
        {
            **spec(*fields, **more).model_dump(),
            "key": "test_form",
            "version": version,
            "created_at": "2026-11-27T02:00:00Z",
        }
    )


def issues(s: ScenarioSpec) -> dict[str, str]:
    return {i.field: i.code for i in definition_issues(s)}


def test_bad_definitions_are_refused_naming_the_field():
    bad = spec(
        field("kind", "choice"),
        field("amount", "number", min=10, max=1),
        field("amount", "text"),
        field("code", "text", pattern="([a-z"),
        field("when", "date", min=1),
        field("note", "text", min_length=9, max_length=3),
        field("size", "number", pattern="x"),
        field("pick", "choice", options=[{"value": "a", "label_zh": "甲", "label_en": "A"}] * 2),
        field("files", "file", max=50),
    )
    assert issues(bad) == {
        "fields.0.options": "options_required",
        "fields.1.min": "min_above_max",
        "fields.2.name": "duplicate_field",
        "fields.3.pattern": "bad_pattern",
        "fields.4.min": "bounds_not_allowed",
        "fields.5.min_length": "min_above_max",
        "fields.6.min_length": "length_not_allowed",
        "fields.7.options": "duplicate_option",
        "fields.8.max": "too_many_files",
    }


def test_a_good_definition_has_no_issues():
    good = spec(
        field("topic", "choice", options=[{"value": "wages", "label_zh": "工资", "label_en": "Wages"}]),
        field("question", "long_text", min_length=5),
        field("phone", "phone", required=False),
    )
    assert definition_issues(good) == []


def errors(s: Scenario, answers: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(AnswersInvalid) as refused:
        check_answers(s, answers)
    return {i.field: i.code for i in refused.value.issues}


def test_answers_are_validated_per_field_type():
    s = scenario(
        field("title", "text", max_length=5, pattern=r"^[A-Z]+$"),
        field("story", "long_text", min_length=3),
        field("amount", "number", min=1, max=100),
        field("day", "date"),
        field("level", "choice", options=[{"value": "5", "label_zh": "五级", "label_en": "Level 5"}]),
        field("phone", "phone"),
        field("id_number", "id_number"),
        field("employer", "employer"),
        field("proof", "file"),
    )
    assert errors(
        s,
        {
            "title": "toolong",
            "story": "ab",
            "amount": 101,
            "day": "2026-02-30",
            "level": "6",
            "phone": "12345",
            "id_number": "110105194912310021",
            "employer": "",
            "proof": ["x"],
        },
    ) == {
        "answers.title": "string_too_long",
        "answers.story": "string_too_short",
        "answers.amount": "less_than_equal",
        "answers.day": "date_from_datetime_parsing",
        "answers.level": "literal_error",
        "answers.phone": "invalid_phone",
        "answers.id_number": "invalid_id_number",
        "answers.employer": "string_too_short",
        "answers.proof": "extra_forbidden",
    }
    assert errors(s, {"title": "abc"})["answers.title"] == "string_pattern_mismatch"
    assert errors(s, {})["answers.phone"] == "missing"
    assert errors(s, ["not", "a", "dict"]) == {"answers": "model_type"}  # type: ignore[arg-type]
    ok = check_answers(
        s,
        {
            "title": "AB",
            "story": "  xyz ",
            "amount": "12",
            "day": "2026-11-27",
            "level": "5",
            "phone": "+86 139-1234-5678",
            "id_number": "11010519491231002x",
            "employer": "emp-1",
        },
    )
    assert ok == {
        "title": "AB",
        "story": "xyz",
        "amount": 12,
        "day": "2026-11-27",
        "level": "5",
        "phone": "13912345678",
        "id_number": "11010519491231002X",
        "employer": "emp-1",
    }


def test_optional_fields_may_be_left_out_and_names_never_clash_with_pydantic():
    s = scenario(field("json", "text", required=False), field("model_config", "number", required=False))
    assert check_answers(s, {}) == {}
    assert check_answers(s, {"json": "x", "model_config": 1.5}) == {"json": "x", "model_config": 1.5}


def test_the_form_is_json_schema_with_labels_and_the_file_fields_are_uploads():
    levels = [
        {"value": "5", "label_zh": "五级", "label_en": "Level 5"},
        {"value": "4", "label_zh": "四级", "label_en": "Level 4"},
    ]
    s = scenario(
        field("level", "choice", options=levels), field("note", "text", required=False), field("proof", "file", max=3)
    )
    schema = answers_schema(s)
    assert schema["required"] == ["level"] and schema["additionalProperties"] is False
    assert schema["properties"]["level"]["enum"] == ["5", "4"]
    assert schema["properties"]["level"]["x-options"][0]["label_zh"] == "五级"
    assert "proof" not in schema["properties"]
    assert uploads(s) == [
        {
            "name": "proof",
            "label_zh": "proof",
            "label_en": "proof",
            "required": True,
            "min_files": 1,
            "max_files": 3,
            "content_types": ["image/jpeg", "image/png", "application/pdf"],
        }
    ]


def test_compiled_models_are_cached_per_key_and_version():
    v1, v2 = scenario(field("aa", "text")), scenario(field("bb", "text"), version=2)
    assert answers_model(v1) is answers_model(v1)
    assert answers_model(v1) is not answers_model(v2)
    assert check_answers(v1, {"aa": "x"}) == {"aa": "x"}
