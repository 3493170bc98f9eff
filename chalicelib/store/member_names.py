"""The masked names staff may see on a roster: one BatchGet on the members table."""

from __future__ import annotations

from chalicelib.store.accounts_tables import MemberRecord


def masked_names(member_ids: set[str]) -> dict[str, str]:
    """member_id -> masked name (张*), or the masked phone when no name is on file."""
    if not member_ids:
        return {}
    found = MemberRecord.batch_get(sorted(member_ids), attributes_to_get=["member_id", "name_masked", "phone_masked"])
    return {m.member_id: m.name_masked or m.phone_masked or "—" for m in found}
