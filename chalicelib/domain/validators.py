"""Identity checks: Chinese mobile numbers and resident ID numbers (GB 11643-1999), and the characters
no text field may carry (control characters, bidirectional overrides that disguise what a text says).

Numbers are ASCII digits only: full-width digits (what a Chinese IME types) are turned into ASCII first,
every other Unicode digit is refused, so one number has one spelling for validation, rate limits and
blind indexes.
"""

from __future__ import annotations

import re
from datetime import date

from pydantic_core import PydanticCustomError

_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9][0-9]{9})$", re.ASCII)
_ID = re.compile(r"^[0-9]{17}[0-9X]$", re.ASCII)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# full-width digits, plus sign, hyphen, X and space -> ASCII
_FULL_WIDTH = str.maketrans("０１２３４５６７８９＋－Ｘｘ　", "0123456789+-Xx ")
# C0 and C1 controls, and the bidirectional embeddings, overrides and isolates (U+202A-E, U+2066-9)
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_FREE_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def ascii_digits(raw: str) -> str:
    """`raw` with full-width digits (and +, -, X, space) turned into their ASCII forms."""
    return raw.translate(_FULL_WIDTH)


def normalize_mobile(raw: str) -> str | None:
    """Return the 11-digit mobile number, or None when it is not a Chinese mobile number.

    Accepts an optional +86/86 prefix and ignores spaces and dashes people type.
    """
    compact = re.sub(r"[ \t-]", "", ascii_digits(raw or ""))
    match = _MOBILE.match(compact)
    return match.group(1) if match else None


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_id_number(raw: str) -> str | None:
    """Return the 18-character resident ID (upper-case X), or None when the format,
    birth date or GB 11643-1999 check digit is wrong."""
    value = ascii_digits(raw or "").strip().upper()
    if not _ID.match(value):
        return None
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None
    return value if id_check_digit(value[:17]) == value[17] else None


def unsafe_character(text: str, *, multiline: bool = False) -> str | None:
    """The first control character or bidirectional override in `text`, or None.
    Free text (`multiline`) may hold tabs and line breaks; a name or a label may not."""
    match = (_UNSAFE_IN_FREE_TEXT if multiline else _UNSAFE).search(text)
    return match.group(0) if match else None


def one_line(value: str) -> str:
    """A pydantic validator for names and labels: no control character (not even a line break), no
    direction override."""
    if unsafe_character(value):
        raise PydanticCustomError("unsafe_character", "must not contain control characters or direction overrides")
    return value
