"""A scenario version's form, compiled at run time into a pydantic model (`pydantic.create_model`).

The model validates a worker's answers (errors name `answers.<field>`) and gives the JSON Schema the
mini-app renders. A version never changes once stored, so the compiled model is cached for the life of the
process, by key, version and a fingerprint of the definition (so a test world that reuses a key with
another form, or a redefinition in a fresh stage, never gets a stale model). Patterns run on pydantic's
default Rust engine (linear time: `^(a+)+$` cannot stall a worker's answer); scenarios.pattern_problem
refuses at save time a pattern it cannot take. File fields are not answers: files are uploaded to the request
afterwards, so they are listed next to the schema as `uploads`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from chalicelib.domain.errors import FieldIssue
from chalicelib.domain.members import IdNumber, MobilePhone
from chalicelib.domain.messages import issue_from_pydantic
from chalicelib.domain.scenarios import FILE_TYPES, FormField, Scenario

TEXT_MAX = {"text": 200, "long_text": 5000}
EmployerId = Annotated[str, Field(min_length=1, max_length=40)]
_compiled: dict[tuple[str, int, str], type[BaseModel]] = {}


def _annotation(f: FormField) -> Any:
    if f.type in TEXT_MAX:
        return Annotated[
            str,
            Field(
                min_length=f.min_length or (1 if f.required else 0),
                max_length=f.max_length or TEXT_MAX[f.type],
                pattern=f.pattern,
            ),
        ]
    if f.type == "number":
        return Annotated[float, Field(ge=f.min, le=f.max, allow_inf_nan=False)]
    if f.type == "choice":
        return Literal[tuple(o.value for o in f.options or [])]
    return {"date": date, "phone": MobilePhone, "id_number": IdNumber, "employer": EmployerId}[f.type]


def _extra(f: FormField, scenario: Scenario) -> dict[str, Any]:
    """What the mini-app needs beyond JSON Schema: labels in both languages, the widget, options."""
    extra: dict[str, Any] = {
        "x-label-zh": f.label_zh,
        "x-label-en": f.label_en,
        "x-type": f.type,
        "x-sensitive": scenario.sealed(f),
    }
    if f.help_zh or f.help_en:
        extra.update({"x-help-zh": f.help_zh, "x-help-en": f.help_en})
    if f.options:
        extra["x-options"] = [o.model_dump() for o in f.options]
    return extra


def answers_model(scenario: Scenario) -> type[BaseModel]:
    """The compiled answers model of this scenario version (built once per process)."""
    key = (scenario.key, scenario.version, scenario.model_dump_json(include={"fields", "sensitive"}))
    if key not in _compiled:
        fields: dict[str, Any] = {}
        for f in scenario.fields:
            if f.type == "file":
                continue
            annotation = _annotation(f)
            # Python names are prefixed so no answer name can clash with BaseModel's own attributes.
            info = Field(
                ... if f.required else None, alias=f.name, title=f.label_en, json_schema_extra=_extra(f, scenario)
            )
            fields[f"a_{f.name}"] = (annotation if f.required else annotation | None, info)
        config = ConfigDict(
            extra="forbid",
            str_strip_whitespace=True,
            title=f"{scenario.key} v{scenario.version}",
        )
        _compiled[key] = create_model(f"Answers_{scenario.key}_v{scenario.version}", __config__=config, **fields)
    return _compiled[key]


def check_answers(scenario: Scenario, answers: dict[str, Any]) -> dict[str, Any]:
    """The validated answers as JSON-ready values (only those given); AnswersInvalid naming
    `answers.<field>` otherwise."""
    try:
        parsed = answers_model(scenario).model_validate(answers)
    except ValidationError as exc:
        raise AnswersInvalid([_prefixed(issue_from_pydantic(dict(e))) for e in exc.errors()]) from exc
    dumped = parsed.model_dump(mode="json", by_alias=True, exclude_none=True)
    return {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in dumped.items()}


class AnswersInvalid(ValueError):
    def __init__(self, issues: list[FieldIssue]) -> None:
        super().__init__("answers invalid")
        self.issues = issues


def _prefixed(issue: FieldIssue) -> FieldIssue:
    field = "answers" if issue.field == "body" else f"answers.{issue.field}"
    return FieldIssue(field, issue.code, issue.zh, issue.en)


def answers_schema(scenario: Scenario) -> dict[str, Any]:
    return answers_model(scenario).model_json_schema(by_alias=True)


def uploads(scenario: Scenario) -> list[dict[str, Any]]:
    return [
        {
            "name": f.name,
            "label_zh": f.label_zh,
            "label_en": f.label_en,
            "required": f.required,
            "min_files": f.min_files,
            "max_files": f.max_files,
            "content_types": list(FILE_TYPES),
        }
        for f in scenario.fields
        if f.type == "file"
    ]
