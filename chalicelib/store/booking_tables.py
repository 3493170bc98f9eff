"""Slots, bookings, waitlists and each worker's booking standing.

slots     (resource_id, slot_start)   capacity (the seats at its last seat change), taken = booked + held,
                                      booked, held, waiting. A day's slots are one Query.
          handover_index (day freed, handover_at), sparse: slots with a freed seat not yet swept
bookings  (member_id, slot_start)     the booking id is the compact slot start, so a worker can only
                                      ever address their own bookings (no IDOR by construction).
          roster_index   (station_id#local date, slot_start)       staff roster
          noshow_index   (due day, noshow_at), sparse: only confirmed bookings carry it
waitlist  (slot_key, member_id)       slot_key = station_id#slot_start; FIFO by joined_at
          member_index   (member_id, slot_start)                   a worker's own entries
          offer_index    (offer day, hold_until), sparse: only seats currently held
booking_standing (member_id)          upcoming bookings, recent no-shows, suspension; rev guards it
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.store.base import index_meta, table_meta


class HandoverIndex(GlobalSecondaryIndex["SlotRecord"]):
    Meta = index_meta("handover_index", KeysOnlyProjection())
    handover_day = UnicodeAttribute(hash_key=True)
    handover_at = UnicodeAttribute(range_key=True)


class SlotRecord(Model):
    Meta = table_meta("slots")
    resource_id = UnicodeAttribute(hash_key=True)
    slot_start = UnicodeAttribute(range_key=True)
    slot_end = UnicodeAttribute(null=True)
    capacity = NumberAttribute(null=True)
    taken = NumberAttribute(null=True)  # booked + held: the one counter the seat condition reads
    booked = NumberAttribute(null=True)
    held = NumberAttribute(null=True)  # seats held for a waiter who was offered one
    waiting = NumberAttribute(null=True)  # workers waiting (not yet offered)
    handover_day = UnicodeAttribute(null=True)  # a seat was freed: until a sweep settled the slot
    handover_at = UnicodeAttribute(null=True)
    handover_index = HandoverIndex()


class RosterIndex(GlobalSecondaryIndex["BookingRecord"]):
    Meta = index_meta("roster_index", AllProjection())
    roster_key = UnicodeAttribute(hash_key=True)
    slot_start = UnicodeAttribute(range_key=True)


class NoShowIndex(GlobalSecondaryIndex["BookingRecord"]):
    Meta = index_meta("noshow_index", IncludeProjection(["booked_at"]))
    noshow_day = UnicodeAttribute(hash_key=True)
    noshow_at = UnicodeAttribute(range_key=True)


class BookingRecord(Model):
    Meta = table_meta("bookings")
    member_id = UnicodeAttribute(hash_key=True)
    slot_start = UnicodeAttribute(range_key=True)
    slot_end = UnicodeAttribute()
    station_id = UnicodeAttribute()
    station_name_zh = UnicodeAttribute()
    station_name_en = UnicodeAttribute()
    time_zone = UnicodeAttribute()
    status = UnicodeAttribute()  # confirmed | cancelled | checked_in | no_show
    booked_at = UnicodeAttribute()  # also the revision a check-in pass is bound to
    cancel_deadline = UnicodeAttribute()
    checked_in_at = UnicodeAttribute(null=True)
    source = UnicodeAttribute(default="direct")  # direct | waitlist
    history = ListAttribute(of=MapAttribute, default=list)  # [{status, at}]
    roster_key = UnicodeAttribute()
    noshow_day = UnicodeAttribute(null=True)
    noshow_at = UnicodeAttribute(null=True)
    roster_index = RosterIndex()
    noshow_index = NoShowIndex()


class MemberWaitIndex(GlobalSecondaryIndex["WaitlistRecord"]):
    Meta = index_meta("member_index", AllProjection())
    member_id = UnicodeAttribute(hash_key=True)
    slot_start = UnicodeAttribute(range_key=True)


class OfferIndex(GlobalSecondaryIndex["WaitlistRecord"]):
    Meta = index_meta("offer_index", KeysOnlyProjection())
    offer_day = UnicodeAttribute(hash_key=True)
    hold_until = UnicodeAttribute(range_key=True)


class WaitlistRecord(Model):
    Meta = table_meta("waitlist")
    slot_key = UnicodeAttribute(hash_key=True)
    member_id = UnicodeAttribute(range_key=True)
    station_id = UnicodeAttribute()
    slot_start = UnicodeAttribute()
    slot_end = UnicodeAttribute()
    time_zone = UnicodeAttribute()
    joined_at = UnicodeAttribute()
    status = UnicodeAttribute()  # waiting | offered | confirmed | lapsed | left
    hold_until = UnicodeAttribute(null=True)
    offer_day = UnicodeAttribute(null=True)
    member_index = MemberWaitIndex()
    offer_index = OfferIndex()


class StandingRecord(Model):
    Meta = table_meta("booking_standing")
    member_id = UnicodeAttribute(hash_key=True)
    upcoming: MapAttribute[str, Any] = MapAttribute(default=dict)  # booking id -> slot end (UTC ISO)
    no_shows = ListAttribute(of=UnicodeAttribute, default=list)
    suspended_until = UnicodeAttribute(null=True)
    rev = NumberAttribute(default=0)
