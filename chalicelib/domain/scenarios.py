"""The scenario library: a service a worker can ask for (legal advice, wage-arrears complaint, ...)
is data, versioned. A scenario has a form (typed fields with constraints), a workflow, SLA hours per
stage and an audience. `definition_issues` says everything wrong with a definition at once, naming
each field (`fields.2.options`), so an admin can fix it in one go.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field
from pydantic_core import SchemaError, SchemaValidator, core_schema

from chalicelib.domain.audience import admits
from chalicelib.domain.base import Out, Strict
from chalicelib.domain.categories import Category
from chalicelib.domain.errors import FieldIssue
from chalicelib.domain.instants import Stamp
from chalicelib.domain.stations import Audience
from chalicelib.domain.validators import one_line

FieldType = Literal["text", "long_text", "number", "date", "choice", "phone", "id_number", "file", "employer"]
Stage = Literal["submitted", "accepted", "in_progress"]

SLUG = r"^[a-z][a-z0-9_]{1,39}$"
TEXT_TYPES = frozenset({"text", "long_text"})
ALWAYS_SEALED = frozenset({"phone", "id_number"})  # personal data: sealed whatever the scenario says
FILE_TYPES = ("image/jpeg", "image/png", "application/pdf")
MAX_FIELDS = 40


Label = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(one_line)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


class ChoiceOption(Strict):
    value: Annotated[str, Field(min_length=1, max_length=40)]
    label_zh: Label
    label_en: Label


class FormField(Strict):
    """One question. `min`/`max` bound a number's value or a file field's count; `min_length`/
    `max_length` and `pattern` constrain text; `options` list a choice's answers."""

    name: Annotated[str, Field(pattern=SLUG)]
    label_zh: Label
    label_en: Label
    type: FieldType
    required: bool = True
    help_zh: Text | None = None
    help_en: Text | None = None
    options: Annotated[list[ChoiceOption], Field(max_length=50)] | None = None
    min: float | None = None
    max: float | None = None
    min_length: Annotated[int, Field(ge=0, le=20000)] | None = None
    max_length: Annotated[int, Field(ge=1, le=20000)] | None = None
    pattern: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    sensitive: bool = False

    @property
    def min_files(self) -> int:
        """A file field's least number of files: its `min`, else 1 when required."""
        return int(self.min or (1 if self.required else 0))

    @property
    def max_files(self) -> int:
        return int(self.max or 5)


class SlaHours(Strict):
    """How long each open stage may take, in working hours (see domain/working_time.py)."""

    submitted: Annotated[float, Field(gt=0, le=2000)] = 24
    accepted: Annotated[float, Field(gt=0, le=2000)] = 48
    in_progress: Annotated[float, Field(gt=0, le=2000)] = 240


class ScenarioSpec(Strict):
    """What an admin sends: POST /v1/admin/scenarios (with `key`), PUT /v1/admin/scenarios/{key}."""

    category: Category
    title_zh: Label
    title_en: Label
    description_zh: Text
    description_en: Text
    audience: Audience = "all_workers"
    fields: Annotated[list[FormField], Field(min_length=1, max_length=MAX_FIELDS)]
    workflow: Literal["case"] = "case"  # the one state machine today (domain/cases.py)
    sla_hours: SlaHours = SlaHours()
    sensitive: bool = False  # every answer sealed at rest


class ScenarioCreate(ScenarioSpec):
    key: Annotated[str, Field(pattern=SLUG)]


class Scenario(ScenarioCreate):
    """A stored version: never changed once published (a new version is a new one)."""

    model_config = ConfigDict(frozen=True)

    version: int
    retired: bool = False
    created_at: Stamp

    def admits(self, *, is_member: bool, worker_group: str | None) -> bool:
        return admits(self.audience, is_member=is_member, worker_group=worker_group)

    def field(self, name: str) -> FormField | None:
        return next((f for f in self.fields if f.name == name), None)

    def sealed(self, f: FormField) -> bool:
        return self.sensitive or f.sensitive or f.type in ALWAYS_SEALED


