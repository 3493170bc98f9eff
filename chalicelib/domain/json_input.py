"""JSON from outside (a request body, a GeoJSON file inside one) that cannot hurt: bounded nesting,
no lone surrogates, no control characters or direction overrides in any string.

The nesting is measured on the raw bytes before `json.loads` runs (which recurses, and whose
RecursionError would otherwise be a 500); strings are skipped with one linear-time regex.
"""

from __future__ import annotations

import json
import re
from typing import Any

from chalicelib.domain.errors import FieldIssue, MalformedJson, ValidationFailed
from chalicelib.domain.messages import MESSAGES
from chalicelib.domain.validators import unsafe_character

MAX_DEPTH = 32
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class TooDeep(MalformedJson):
    code = "too_deep"
    zh = f"请求体嵌套超过 {MAX_DEPTH} 层"
    en = f"The request body is nested more than {MAX_DEPTH} levels deep"


def nesting_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in `raw` (brackets inside strings do not count)."""
    depth = deepest = 0
    for bracket in _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def loads(raw: bytes | str) -> Any:
    """The JSON value of `raw`; MalformedJson (400) when it is not JSON, too deep, not UTF-8 text or
    holds a lone surrogate; ValidationFailed naming each field whose text holds an unsafe character."""
    try:  # strict both ways: json.loads itself would let a lone surrogate through (surrogatepass)
        text, data = (raw.decode("utf-8"), raw) if isinstance(raw, bytes) else (raw, raw.encode("utf-8"))
    except UnicodeError as exc:
        raise MalformedJson() from exc
    if nesting_depth(data) > MAX_DEPTH:
        raise TooDeep()
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise MalformedJson() from exc
    if _SURROGATE_ESCAPE.search(data):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise MalformedJson("请求体包含无效的 Unicode 字符", "The request body holds invalid Unicode") from exc
    return refuse_unsafe_text(value)


def refuse_unsafe_text(value: Any) -> Any:
    """`value` unchanged, or ValidationFailed naming each field whose text holds an unsafe character."""
    issues = list(_unsafe_strings(value, "body"))
    if issues:
        raise ValidationFailed(details=issues[:20])
    return value


def _unsafe_strings(value: Any, where: str) -> Any:
    """A FieldIssue for every string (or key) holding a control character or a direction override."""
    if isinstance(value, str):
        if unsafe_character(value, multiline=True):
            yield FieldIssue(where, "unsafe_character", *MESSAGES["unsafe_character"])
    elif isinstance(value, dict):
        for key, item in value.items():
            path = key if where == "body" else f"{where}.{key}"
            yield from _unsafe_strings(key, path)
            yield from _unsafe_strings(item, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unsafe_strings(item, f"{where}.{index}" if where != "body" else str(index))
