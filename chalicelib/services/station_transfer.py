"""Admins move stations in and out as CSV or GeoJSON.

Import validates every row first and writes nothing if any row is bad (400 listing every problem,
each naming its row and field: rows[<CSV line>].<field> or features[<index>].properties.<field>).
A valid file is then written station by station: a code already in use updates that station,
a new code creates one.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain import json_input
from chalicelib.domain.access import Caller
from chalicelib.domain.errors import MalformedJson, ValidationFailed
from chalicelib.domain.members import CITIES
from chalicelib.domain.station_transfer import parse_csv, parse_geojson, to_csv, to_geojson
from chalicelib.domain.stations import StationCreate
from chalicelib.services import stations
from chalicelib.store import stations as store
from chalicelib.store.parallel import concurrently


def export(fmt: str, *, city: str | None = None) -> dict[str, Any]:
    """Every station (or a city's): one city-index Query per city, concurrently, then one BatchGet."""
    cities = [city] if city else list(CITIES)
    ids = [sid for page in concurrently(store.station_ids_in_city, cities) for sid in page]
    found = sorted(store.stations_by_id(ids), key=lambda s: s.code) if ids else []
    if fmt == "geojson":
        return to_geojson(found)
    return {"format": "csv", "count": len(found), "content": to_csv(found)}


def _parse(fmt: str, content: str | dict[str, Any]) -> list[StationCreate]:
    if fmt == "csv":
        if not isinstance(content, str):
            raise ValidationFailed.on("content", "string_type", "CSV 内容应为文本", "must be the CSV text")
        parsed, issues = parse_csv(content)
    else:
        if isinstance(content, str):
            try:
                content = json_input.loads(content)
            except MalformedJson as exc:
                raise ValidationFailed.on("content", "malformed_json", "不是合法的 JSON", "is not valid JSON") from exc
        parsed, issues = parse_geojson(content)
    if issues:
        raise ValidationFailed(
            "导入文件有误，未写入任何驿站", "The file has errors; no station was written", details=issues
        )
    if not parsed:
        raise ValidationFailed.on("content", "empty", "文件中没有驿站", "contains no stations")
    return parsed


def import_stations(caller: Caller, fmt: str, content: str | dict[str, Any]) -> dict[str, Any]:
    parsed = _parse(fmt, content)
    existing = store.station_ids_by_code([s.code for s in parsed])
    created = updated = 0
    ids = []
    for data in parsed:
        if data.code in existing:
            out = stations.overwrite(caller, existing[data.code], data)
            updated += 1
        else:
            out = stations.create_station(data, actor=caller)
            created += 1
        ids.append(out.station_id)
    return {"created": created, "updated": updated, "station_ids": ids}
