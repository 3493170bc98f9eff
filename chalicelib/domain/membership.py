"""Joining the union and staying a member: applications, member numbers, the yearly lifecycle.

A member is `active` for a year from approval (or the last renewal), then in `grace` for
GRACE_DAYS while the renewal is due (still a member: members-only services stay open), then
`lapsed`. Each change happens at 00:00 China time on its date. Members may `left` at any time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from chalicelib.domain.base import Out, Strict
from chalicelib.domain.members import CityCode
from chalicelib.domain.messages import MESSAGES
from chalicelib.domain.working_time import CHINA, add_working_days, china_date

MEMBERSHIP_TERMS = "membership_terms"  # the consent's purpose
TERMS_VERSION = "2026-01"  # the current version of the membership terms
APPLICATION_SLA_WORKING_DAYS = 3
GRACE_DAYS = 90
RENEWAL_WINDOW_DAYS = 30  # renewing opens this many days before the due date

MembershipStatus = Literal["active", "grace", "lapsed", "left"]
ApplicationStatus = Literal["pending", "approved", "rejected", "withdrawn"]
IN_GOOD_STANDING: frozenset[str] = frozenset({"active", "grace"})

# Activity events of this area.
APPLIED, JOINED, RENEWED, ENTERED_GRACE, LAPSED, LEFT = (
    "membership_applications",
    "membership_joins",
    "membership_renewals",
    "membership_graces",
    "membership_lapses",
    "membership_leaves",
)

MESSAGES.setdefault("union_needs_employer", ("请选择所在单位", "choose your employer's union"))
MESSAGES.setdefault("union_needs_city", ("请选择所在城市的区域工会", "choose the city of the regional pool"))
MESSAGES.setdefault("consent_required", ("须同意入会须知", "you must accept the membership terms"))


class UnionChoice(Strict):
    """Which union to join: the employer's own, or the regional pool (platform workers without one)."""

    kind: Literal["employer_union", "regional_pool"]
    employer_id: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    city: CityCode | None = None

    @model_validator(mode="after")
    def _complete(self) -> UnionChoice:
        if self.kind == "employer_union" and not self.employer_id:
            raise PydanticCustomError("union_needs_employer", "choose your employer's union")
        if self.kind == "regional_pool" and not self.city:
            raise PydanticCustomError("union_needs_city", "choose the city of the regional pool")
        return self


class ConsentGiven(Strict):
    policy_version: Annotated[str, Field(min_length=1, max_length=20)]
    accepted: bool

    @model_validator(mode="after")
    def _accepted(self) -> ConsentGiven:
        if not self.accepted:
            raise PydanticCustomError("consent_required", "you must accept the membership terms")
        return self


class ApplicationCreate(Strict):
    """POST /v1/membership/applications."""

    union: UnionChoice
    consent: ConsentGiven


class Decision(Strict):
    reason: Annotated[str, Field(min_length=2, max_length=500)]


class Approval(Strict):
    note: Annotated[str, Field(max_length=500)] | None = None


class ApplicationsQuery(Strict):
    status: ApplicationStatus = "pending"


class ApplicationOut(Out):
    application_id: str
    member_id: str
    name: str | None = None  # masked, for the admin queue
    status: str
    union_kind: str
    employer_id: str | None
    employer_name_zh: str | None
    employer_name_en: str | None
    city: str | None
    policy_version: str
    submitted_at: str
    due_date: str  # the SLA: a date, in working days
    decided_at: str | None = None
    reason: str | None = None
    member_number: str | None = None


class CardOut(Out):
    token: str
    expires_at: str
    qr_svg_data_url: str


class MembershipOut(Out):
    status: str | None  # None: never joined
    member_number: str | None = None
    since: str | None = None
    renewal_due: str | None = None
    union_kind: str | None = None
    employer_name_zh: str | None = None
    employer_name_en: str | None = None
    city: str | None = None
    open_application: ApplicationOut | None = None
    card: CardOut | None = None


class CardCheck(Strict):
    token: Annotated[str, Field(min_length=1, max_length=2000)]


class CardCheckOut(Out):
    valid: bool
    name: str
    member_number: str
    status: str
    renewal_due: str | None


class ConsentOut(Out):
    purpose: str
    policy_version: str
    given_at: str
    withdrawn_at: str | None = None


# --- what the store holds ------------------------------------------------------------------


@dataclass(frozen=True)
class Application:
    application_id: str
    member_id: str
    status: str  # pending | approved | rejected | withdrawn
    union_kind: str
    policy_version: str
    submitted_at: datetime
    due_date: date
    employer_id: str | None = None
    employer_name_zh: str | None = None
    employer_name_en: str | None = None
    city: str | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    reason: str | None = None
    member_number: str | None = None


@dataclass(frozen=True)
class Membership:
    """A member's membership; `open_application_id` is set while an application is pending."""

    member_id: str
    open_application_id: str | None = None
    status: str | None = None  # active | grace | lapsed | left (None: never joined)
    member_number: str | None = None
    union_kind: str | None = None
    employer_id: str | None = None
    employer_name_zh: str | None = None
    employer_name_en: str | None = None
    city: str | None = None
    since: date | None = None  # China dates
    renewal_due: date | None = None
    transition_at: datetime | None = None  # when the lifecycle run looks at it next


@dataclass(frozen=True)
class Consent:
    member_id: str
    purpose: str
    policy_version: str
    given_at: datetime
    withdrawn_at: datetime | None = None


# --- rules (pure) ----------------------------------------------------------------------------


def application_due(submitted: datetime) -> date:
    """An application is decided within APPLICATION_SLA_WORKING_DAYS working days."""
    return add_working_days(china_date(submitted), APPLICATION_SLA_WORKING_DAYS)


def member_number(year: int, sequence: int) -> str:
    """WH-2026-000123: the year of approval and a per-year sequence."""
    return f"WH-{year}-{sequence:06d}"


def next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def status_on(renewal_due: date, today: date) -> MembershipStatus:
    """Where a (not departed) member stands on `today`."""
    if today < renewal_due:
        return "active"
    if today < renewal_due + timedelta(days=GRACE_DAYS):
        return "grace"
    return "lapsed"


def next_change(renewal_due: date, status: str) -> datetime | None:
    """When the scheduled function should look at this member again (00:00 China time), or None."""
    if status == "active":
        return datetime.combine(renewal_due, time(0), CHINA)
    if status == "grace":
        return datetime.combine(renewal_due + timedelta(days=GRACE_DAYS), time(0), CHINA)
    return None


def renewal_opens(renewal_due: date) -> date:
    return renewal_due - timedelta(days=RENEWAL_WINDOW_DAYS)
