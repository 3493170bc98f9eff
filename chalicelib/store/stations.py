"""Repository for stations: get, create (claiming the code), replace, and the index look-ups."""
from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain import geo
from chalicelib.domain.booking_errors import StationCodeTaken
from chalicelib.domain.errors import Conflict
from chalicelib.domain.stations import Station
from chalicelib.store.accounts import StaleWrite, save_versioned
from chalicelib.store.parallel import concurrently
from chalicelib.store.station_tables import StationCodeClaim, StationRecord
from chalicelib.store.transact import Cancelled, NamedTransaction

# --- record <-> domain ---------------------------------------------------------------------

def _to_domain(r: StationRecord) -> Station:
    return Station.model_validate({
        "station_id": r.station_id, "code": r.code, "kind": r.kind, "name_zh": r.name_zh, "name_en": r.name_en,
        "address": r.address, "city": r.city, "district": r.district, "lat": float(r.lat), "lng": float(r.lng),
        "amenities": list(r.amenities or []), "hours": _plain(r.hours), "exceptions": _plain(r.exceptions),
        "slot_minutes": int(r.slot_minutes), "seats": int(r.seats), "audience": r.audience,
        "time_zone": r.time_zone, "rules": _plain(r.rules), "active": r.active,
        "created_at": r.created_at, "updated_at": r.updated_at,
    })


def _plain(value: Any) -> dict[str, Any]:
    return value.as_dict() if hasattr(value, "as_dict") else dict(value or {})


def _to_record(s: Station, version: int | None = None) -> StationRecord:
    data = s.model_dump(mode="json")
    record = StationRecord(
        s.station_id, **{k: data[k] for k in ("code", "kind", "name_zh", "name_en", "address", "city", "district",
                                              "lat", "lng", "amenities", "hours", "exceptions", "slot_minutes",
                                              "seats", "audience", "time_zone", "rules", "active", "created_at",
                                              "updated_at")})
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


# --- writes --------------------------------------------------------------------------------

def create_station(station: Station) -> None:
    """Claim the code and put the station in one transaction (409 station_code_taken on a clash)."""
    tx = NamedTransaction()
    tx.put("code", StationCodeClaim(station.code, station_id=station.station_id),
           condition=StationCodeClaim.code.does_not_exist())
    tx.put("station", _to_record(station), condition=StationRecord.station_id.does_not_exist())
    try:
        tx.commit()
    except Cancelled as exc:
        if "code" in exc:
            raise StationCodeTaken() from exc
        raise Conflict() from exc


def replace_station(old: Station, new: Station, version: int) -> None:
    """Write the changed station if nobody changed it since `version`; move the code claim when
    the code changes (all in one transaction)."""
    record = _to_record(new, version)
    if old.code == new.code:
        try:
            save_versioned(record)
        except StaleWrite as exc:
            raise _stale() from exc
        return
    tx = NamedTransaction()
    tx.put("code", StationCodeClaim(new.code, station_id=new.station_id),
           condition=StationCodeClaim.code.does_not_exist())
    tx.delete("old_code", StationCodeClaim(old.code), condition=StationCodeClaim.station_id == old.station_id)
    tx.put("station", record)
    try:
        tx.commit()
    except Cancelled as exc:
        if "code" in exc:
            raise StationCodeTaken() from exc
        raise _stale() from exc


def _stale() -> Conflict:
    return Conflict("驿站信息已在别处修改，请刷新后重试", "The station changed elsewhere; reload and retry")
