"""Stations and their unique codes.

Nearby search queries a geohash GSI per covering cell. There is one GSI per indexed precision
(geo5 ~4.9 km cells, geo4 ~39 km cells) and the cell attributes are only written while a station
is active, so the indexes are sparse: a deactivated station drops out of search by itself.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.store.base import index_meta, table_meta


class Geo5Index(GlobalSecondaryIndex["StationRecord"]):
    Meta = index_meta("geo5_index", AllProjection())
    geo5 = UnicodeAttribute(hash_key=True)
    station_id = UnicodeAttribute(range_key=True)


class Geo4Index(GlobalSecondaryIndex["StationRecord"]):
    Meta = index_meta("geo4_index", AllProjection())
    geo4 = UnicodeAttribute(hash_key=True)
    station_id = UnicodeAttribute(range_key=True)


class StationCityIndex(GlobalSecondaryIndex["StationRecord"]):
    Meta = index_meta("city_index", KeysOnlyProjection())
    city = UnicodeAttribute(hash_key=True)
    station_id = UnicodeAttribute(range_key=True)


class StationRecord(Model):
    Meta = table_meta("stations")
    station_id = UnicodeAttribute(hash_key=True)
    code = UnicodeAttribute()
    kind = UnicodeAttribute()
    name_zh = UnicodeAttribute()
    name_en = UnicodeAttribute()
    address = UnicodeAttribute()
    city = UnicodeAttribute()
    district = UnicodeAttribute()
    lat = NumberAttribute()
    lng = NumberAttribute()
    geo5 = UnicodeAttribute(null=True)  # only while active (sparse search index)
    geo4 = UnicodeAttribute(null=True)
    amenities = ListAttribute(of=UnicodeAttribute, default=list)
    hours: MapAttribute[str, Any] = MapAttribute(default=dict)  # weekday -> ["08:00-12:00", ...]
    exceptions: MapAttribute[str, Any] = MapAttribute(default=dict)  # YYYY-MM-DD -> ranges ([] = closed)
    slot_minutes = NumberAttribute()
    seats = NumberAttribute()
    audience = JSONAttribute()  # "all_workers" | "members" | [worker groups]
    time_zone = UnicodeAttribute()
    rules: MapAttribute[str, Any] = MapAttribute(default=dict)
    active = BooleanAttribute(default=True)
    schedule_lock = UnicodeAttribute(null=True)  # until when a slot-length change holds new bookings off
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()
    geo5_index = Geo5Index()
    geo4_index = Geo4Index()
    city_index = StationCityIndex()


class StationCodeClaim(Model):
    """One item per station code: makes codes unique even when two admins race."""

    Meta = table_meta("station_codes")
    code = UnicodeAttribute(hash_key=True)
    station_id = UnicodeAttribute()
