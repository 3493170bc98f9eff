"""One attribute of every record of a page, read in C where the page allows it: the records are plain dicts
(live or synthetic), DynamoDB's item format as a Scan returns it, or None (no activity item)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import repeat
from operator import itemgetter
from typing import Any

_ABSENT: Mapping[str, Any] = {}


def attribute(
    records: Sequence[Mapping[str, Any] | None], name: str, tag: str | None = None, missing: Any = None
) -> list[Any]:
    """Attribute `name` of every record, `missing` where the record or the attribute is absent; `tag` unwraps
    DynamoDB's item format ({"N": "3"} -> "3" with tag "N")."""
    page: Any = records  # read as dicts until a lookup fails: the C-level paths raise, not check
    try:  # a Scan page usually has it on every item: C-level lookups, no Python loop
        values = list(map(itemgetter(name), page))  # one level at a time: a just-decoded page is
        return list(map(itemgetter(tag), values)) if tag else values  # not in cache, and loads then overlap
    except (KeyError, TypeError):
        pass
    try:  # some items lack it (e.g. a member with no event yet): still C-level
        values = list(map(dict.get, page, repeat(name), repeat(_ABSENT if tag else missing)))
        return list(map(dict.get, values, repeat(tag), repeat(missing))) if tag else values
    except TypeError:  # records that are None (no activity item) or not dicts: training, online
        values = [r.get(name) if r else None for r in records]
        values = [v.get(tag) if v else None for v in values] if tag else values
        return values if missing is None else [missing if v is None else v for v in values]
