"""Counting DynamoDB round trips: what one successful call makes (with the `calls` fixture of tests/api)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any


def measure(calls: Counter[str], do: Callable[[], Any]) -> dict[str, int]:
    """The DynamoDB operations one successful call makes."""
    calls.clear()
    reply = do()
    assert reply.status in (200, 201), reply.json
    return dict(calls)
