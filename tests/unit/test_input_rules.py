"""The pure rules behind "input that must never hurt": nesting, digits, unsafe characters, CSV cells,
patterns the linear-time engine takes."""

from __future__ import annotations

import json

import pytest

from chalicelib.domain.errors import MalformedJson, ValidationFailed
from chalicelib.domain.json_input import MAX_DEPTH, loads, nesting_depth
from chalicelib.domain.scenarios import pattern_problem
from chalicelib.domain.station_transfer import cell_value, inert_cell
from chalicelib.domain.validators import normalize_id_number, normalize_mobile, unsafe_character


def reference_depth(value) -> int:
    """The slow, obvious nesting depth of a parsed value, to compare nesting_depth with."""
    if isinstance(value, list):
        return 1 + max((reference_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((reference_depth(v) for v in value.values()), default=0)
    return 0


@pytest.mark.parametrize(
    "value",
    [1, "x", [], {}, [[1], {"a": [2, {"b": "[[{"}]}], '"\\"[', {'k\\"[': ["]]]"]}, [[[[[]]]]], {"a": {"b": {}}}],
)
def test_nesting_depth_matches_the_reference(value):
    assert nesting_depth(json.dumps(value).encode()) == reference_depth(value)


def test_loads_refuses_too_deep_before_parsing():
    with pytest.raises(MalformedJson) as err:
        loads(b"[" * 1_000_000)
    assert err.value.code == "too_deep"
    assert loads("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None


@pytest.mark.parametrize("raw", ['"\\ud800"', '["\\udfff"]', '{"a": "\\uDBFF"}', "\ud800".join('""')])
def test_loads_refuses_lone_surrogates(raw):
    with pytest.raises(MalformedJson):
        loads(raw)


def test_a_surrogate_pair_is_one_emoji():
    assert loads('"\\ud83d\\ude00"') == "😀"


def test_loads_names_each_field_holding_an_unsafe_character():
    with pytest.raises(ValidationFailed) as err:
        loads(json.dumps({"a": "ok\n", "b": ["x", "\u202e"], "c": {"d": "\x00"}}))
    assert [d.field for d in err.value.details] == ["b.1", "c.d"]


@pytest.mark.parametrize(
    "raw, phone",
    [
        ("１３８００１３８０００", "13800138000"),
        ("＋８６ １３８－００１３－８０００", "13800138000"),
        ("١٣٨٠٠١٣٨٠٠٠", None),  # Arabic-Indic
        ("13800138００0", "13800138000"),
        ("1380013800𝟎", None),  # mathematical digit zero
        ("１３８００１３８０００\u202e", None),
    ],
)
def test_phones_are_ascii_digits_after_full_width_normalisation(raw, phone):
    assert normalize_mobile(raw) == phone


def test_id_numbers_are_ascii_digits_after_full_width_normalisation():
    assert normalize_id_number("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"
    assert normalize_id_number("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X") is None


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x85", "\u202a", "\u202e", "\u2066", "\u2069"])
def test_unsafe_characters(char):
    assert unsafe_character(f"a{char}b") == char
    assert unsafe_character(f"a{char}b", multiline=True) == char


def test_free_text_may_break_lines_a_name_may_not():
    assert unsafe_character("a\nb\tc\r\n", multiline=True) is None
    assert unsafe_character("a\nb") == "\n"
    assert unsafe_character("王五 \u200f😀") is None  # a right-to-left mark is not an override


@pytest.mark.parametrize(
    "value",
    ["=1+2", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx", "'=1", "''", "'", "'x", "x=1", "-73.9", "-", "", "plain"],
)
def test_csv_cells_are_inert_and_come_back_as_they_were(value):
    cell = inert_cell(value)
    assert not cell.startswith(("=", "+", "@", "\t", "\r")) and (not cell.startswith("-") or cell == value == "-73.9")
    assert cell_value(cell) == value


def test_numbers_stay_numbers_in_csv():
    assert inert_cell(-73.9) == -73.9 and inert_cell("-73.9") == "-73.9"


@pytest.mark.parametrize("pattern", ["^(?=a)", "(?<=a)b", "(?!x)", r"(a)\1", "(?P<n>a)(?P=n)", "[", "(?<!x)y"])
def test_patterns_the_linear_engine_cannot_take(pattern):
    assert pattern_problem(pattern)


@pytest.mark.parametrize("pattern", ["^(a+)+$", r"^\d{6}$", "^[A-Z]{2}-[0-9]+$", "(?i)^abc"])
def test_patterns_it_takes(pattern):
    assert pattern_problem(pattern) is None
