"""Instants as the store keeps them and the API shows them: UTC ISO 8601 with microseconds and a `Z`,
so they sort as text (2026-11-27T02:00:00.000000Z)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import PlainSerializer


def utc_stamp(at: datetime) -> str:
    """The text of an instant, exactly as it is stored."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def utc_stamp_or_none(at: datetime | None) -> str | None:
    return utc_stamp(at) if at is not None else None


Stamp = Annotated[datetime, PlainSerializer(utc_stamp, return_type=str, when_used="json")]
"""A datetime field that reaches JSON as its `utc_stamp`."""
