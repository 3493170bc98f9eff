"""Field-level messages in zh-CN and en for pydantic's error types and our own.

Our own validators raise PydanticCustomError(code, english_text); the Chinese text is looked up
here by code. pydantic's built-in types are translated with their context values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.domain.errors import FieldIssue

# code -> (zh template, en template); templates may use the error's ctx values.
MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("必填", "is required"),
    "extra_forbidden": ("不支持该字段", "is not a known field"),
    "string_type": ("应为文本", "must be a string"),
    "int_type": ("应为整数", "must be an integer"),
    "int_parsing": ("应为整数", "must be an integer"),
    "float_type": ("应为数字", "must be a number"),
    "float_parsing": ("应为数字", "must be a number"),
    "bool_type": ("应为 true 或 false", "must be true or false"),
    "bool_parsing": ("应为 true 或 false", "must be true or false"),
    "list_type": ("应为列表", "must be a list"),
    "dict_type": ("应为对象", "must be an object"),
    "model_type": ("应为对象", "must be an object"),
    "model_attributes_type": ("应为对象", "must be an object"),
    "date_type": ("应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "date_parsing": ("应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "date_from_datetime_parsing": ("应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "datetime_type": ("应为 ISO 8601 时间", "must be an ISO 8601 date-time"),
    "datetime_parsing": ("应为 ISO 8601 时间", "must be an ISO 8601 date-time"),
    "datetime_from_date_parsing": ("应为 ISO 8601 时间", "must be an ISO 8601 date-time"),
    "string_too_short": ("至少 {min_length} 个字符", "must have at least {min_length} characters"),
    "string_too_long": ("最多 {max_length} 个字符", "must have at most {max_length} characters"),
    "too_short": ("至少 {min_length} 项", "must have at least {min_length} items"),
    "too_long": ("最多 {max_length} 项", "must have at most {max_length} items"),
    "string_pattern_mismatch": ("格式不正确", "has the wrong format"),
    "greater_than": ("应大于 {gt}", "must be greater than {gt}"),
    "greater_than_equal": ("应不小于 {ge}", "must be at least {ge}"),
    "less_than": ("应小于 {lt}", "must be less than {lt}"),
    "less_than_equal": ("应不大于 {le}", "must be at most {le}"),
    "literal_error": ("取值应为 {expected}", "must be one of {expected}"),
    "enum": ("取值应为 {expected}", "must be one of {expected}"),
    "invalid_phone": (
        "应为中国大陆手机号（1 开头 11 位）",
        "must be a mainland China mobile number (11 digits starting with 1)",
    ),
    "invalid_id_number": (
        "身份证号码无效（格式、出生日期或校验位错误）",
        "is not a valid resident ID number (format, birth date or check digit)",
    ),
    "invalid_code": ("验证码应为 6 位数字", "must be a 6-digit code"),
    "blank": ("不能为空", "must not be blank"),
    "unsafe_character": (
        "不能包含控制字符或文字方向控制符",
        "must not contain control characters or direction overrides",
    ),
    "unknown_employer": ("找不到该单位", "is not a known employer"),
    "unknown_city": ("不支持该城市", "is not a supported city"),
}


def _fill(template: str, ctx: dict[str, Any]) -> str:
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return template


def issue_from_pydantic(error: Mapping[str, Any]) -> FieldIssue:
    """Turn one entry of ValidationError.errors() into a bilingual FieldIssue."""
    field = ".".join(str(part) for part in error.get("loc", ()) if part != "__root__") or "body"
    code = error.get("type", "value_error")
    ctx = {k: v for k, v in (error.get("ctx") or {}).items() if isinstance(v, (str, int, float))}
    zh, en = MESSAGES.get(code, ("格式不正确", error.get("msg", "is not valid")))
    return FieldIssue(field=field, code=code, zh=_fill(zh, ctx), en=_fill(en, ctx))
