"""A worker's account and profile: what the store holds, what they may set, and how it is shown back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from chalicelib.domain.access import ROLES, Role
from chalicelib.domain.base import Out, Strict
from chalicelib.domain.instants import utc_stamp
from chalicelib.domain.validators import normalize_id_number, normalize_mobile, one_line

WorkerGroup = Literal[
    "delivery_rider",
    "courier",
    "ride_hailing_driver",
    "truck_driver",
    "factory_worker",
    "construction_worker",
    "domestic_worker",
    "sanitation_worker",
    "migrant_worker",
    "other",
]
Language = Literal["zh-CN", "en"]

# worker group -> (zh, en), as a form or a list shows it
GROUP_LABELS: dict[str, tuple[str, str]] = {
    "delivery_rider": ("外卖骑手", "Delivery rider"),
    "courier": ("快递员", "Courier"),
    "ride_hailing_driver": ("网约车司机", "Ride-hailing driver"),
    "truck_driver": ("货车司机", "Truck driver"),
    "factory_worker": ("工厂工人", "Factory worker"),
    "construction_worker": ("建筑工人", "Construction worker"),
    "domestic_worker": ("家政工", "Domestic worker"),
    "sanitation_worker": ("环卫工", "Sanitation worker"),
    "migrant_worker": ("农民工", "Migrant worker"),
    "other": ("其他", "Other"),
}
# worker group -> (zh, en) inside the sentence of a model reason
GROUP_IN_A_SENTENCE: dict[str, tuple[str, str]] = {
    "delivery_rider": ("外卖骑手", "delivery riders"),
    "courier": ("快递员", "couriers"),
    "ride_hailing_driver": ("网约车司机", "ride-hailing drivers"),
    "truck_driver": ("货车司机", "truck drivers"),
    "factory_worker": ("工厂工人", "factory workers"),
    "construction_worker": ("建筑工人", "construction workers"),
    "domestic_worker": ("家政工", "domestic workers"),
    "sanitation_worker": ("环卫工人", "sanitation workers"),
    "migrant_worker": ("农民工", "migrant workers"),
    "other": ("其他职工", "other workers"),
}

# city code -> (zh, en)
CITIES: dict[str, tuple[str, str]] = {
    "beijing": ("北京", "Beijing"),
    "shanghai": ("上海", "Shanghai"),
    "shenzhen": ("深圳", "Shenzhen"),
    "guangzhou": ("广州", "Guangzhou"),
    "hangzhou": ("杭州", "Hangzhou"),
    "chengdu": ("成都", "Chengdu"),
    "wuhan": ("武汉", "Wuhan"),
    "xian": ("西安", "Xi'an"),
    "chongqing": ("重庆", "Chongqing"),
    "nanjing": ("南京", "Nanjing"),
}


def _mobile(value: str) -> str:
    phone = normalize_mobile(value)
    if phone is None:
        raise PydanticCustomError("invalid_phone", "must be a mainland China mobile number")
    return phone


def _id_number(value: str) -> str:
    id_number = normalize_id_number(value)
    if id_number is None:
        raise PydanticCustomError("invalid_id_number", "is not a valid resident ID number")
    return id_number


def _city(value: str) -> str:
    if value not in CITIES:
        raise PydanticCustomError("unknown_city", "is not a supported city")
    return value


def _name(value: str) -> str:
    value = " ".join(one_line(value).split())
    if not value:
        raise PydanticCustomError("blank", "must not be blank")
    return value


MobilePhone = Annotated[str, Field(max_length=20), AfterValidator(_mobile)]
IdNumber = Annotated[str, Field(max_length=18), AfterValidator(_id_number)]
CityCode = Annotated[str, Field(max_length=20), AfterValidator(_city)]
PersonName = Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_name)]


class ProfileUpdate(Strict):
    """PATCH /v1/me: only the fields sent are changed; null clears an optional field."""

    name: PersonName | None = None
    worker_group: WorkerGroup | None = None
    city: CityCode | None = None
    employer_id: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    id_number: IdNumber | None = None
    language: Language | None = None


class EmployerRef(Out):
    employer_id: str
    name_zh: str
    name_en: str


class MemberProfile(Out):
    """How a member is shown: personal data always masked."""

    member_id: str
    phone: str | None
    name: str | None
    id_number: str | None
    worker_group: WorkerGroup | None
    city: str | None
    employer: EmployerRef | None
    language: Language
    roles: list[str]
    station_ids: list[str]
    status: str
    created_at: str
    updated_at: str


class RolesUpdate(Strict):
    roles: Annotated[list[Role], Field(min_length=1, max_length=len(ROLES))]
    station_ids: Annotated[list[Annotated[str, Field(min_length=1, max_length=40)]], Field(max_length=50)] = []


class RevealRequest(Strict):
    field: Literal["phone", "name", "id_number"]
    reason: Annotated[str, Field(min_length=5, max_length=500)]


SEALED_FIELDS = ("phone", "name", "id_number")


@dataclass(frozen=True)
class Member:
    """A worker's account as stored: personal fields sealed (`sealed`, opened by the privacy layer with
    `sealing_context`) and masked for display. `version` guards lost updates (None: not stored yet)."""

    member_id: str
    created_at: datetime
    updated_at: datetime
    phone_bidx: str | None = None  # None once the member is erased
    sealed: dict[str, str] | None = None  # field -> ciphertext, for the fields on file
    masked: dict[str, str] | None = None  # field -> masked text (138****1234, 张*)
    worker_group: str | None = None
    city: str | None = None
    employer_id: str | None = None
    employer_name_zh: str | None = None
    employer_name_en: str | None = None
    language: str = "zh-CN"
    roles: frozenset[str] = frozenset({"worker"})
    station_ids: frozenset[str] = frozenset()
    status: str = "active"  # active | erased
    membership_status: str | None = None  # None (not a member) | active | grace | lapsed | left
    version: int | None = None

    def sealed_value(self, field: str) -> str | None:
        return (self.sealed or {}).get(field)

    def masked_value(self, field: str) -> str | None:
        return (self.masked or {}).get(field)


def sealing_context(member_id: str, field: str) -> str:
    """What a member's sealed field is bound to: a ciphertext moved to another member does not open."""
    return f"member:{member_id}:{field}"


def profile_of(member: Member) -> MemberProfile:
    """How a member is shown: masked personal data, stored instants as the API has always written them."""
    employer = (
        EmployerRef(
            employer_id=member.employer_id, name_zh=member.employer_name_zh or "", name_en=member.employer_name_en or ""
        )
        if member.employer_id
        else None
    )
    return MemberProfile(
        member_id=member.member_id,
        phone=member.masked_value("phone"),
        name=member.masked_value("name"),
        id_number=member.masked_value("id_number"),
        worker_group=member.worker_group,  # type: ignore[arg-type]
        city=member.city,
        employer=employer,
        language=member.language,  # type: ignore[arg-type]
        roles=sorted(member.roles),
        station_ids=sorted(member.station_ids),
        status=member.status,
        created_at=utc_stamp(member.created_at),
        updated_at=utc_stamp(member.updated_at),
    )


@dataclass(frozen=True)
class RefreshSession:
    """A refresh token, known by its hash; rotation retires it (`rotated`) and issues a successor."""

    token_hash: str
    member_id: str
    family_id: str
    expires_at: int  # epoch seconds
    status: str = "active"  # active | rotated | revoked
