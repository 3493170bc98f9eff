"""Who is calling, and what their roles allow."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["worker", "staff", "admin", "auditor"]
ROLES: tuple[Role, ...] = ("worker", "staff", "admin", "auditor")

# Who may call a route (api.http.endpoint(roles=...)): each set is spelled here and nowhere else.
WORKER: frozenset[Role] = frozenset({"worker"})
STAFF: frozenset[Role] = frozenset({"staff", "admin"})  # station staff; admins act for every station
ADMIN: frozenset[Role] = frozenset({"admin"})
# The audit log's readers: auditors, who may change nothing (no write route lists them), and admins,
# who answer for the platform and already read a member's trail.
AUDIT_READERS: frozenset[Role] = frozenset({"auditor", "admin"})
SIGNED_IN: frozenset[Role] = frozenset(ROLES)  # anyone with a valid token


@dataclass(frozen=True)
class Caller:
    member_id: str
    roles: frozenset[str]
    station_ids: frozenset[str] = field(default_factory=frozenset)
    is_member: bool = False  # an active (or in-grace) union member
    worker_group: str | None = None

    def has_any(self, roles: frozenset[str]) -> bool:
        return bool(self.roles & roles)

    def staffs(self, station_id: str) -> bool:
        """Admins act for every station; staff only for the stations they are assigned to."""
        return "admin" in self.roles or ("staff" in self.roles and station_id in self.station_ids)
