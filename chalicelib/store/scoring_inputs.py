"""What scoring reads, as stored: whole activity items and a station's slot history.

Request paths use GetItem and Query only (batch scoring scans the activity table elsewhere).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.store.activity import ActivityRecord
from chalicelib.store.base import iso
from chalicelib.store.booking_tables import SlotRecord
from chalicelib.store.bulk import plain


def activity_item(subject_id: str) -> dict[str, Any] | None:
    """A member's (or `employer#<id>`'s) activity item with every counter, one GetItem; None before
    the first event. The counters are not declared on the model, hence the raw read."""
    item = ActivityRecord._get_connection().get_item(subject_id).get("Item")
    return {name: plain(value) for name, value in item.items()} if item else None


def slot_history(station_id: str, start: datetime, end: datetime) -> dict[datetime, int]:
    """`booked` of every stored slot of the station starting in [start, end): one Query."""
    found = SlotRecord.query(station_id, SlotRecord.slot_start.between(iso(start), iso(end)),
                             attributes_to_get=["slot_start", "booked"])
    return {datetime.fromisoformat(r.slot_start): int(r.booked or 0) for r in found if r.slot_start < iso(end)}
