"""Who a station or a service is open to: every worker, union members, or some worker groups."""

from __future__ import annotations

from typing import Any


def admits(audience: Any, *, is_member: bool, worker_group: str | None) -> bool:
    """`audience` is "all_workers", "members" or a list of worker groups."""
    if audience == "all_workers":
        return True
    if audience == "members":
        return is_member
    return worker_group in audience
