"""Which access tokens still count: a member's token epoch and revoked token families.

An access token carries the member's epoch when it was issued (`ep`) and its refresh family (`fam`).
Erasure and role changes raise the epoch (every token issued before stops); logout and a reused
refresh token revoke one family (that family's access and refresh tokens stop). Checked on every
authenticated request, so a revoked token stops on its next request, not when it expires.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from chalicelib.domain.errors import TokenInvalid


@dataclass(frozen=True)
class Revocations:
    """A member's stored revocations: the current epoch and each revoked family with its time."""

    epoch: int = 0
    families: Mapping[str, int] = field(default_factory=dict)  # family id -> revoked at (epoch seconds)

    def stops(self, epoch: int, family_id: str | None) -> bool:
        """True when a token issued at `epoch` in `family_id` no longer counts."""
        return epoch < self.epoch or (family_id is not None and family_id in self.families)

    def stale_families(self, before: float) -> list[str]:
        """Families revoked before `before`: none of their tokens can still be alive, so the record
        can forget them."""
        return [family for family, at in self.families.items() if at < before]


class TokenRevoked(TokenInvalid):
    code = "token_revoked"
    zh = "登录已失效（已退出登录或权限已变更），请重新登录"
    en = "This session has ended (logged out or access changed); log in again"
