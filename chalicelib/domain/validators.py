"""Identity checks: Chinese mobile numbers and resident ID numbers (GB 11643-1999)."""

from __future__ import annotations

import re
from datetime import date

_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
_ID = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normalize_mobile(raw: str) -> str | None:
    """Return the 11-digit mobile number, or None when it is not a Chinese mobile number.

    Accepts an optional +86/86 prefix and ignores spaces and dashes people type.
    """
    compact = re.sub(r"[\s-]", "", raw or "")
    match = _MOBILE.match(compact)
    return match.group(1) if match else None


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_id_number(raw: str) -> str | None:
    """Return the 18-character resident ID (upper-case X), or None when the format,
    birth date or GB 11643-1999 check digit is wrong."""
    value = (raw or "").strip().upper()
    if not _ID.match(value):
        return None
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None
    return value if id_check_digit(value[:17]) == value[17] else None
