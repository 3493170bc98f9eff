"""Repository for stations: get, create (claiming the code), replace, and the index look-ups.

The named conditions of its writes (a unit of work maps them to the error a person reads):
  CODE_FREE   no other station holds this code (a code claim item per code makes codes unique)
  STATION     create: the station id is new; replace: the station's version is still the one read
  OLD_CODE    the old code claim still belongs to this station
  TERMS       a booking or an offer: the station still has the seats and slot length the use case
              read, and no slot-length change is under way (`hold_schedule_in`), so a seat cut or a
              new slot length is never undercut by a booking made from an older read
  SCHEDULE    hold_schedule_in: the station's version is still the one read
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.domain import geo
from chalicelib.domain.stations import Station, StationFields
from chalicelib.store.base import as_dict, from_iso, iso
from chalicelib.store.parallel import concurrently
from chalicelib.store.station_tables import StationCodeClaim, StationRecord
from chalicelib.store.transact import NamedTransaction

CODE_FREE = "code"
STATION = "station"
OLD_CODE = "old_code"
TERMS = "station_terms"
SCHEDULE = "station_schedule"
R = StationRecord

# --- record <-> domain ---------------------------------------------------------------------


def _to_domain(r: StationRecord) -> Station:
    return Station.model_validate(
        {
            "station_id": r.station_id,
            "code": r.code,
            "kind": r.kind,
            "name_zh": r.name_zh,
            "name_en": r.name_en,
            "address": r.address,
            "city": r.city,
            "district": r.district,
            "lat": float(r.lat),
            "lng": float(r.lng),
            "amenities": list(r.amenities or []),
            "hours": as_dict(r.hours),
            "exceptions": as_dict(r.exceptions),
            "slot_minutes": int(r.slot_minutes),
            "seats": int(r.seats),
            "audience": r.audience,
            "time_zone": r.time_zone,
            "rules": as_dict(r.rules),
            "active": r.active,
            "created_at": from_iso(r.created_at),
            "updated_at": from_iso(r.updated_at),
        }
    )


def _to_record(s: Station, version: int | None = None) -> StationRecord:
    data = s.model_dump(mode="json")
    record = StationRecord(
        s.station_id,
        **{k: data[k] for k in StationFields.model_fields},
        created_at=iso(s.created_at),
        updated_at=iso(s.updated_at),
    )
    if s.active:
        record.geo5, record.geo4 = (geo.encode(s.lat, s.lng, p) for p in (5, 4))
    if version is not None:
        record.version = version
    return record


# --- reads ---------------------------------------------------------------------------------


def get_station(station_id: str) -> tuple[Station, int] | None:
    """The station and its version (for a later conditional replace), or None."""
    try:
        record = StationRecord.get(station_id)
    except DoesNotExist:
        return None
    return _to_domain(record), record.version


def stations_in_cells(precision: int, cells: list[str]) -> list[Station]:
    """Active stations in these geohash cells: one GSI Query per cell, issued concurrently."""
    index = StationRecord.geo5_index if precision == 5 else StationRecord.geo4_index
    pages = concurrently(lambda cell: [_to_domain(r) for r in index.query(cell)], cells)
    return [s for page in pages for s in page]


def station_ids_in_city(city: str) -> list[str]:
    return [r.station_id for r in StationRecord.city_index.query(city)]


def stations_by_id(station_ids: list[str]) -> list[Station]:
    """BatchGet (PynamoDB splits it in 100-key requests)."""
    return [_to_domain(r) for r in StationRecord.batch_get(station_ids)]


def station_ids_by_code(codes: list[str]) -> dict[str, str]:
    return {c.code: c.station_id for c in StationCodeClaim.batch_get(codes)}


# --- writes (named, for one unit of work) -------------------------------------------------


def create_in(tx: NamedTransaction, station: Station) -> None:
    """Claim the code (CODE_FREE) and put the station (STATION: its id is new)."""
    _claim_code(tx, station)
    tx.put(STATION, _to_record(station), condition=StationRecord.station_id.does_not_exist())


def replace_in(tx: NamedTransaction, old: Station, new: Station, version: int) -> None:
    """Write the changed station if nobody changed it since `version` (STATION); when the code
    changes, claim the new one (CODE_FREE) and give back the old one (OLD_CODE)."""
    if old.code != new.code:
        _claim_code(tx, new)
        tx.delete(OLD_CODE, StationCodeClaim(old.code), condition=StationCodeClaim.station_id == old.station_id)
    tx.put(STATION, _to_record(new, version))


def _claim_code(tx: NamedTransaction, station: Station) -> None:
    tx.put(
        CODE_FREE,
        StationCodeClaim(station.code, station_id=station.station_id),
        condition=StationCodeClaim.code.does_not_exist(),
    )


def terms_unchanged_in(tx: NamedTransaction, station: Station, now: datetime) -> None:
    """Check (TERMS) that the station still has `station`'s seats and slot length and no slot-length
    change holds bookings off at `now`: a condition check in the booking's own transaction."""
    unlocked = R.schedule_lock.does_not_exist() | (R.schedule_lock < iso(now))
    tx.check(
        TERMS,
        StationRecord,
        station.station_id,
        condition=(R.seats == station.seats) & (R.slot_minutes == station.slot_minutes) & unlocked,
    )


def hold_schedule_in(tx: NamedTransaction, station: Station, version: int, until: datetime) -> int:
    """Hold new bookings and offers off until `until` (SCHEDULE: version as read), so that a look at
    the booked slots that follows sees every booking made with the old slot length. The new version."""
    record = StationRecord(station.station_id)
    record.version = version
    tx.update(SCHEDULE, record, [R.schedule_lock.set(iso(until))])
    return version + 1


def release_schedule(station_id: str, version: int, until: datetime) -> None:
    """Lift our own hold (`hold_schedule_in`) when the slot-length change is refused: one UpdateItem.
    When someone changed the station meanwhile, their write has lifted it already."""
    record = StationRecord(station_id)
    record.version = version
    try:
        record.update([R.schedule_lock.remove()], condition=R.schedule_lock == iso(until))
    except UpdateError:
        pass
