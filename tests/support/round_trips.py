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


def authenticated(ops: dict[str, int]) -> dict[str, int]:
    """The round trips of an authenticated call: its own `ops` plus the token check (one consistent
    GetItem of the member's token revocations, services.access_tokens.authenticate)."""
    return {**ops, "GetItem": ops.get("GetItem", 0) + 1}
