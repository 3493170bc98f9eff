"""A member's own profile and data rights; admins' member look-ups, role grants and audited reveals."""
from __future__ import annotations

from typing import Any, get_args

from chalicelib.domain.access import Caller
from chalicelib.domain.errors import Conflict, NotFound, ValidationFailed
from chalicelib.domain.members import EmployerRef, MemberProfile, ProfileUpdate, RevealRequest, RolesUpdate
from chalicelib.domain.scoring_runs import BatchModel
from chalicelib.domain.validators import normalize_mobile
from chalicelib.privacy.masking import mask_id_number, mask_name
from chalicelib.runtime import runtime
from chalicelib.store import accounts, audit
from chalicelib.store import outreach as outreach_store
from chalicelib.store.base import iso
from chalicelib.store.employers import get_employer
from chalicelib.store.identity import Member

SEALED_FIELDS = ("phone", "name", "id_number")


def _context(member_id: str, field: str) -> str:
    return f"member:{member_id}:{field}"


def profile(member: Member) -> MemberProfile:
    employer = (EmployerRef(employer_id=member.employer_id, name_zh=member.employer_name_zh or "",
                            name_en=member.employer_name_en or "") if member.employer_id else None)
    return MemberProfile(
        member_id=member.member_id, phone=member.phone_masked, name=member.name_masked,
        id_number=member.id_number_masked, worker_group=member.worker_group, city=member.city, employer=employer,
        language=member.language, roles=sorted(member.roles or ()), station_ids=sorted(member.station_ids or ()),
        status=member.status, created_at=member.created_at, updated_at=member.updated_at)


def load(member_id: str) -> Member:
    member = accounts.get_member(member_id)
    if member is None or member.status == "erased":
        raise NotFound()
    return member


def my_profile(caller: Caller) -> MemberProfile:
    return profile(load(caller.member_id))


def update_profile(caller: Caller, change: ProfileUpdate) -> MemberProfile:
    """Apply only the fields the worker sent. Name and ID number are sealed and masked here."""
    member = load(caller.member_id)
    cipher, sent = runtime().cipher, change.model_fields_set
    if "employer_id" in sent:
        employer = get_employer(change.employer_id) if change.employer_id else None
        if change.employer_id and employer is None:
            raise ValidationFailed.field("employer_id", "unknown_employer", "找不到该单位", "is not a known employer")
        member.employer_id = employer.employer_id if employer else None
        member.employer_name_zh = employer.name_zh if employer else None
        member.employer_name_en = employer.name_en if employer else None
    if "name" in sent:
        member.name_enc = cipher.seal(change.name, context=_context(member.member_id, "name")) if change.name else None
        member.name_masked = mask_name(change.name) if change.name else None
    if "id_number" in sent:
        value = change.id_number
        member.id_number_enc = cipher.seal(value, context=_context(member.member_id, "id_number")) if value else None
        member.id_number_masked = mask_id_number(value) if value else None
    for field in ("worker_group", "city"):
        if field in sent:
            setattr(member, field, getattr(change, field))
    if "language" in sent and change.language:
        member.language = change.language
    member.updated_at = iso(runtime().clock.now())
    try:
        accounts.save_member(member)
    except accounts.StaleWrite as exc:
        raise Conflict("资料已在别处修改，请刷新后重试", "The profile changed elsewhere; reload and retry") from exc
    return profile(member)


def _open(member: Member, field: str) -> str | None:
    sealed = getattr(member, f"{field}_enc")
    return runtime().cipher.open(sealed, context=_context(member.member_id, field)) if sealed else None


def export_my_data(caller: Caller) -> dict[str, Any]:
    """PIPL art. 45: everything we hold about the member, in the clear, for them alone."""
    member = load(caller.member_id)
    data = profile(member).model_dump()
    data.update({field: _open(member, field) for field in SEALED_FIELDS})
    audit.record(f"member#{member.member_id}", actor=caller.member_id, action="export", at=runtime().clock.now())
    return {"member": data, "audit": [{"at": e.at_id.split("#")[0], "action": e.action, "actor": e.actor}
                                      for e in audit.trail(f"member#{member.member_id}")]}


def erase_me(caller: Caller) -> None:
    """PIPL art. 47: drop personal data; keep only the anonymous fields that feed counts."""
    member = load(caller.member_id)
    for field in SEALED_FIELDS:
        setattr(member, f"{field}_enc", None)
        setattr(member, f"{field}_masked", None)
    member.employer_name_zh = member.employer_name_en = None
    member.status, member.roles, member.station_ids = "erased", {"worker"}, None
    member.updated_at = iso(runtime().clock.now())
    accounts.erase_member(member, get_args(BatchModel))
    outreach_store.forget_notes(member.member_id)
    audit.record(f"member#{member.member_id}", actor=caller.member_id, action="erase", at=runtime().clock.now())


def find_by_phone(raw_phone: str) -> list[MemberProfile]:
    phone = normalize_mobile(raw_phone)
    if phone is None:
        raise ValidationFailed.field("phone", "invalid_phone", "应为中国大陆手机号", "must be a mainland China mobile number")
    member = accounts.member_by_phone(runtime().blind_index("phone", phone))
    return [profile(member)] if member else []


def admin_view(member_id: str) -> MemberProfile:
    return profile(load(member_id))


def set_roles(admin: Caller, member_id: str, change: RolesUpdate) -> MemberProfile:
    member = load(member_id)
    before = {"roles": sorted(member.roles or ()), "station_ids": sorted(member.station_ids or ())}
    roles = set(change.roles) | {"worker"}
    member.roles = roles
    member.station_ids = set(change.station_ids) or None
    member.updated_at = iso(runtime().clock.now())
    accounts.save_member(member)
    audit.record(f"member#{member_id}", actor=admin.member_id, action="set_roles", at=runtime().clock.now(),
                 detail={"before": before, "after": {"roles": sorted(roles), "station_ids": sorted(change.station_ids)}})
    return profile(member)


def reveal(admin: Caller, member_id: str, req: RevealRequest) -> dict[str, str | None]:
    """Show one personal field in the clear: an admin action with a reason, always audited."""
    member = load(member_id)
    audit.record(f"member#{member_id}", actor=admin.member_id, action=f"reveal:{req.field}", reason=req.reason,
                 at=runtime().clock.now())
    return {"field": req.field, "value": _open(member, req.field)}


def grant_by_phone(phone: str, roles: set[str], station_ids: set[str], *, actor: str = "system") -> MemberProfile:
    """Give the account behind `phone` these roles (creating it if needed). Used by
    `make admin` / `make staff` and the demo data; audited like an admin's grant."""
    from chalicelib.services.auth import new_member, phone_bidx

    bidx = phone_bidx(phone)
    member = accounts.member_by_phone(bidx) or accounts.create_member(new_member(phone, bidx))
    change = RolesUpdate(roles=sorted(roles | {"worker"}), station_ids=sorted(station_ids))
    return set_roles(Caller(member_id=actor, roles=frozenset({"admin"})), member.member_id, change)