class ScenarioSummary(Out):
    key: str
    version: int
    category: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    audience: Any
    retired: bool = False


class ScenarioForm(ScenarioSummary):
    """GET /v1/scenarios/{key}: the answers as JSON Schema, plus the file fields (uploaded after
    submitting, through POST /v1/requests/{id}/attachments)."""

    sla_hours: dict[str, float]
    answers_schema: dict[str, Any]
    uploads: list[dict[str, Any]]


# --- checking a definition (pure) ------------------------------------------------------------


def _issue(where: str, code: str, zh: str, en: str) -> FieldIssue:
    return FieldIssue(where, code, zh, en)


def _field_issues(i: int, f: FormField) -> list[FieldIssue]:
    at = f"fields.{i}"
    issues: list[FieldIssue] = []
    if f.type == "choice":
        values = [o.value for o in f.options or []]
        if not values:
            issues.append(_issue(f"{at}.options", "options_required", "单选题需要选项", "a choice needs options"))
        elif len(set(values)) != len(values):
            issues.append(_issue(f"{at}.options", "duplicate_option", "选项值重复", "option values must be unique"))
    elif f.options is not None:
        issues.append(
            _issue(f"{at}.options", "options_not_allowed", "只有单选题可以有选项", "only a choice has options")
        )
    if (f.min is not None or f.max is not None) and f.type not in ("number", "file"):
        issues.append(
            _issue(
                f"{at}.min",
                "bounds_not_allowed",
                "只有数字和文件题可以设置 min/max",
                "min/max apply to number and file fields only",
            )
        )
    if f.min is not None and f.max is not None and f.min > f.max:
        issues.append(_issue(f"{at}.min", "min_above_max", "最小值大于最大值", "min is greater than max"))
    if f.type == "file" and f.max is not None and not 1 <= f.max <= 10:
        issues.append(_issue(f"{at}.max", "too_many_files", "每题最多 10 个文件", "a file field takes 1-10 files"))
    if (f.min_length is not None or f.max_length is not None or f.pattern) and f.type not in TEXT_TYPES:
        issues.append(
            _issue(
                f"{at}.min_length",
                "length_not_allowed",
                "只有文本题可以设置长度和格式",
                "lengths and patterns apply to text fields only",
            )
        )
    if f.min_length is not None and f.max_length is not None and f.min_length > f.max_length:
        issues.append(
            _issue(f"{at}.min_length", "min_above_max", "最小长度大于最大长度", "min_length is greater than max_length")
        )
    if f.pattern and (problem := pattern_problem(f.pattern)):
        issues.append(
            _issue(
                f"{at}.pattern",
                "bad_pattern",
                f"正则表达式无效或不受支持（不支持环视与反向引用）：{problem}",
                f"is not a regular expression the linear-time engine takes (no look-around, no backreferences): {problem}",
            )
        )
    return issues


def pattern_problem(pattern: str) -> str | None:
    """Why pydantic's Rust regex engine (linear time, RE2 semantics) cannot take `pattern`, or None.
    Answers are matched by that engine, so no pattern can make a worker's answer stall the API."""
    try:
        SchemaValidator(core_schema.str_schema(pattern=pattern))
    except SchemaError as exc:
        return " ".join(str(exc).split())[-160:]
    return None


def definition_issues(spec: ScenarioSpec) -> list[FieldIssue]:
    """Everything wrong with a scenario definition that its types alone cannot say ([] = fine)."""
    issues: list[FieldIssue] = []
    seen: set[str] = set()
    for i, f in enumerate(spec.fields):
        if f.name in seen:
            issues.append(
                _issue(
                    f"fields.{i}.name", "duplicate_field", f"字段名 {f.name} 重复", f"{f.name} is used by another field"
                )
            )
        seen.add(f.name)
        issues.extend(_field_issues(i, f))
    if sum(f.type == "employer" for f in spec.fields) > 1:
        issues.append(_issue("fields", "one_employer_field", "最多一个单位字段", "at most one employer field"))
    return issues
