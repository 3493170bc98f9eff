"""What scoring reads: whole activity items, the profile fields and employer facts features take, a
station's slot history, a member's recent visits, and the activity table's size.

Request paths use GetItem and Query only (batch scoring scans the activity table in scoring_segments).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from chalicelib.domain.activity import MIRRORED_FIELDS
from chalicelib.domain.scoring_inputs import EmployerFacts, MemberProfile
from chalicelib.runtime import runtime
from chalicelib.store import accounts, bookings, employers
from chalicelib.store.activity_tables import ActivityRecord
from chalicelib.store.base import from_iso, iso
from chalicelib.store.booking_tables import SlotRecord
from chalicelib.store.bulk import plain

_PROFILE = tuple(f for f in MIRRORED_FIELDS if f != "roles")


def activity_item(subject_id: str) -> dict[str, Any] | None:
    """A member's (or `employer#<id>`'s) activity item with every counter, one GetItem; None before
    the first event. The counters are not declared on the model, hence the raw read."""
    item = ActivityRecord._get_connection().get_item(subject_id).get("Item")
    return {name: plain(value) for name, value in item.items()} if item else None


def member_profile(member_id: str) -> MemberProfile | None:
    """The member's profile fields as features read them (one GetItem); None for no such member."""
    member = accounts.get_member(member_id)
    if member is None:
        return None
    return MemberProfile(member_id=member_id, **{f: getattr(member, f, None) for f in _PROFILE})


def employer_facts(employer_id: str) -> EmployerFacts | None:
    """The employer's names, industry and whether it has a union branch: one GetItem."""
    found = employers.get_employer(employer_id)
    if found is None:
        return None
    return EmployerFacts(
        employer_id=employer_id,
        name_zh=found.name_zh,
        name_en=found.name_en,
        industry=found.industry,
        has_union=bool(found.has_union),
    )


def station_visits(member_id: str, now: datetime, since: datetime) -> Counter[str]:
    """Check-ins per station of the member's slots since `since`, from their past bookings: one Query."""
    return Counter(
        b.station_id for b in bookings.past(member_id, now) if b.status == "checked_in" and b.slot.start >= since
    )


def slot_history(station_id: str, start: datetime, end: datetime) -> dict[datetime, int]:
    """`booked` of every stored slot of the station starting in [start, end): one Query."""
    found = SlotRecord.query(
        station_id, SlotRecord.slot_start.between(iso(start), iso(end)), attributes_to_get=["slot_start", "booked"]
    )
    return {from_iso(r.slot_start): int(r.booked or 0) for r in found if r.slot_start < iso(end)}


def activity_item_count() -> int:
    """The activity table's item count as DynamoDB reports it (refreshed about every 6 hours): 1 call."""
    rt = runtime()
    table = rt.client("dynamodb").describe_table(TableName=rt.settings.table("activity"))["Table"]
    return int(table.get("ItemCount", 0))
