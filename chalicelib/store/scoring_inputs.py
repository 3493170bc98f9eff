"""What scoring reads, as stored: whole activity items and a station's slot history.

Request paths use GetItem and Query only (batch scoring scans the activity table elsewhere).
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from chalicelib.store.activity import ActivityRecord
from chalicelib.store.base import iso
from chalicelib.store.booking_tables import SlotRecord


def _plain(value: dict[str, Any]) -> Any:
    if "N" in value:
        number = Decimal(value["N"])
        return int(number) if number == number.to_integral_value() else float(number)
    if "S" in value:
        return value["S"]
    if "BOOL" in value:
        return value["BOOL"]
    if "B" in value:
        return bytes(value["B"])
    return None


def activity_item(subject_id: str) -> dict[str, Any] | None:
    """A member's (or `employer#<id>`'s) activity item with every counter, one GetItem; None before
    the first event. The counters are not declared on the model, hence the raw read."""
    item = ActivityRecord._get_connection().get_item(subject_id).get("Item")
    return {name: _plain(value) for name, value in item.items()} if item else None


def slot_history(station_id: str, start: datetime, end: datetime) -> dict[datetime, int]:
    """`booked` of every stored slot of the station starting in [start, end): one Query."""
    found = SlotRecord.query(station_id, SlotRecord.slot_start.between(iso(start), iso(end)),
                             attributes_to_get=["slot_start", "booked"])
    return {datetime.fromisoformat(r.slot_start): int(r.booked or 0) for r in found if r.slot_start < iso(end)}
