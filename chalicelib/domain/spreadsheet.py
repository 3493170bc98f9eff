"""Cells a spreadsheet opens as text: every CSV the platform writes goes through `inert_cell`.

A spreadsheet runs a cell that starts with = + - @, a tab or a CR as a formula (OWASP "CSV
injection"): such a cell - and one that already starts with the quote - gets a single quote in
front, and `cell_value` takes exactly that quote off again, so import -> export -> import keeps
every value. Plain numbers (a negative longitude) are left as they are.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?$")


def inert_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, "'")) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def cell_value(cell: str) -> str:
    """The value an exported cell stands for: inert_cell's quote taken off again."""
    if cell.startswith("'") and cell[1:].startswith((*FORMULA_STARTS, "'")):
        return cell[1:]
    return cell
