"""A member's own profile and data rights; admins' member look-ups, role grants and audited reveals.

Round trips: profile change = GetItem member (+ GetItem employer) + one TransactWriteItems (member +
profile mirror); role grant = GetItem + one TransactWriteItems (member + mirror + audit entry, + token
epoch when roles or stations change); reveal = GetItem + one TransactWriteItems holding the audit
entry alone. The data export is services.data_export, erasure services.erasure. Every authenticated
route also pays the token check (services.access_tokens: one GetItem).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from chalicelib.domain.access import Caller
from chalicelib.domain.audit import AuditEvent
from chalicelib.domain.errors import Conflict, NotFound, ValidationFailed
from chalicelib.domain.members import (
    Member,
    MemberProfile,
    ProfileUpdate,
    RevealRequest,
    RolesUpdate,
    profile_of,
    sealing_context,
)
from chalicelib.domain.validators import normalize_mobile
from chalicelib.privacy.masking import mask_id_number, mask_name
from chalicelib.runtime import runtime
from chalicelib.store import accounts, audit
from chalicelib.store.employers import get_employer
from chalicelib.store.unit_of_work import unit_of_work

CHANGED_ELSEWHERE = {
    accounts.MEMBER_VERSION: lambda _: Conflict(
        "资料已在别处修改，请刷新后重试", "The profile changed elsewhere; reload and retry"
    )
}


def _target(member_id: str) -> str:
    return f"member#{member_id}"


def load(member_id: str) -> Member:
    member = accounts.member(member_id)
    if member is None or member.status == "erased":
        raise NotFound()
    return member


def my_profile(caller: Caller) -> MemberProfile:
    return profile_of(load(caller.member_id))


def _sealed(member: Member, field: str, value: str | None, mask: Any) -> Member:
    """The member with `field` sealed and masked (or cleared when `value` is None)."""
    sealed, masked = dict(member.sealed or {}), dict(member.masked or {})
    sealed.pop(field, None)
    masked.pop(field, None)
    if value:
        sealed[field] = runtime().cipher.seal(value, context=sealing_context(member.member_id, field))
        masked[field] = mask(value)
    return replace(member, sealed=sealed or None, masked=masked or None)


def _with_employer(member: Member, employer_id: str | None) -> Member:
    employer = get_employer(employer_id) if employer_id else None
    if employer_id and employer is None:
        raise ValidationFailed.on("employer_id", "unknown_employer", "找不到该单位", "is not a known employer")
    return replace(
        member,
        employer_id=employer.employer_id if employer else None,
        employer_name_zh=employer.name_zh if employer else None,
        employer_name_en=employer.name_en if employer else None,
    )


def update_profile(caller: Caller, change: ProfileUpdate) -> MemberProfile:
    """Apply only the fields the worker sent. Name and ID number are sealed and masked here."""
    member, sent, now = load(caller.member_id), change.model_fields_set, runtime().clock.now()
    if "employer_id" in sent:
        member = _with_employer(member, change.employer_id)
    if "name" in sent:
        member = _sealed(member, "name", change.name, mask_name)
    if "id_number" in sent:
        member = _sealed(member, "id_number", change.id_number, mask_id_number)
    member = replace(member, **{f: getattr(change, f) for f in ("worker_group", "city") if f in sent})
    if "language" in sent and change.language:
        member = replace(member, language=change.language)
    member = replace(member, updated_at=now)
    with unit_of_work(now, refuse=CHANGED_ELSEWHERE) as uow:
        accounts.save_in(uow, member)
    return profile_of(member)


def open_field(member: Member, field: str) -> str | None:
    """One sealed personal field in the clear (for the member themself, or an audited reveal)."""
    sealed = member.sealed_value(field)
    return runtime().cipher.open(sealed, context=sealing_context(member.member_id, field)) if sealed else None


def _audited(actor: str, action: str, member_id: str, now: datetime, *, reason: str | None = None) -> None:
    """An audit entry that is its own unit of work (a read that must leave a trace: a reveal)."""
    with unit_of_work(now) as uow:
        uow.audit(actor, action, target=_target(member_id), reason=reason)


def audit_trail(member_id: str) -> list[AuditEvent]:
    """What was done to a member's record, newest first: one Query."""
    return audit.trail(_target(member_id))


def find_by_phone(raw_phone: str) -> list[MemberProfile]:
    phone = normalize_mobile(raw_phone)
    if phone is None:
        raise ValidationFailed.on(
            "phone", "invalid_phone", "应为中国大陆手机号", "must be a mainland China mobile number"
        )
    member = accounts.member_by_phone(*runtime().blind_index.candidates("phone", phone))
    return [profile_of(member)] if member else []


def admin_view(member_id: str) -> MemberProfile:
    return profile_of(load(member_id))


def set_roles(admin: Caller, member_id: str, change: RolesUpdate) -> MemberProfile:
    """Grant roles (every account stays a worker) and staff stations; audited with before and after.
    When roles or stations change, the member's access tokens stop in the same transaction (their next
    request answers token_revoked; a refresh brings the new roles)."""
    member, now = load(member_id), runtime().clock.now()
    before = {"roles": sorted(member.roles), "station_ids": sorted(member.station_ids)}
    roles = frozenset(change.roles) | {"worker"}
    granted = replace(member, roles=roles, station_ids=frozenset(change.station_ids), updated_at=now)
    after = {"roles": sorted(roles), "station_ids": sorted(change.station_ids)}
    with unit_of_work(now, refuse=CHANGED_ELSEWHERE) as uow:
        accounts.save_in(uow, granted)
        if (granted.roles, granted.station_ids) != (member.roles, member.station_ids):
            accounts.stop_tokens_in(uow, member_id)
        uow.audit(
            admin.member_id,
            "set_roles",
            target=_target(member_id),
            detail={"before": before, "after": after},  # roles and station ids: not personal, kept readable
        )
    return profile_of(granted)


def reveal(admin: Caller, member_id: str, req: RevealRequest) -> dict[str, str | None]:
    """Show one personal field in the clear: an admin action with a reason, always audited."""
    member = load(member_id)
    _audited(admin.member_id, f"reveal:{req.field}", member_id, runtime().clock.now(), reason=req.reason)
    return {"field": req.field, "value": open_field(member, req.field)}


def grant_by_phone(phone: str, roles: set[str], station_ids: set[str], *, actor: str = "system") -> MemberProfile:
    """Give the account behind `phone` these roles (creating it if needed). Used by
    `make admin` / `make staff` and the demo data; audited like an admin's grant."""
    from chalicelib.services.auth import new_member, phone_indexes

    bidx, *older = phone_indexes(phone)
    member = accounts.member_by_phone(bidx, *older) or accounts.create_member(new_member(phone, bidx), *older)
    change = RolesUpdate.model_validate({"roles": sorted(roles | {"worker"}), "station_ids": sorted(station_ids)})
    return set_roles(Caller(member_id=actor, roles=frozenset({"admin"})), member.member_id, change)
