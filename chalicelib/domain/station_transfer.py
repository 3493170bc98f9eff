"""Stations to and from CSV and GeoJSON, so admins can edit them in a spreadsheet or a GIS tool.

CSV cells hold lists the way people type them:
  amenities  water;wifi;charging
  hours      mon=08:00-12:00,14:00-20:00;tue=08:00-20:00      (a weekday left out is closed)
  exceptions 2026-12-25=closed;2026-12-31=10:00-14:00
  audience   all_workers | members | delivery_rider;courier
Parsing checks every row and returns every problem, each naming its row and field; the caller
decides to write nothing when any row is bad.

Cells go through domain.spreadsheet (`inert_cell` on export, `cell_value` on import), so no cell
runs as a formula and import -> export -> import keeps every value.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from pydantic import ValidationError

from chalicelib.domain.errors import FieldIssue
from chalicelib.domain.messages import issue_from_pydantic
from chalicelib.domain.spreadsheet import cell_value, inert_cell
from chalicelib.domain.stations import WEEKDAYS, BookingRules, Station, StationCreate, StationFields

RULE_FIELDS = tuple(BookingRules.model_fields)
CSV_COLUMNS = tuple(  # a station's fields, with its booking rules as columns of their own
    column for field in StationFields.model_fields for column in (RULE_FIELDS if field == "rules" else (field,))
)
ENCODED = ("amenities", "hours", "exceptions", "audience", "rules", "active")  # written by _csv_row itself
GEO_PROPERTIES = tuple(c for c in CSV_COLUMNS if c not in ("lat", "lng"))


# --- export -------------------------------------------------------------------------------


def _csv_row(s: Station) -> dict[str, Any]:
    rules = s.rules.model_dump()
    return {
        **{c: getattr(s, c) for c in StationFields.model_fields if c not in ENCODED},
        "amenities": ";".join(s.amenities),
        "hours": ";".join(f"{d}={','.join(s.hours[d])}" for d in WEEKDAYS if s.hours.get(d)),
        "exceptions": ";".join(
            f"{day.isoformat()}={','.join(r) or 'closed'}" for day, r in sorted(s.exceptions.items())
        ),
        "audience": s.audience if isinstance(s.audience, str) else ";".join(s.audience),
        **{k: "" if rules[k] is None else rules[k] for k in RULE_FIELDS},
        "active": "true" if s.active else "false",
    }


def to_csv(stations: list[Station]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for station in stations:
        writer.writerow({k: inert_cell(v) for k, v in _csv_row(station).items()})
    return out.getvalue()


def to_geojson(stations: list[Station]) -> dict[str, Any]:
    features = []
    for s in stations:
        props = s.model_dump(mode="json", include=set(GEO_PROPERTIES) - set(RULE_FIELDS) | {"rules"})
        features.append(
            {
                "type": "Feature",
                "id": s.station_id,
                "properties": props,
                "geometry": {"type": "Point", "coordinates": [s.lng, s.lat]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- import -------------------------------------------------------------------------------


def _split(cell: str, sep: str = ";") -> list[str]:
    return [part.strip() for part in cell.split(sep) if part.strip()]


def _pairs(cell: str) -> dict[str, str]:
    pairs = {}
    for part in _split(cell):
        key, _, value = part.partition("=")
        pairs[key.strip()] = value.strip()
    return pairs


def _from_csv_row(row: dict[str, str]) -> dict[str, Any]:
    """Turn one CSV row into the JSON shape of a StationCreate (validation happens after)."""
    data: dict[str, Any] = {k: cell_value(v).strip() for k, v in row.items() if k in CSV_COLUMNS and v is not None}
    for blank in [k for k, v in data.items() if v == "" and k not in ("amenities", "hours", "exceptions")]:
        del data[blank]
    if "amenities" in data:
        data["amenities"] = _split(data["amenities"])
    if "hours" in data:
        data["hours"] = {d: _split(r, ",") for d, r in _pairs(data["hours"]).items()}
    if "exceptions" in data:
        data["exceptions"] = {
            d: [] if r.lower() == "closed" else _split(r, ",") for d, r in _pairs(data["exceptions"]).items()
        }
    if "audience" in data and data["audience"] not in ("all_workers", "members"):
        data["audience"] = _split(data["audience"])
    rules = {k: data.pop(k) for k in RULE_FIELDS if k in data}
    if rules:
        data["rules"] = rules
    return data


def _object(value: Any) -> dict[str, Any]:
    """A JSON object as given, or an empty one for anything else."""
    return value if isinstance(value, dict) else {}


def _validate(data: Any, where: str) -> tuple[StationCreate | None, list[FieldIssue]]:
    try:
        return StationCreate.model_validate(data), []
    except ValidationError as exc:
        issues = [issue_from_pydantic(e) for e in exc.errors()]
        return None, [FieldIssue(f"{where}.{i.field}", i.code, i.zh, i.en) for i in issues]


def _unique_codes(parsed: list[tuple[str, StationCreate]]) -> list[FieldIssue]:
    seen: dict[str, str] = {}
    issues = []
    for where, station in parsed:
        if station.code in seen:
            issues.append(
                FieldIssue(
                    f"{where}.code",
                    "duplicate_code",
                    f"与 {seen[station.code]} 的编号重复",
                    f"repeats the code of {seen[station.code]}",
                )
            )
        seen.setdefault(station.code, where)
    return issues


def parse_csv(text: str) -> tuple[list[StationCreate], list[FieldIssue]]:
    """Every station in the file and every problem; rows are named rows[<line number>]."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = {"code", "kind", "name_zh", "name_en", "address", "city", "district", "lat", "lng"} - set(
        reader.fieldnames or ()
    )
    if missing:
        return [], [
            FieldIssue(
                "csv",
                "missing_columns",
                f"缺少列：{', '.join(sorted(missing))}",
                f"is missing the columns {', '.join(sorted(missing))}",
            )
        ]
    parsed, issues = [], []
    for row in reader:
        where = f"rows[{reader.line_num}]"
        station, problems = _validate(_from_csv_row(row), where)
        issues += problems
        if station:
            parsed.append((where, station))
    return [s for _, s in parsed], issues + _unique_codes(parsed)


def parse_geojson(doc: Any) -> tuple[list[StationCreate], list[FieldIssue]]:
    """Every Point feature of a FeatureCollection; problems are named features[<index>]."""
    features = doc.get("features") if isinstance(doc, dict) and doc.get("type") == "FeatureCollection" else None
    if not isinstance(features, list):
        return [], [
            FieldIssue(
                "geojson",
                "not_a_feature_collection",
                "应为 GeoJSON FeatureCollection",
                "must be a GeoJSON FeatureCollection",
            )
        ]
    parsed, issues = [], []
    for index, feature in enumerate(features):
        where = f"features[{index}]"
        feature = feature if isinstance(feature, dict) else {}
        geometry = _object(feature.get("geometry"))
        coords = geometry.get("coordinates") if geometry.get("type") == "Point" else None
        if not (isinstance(coords, list) and len(coords) >= 2):
            issues.append(
                FieldIssue(
                    f"{where}.geometry",
                    "not_a_point",
                    "应为 Point 坐标 [经度, 纬度]",
                    "must be a Point with coordinates [lng, lat]",
                )
            )
            continue
        props = _object(feature.get("properties"))
        station, problems = _validate({**props, "lng": coords[0], "lat": coords[1]}, f"{where}.properties")
        issues += problems
        if station:
            parsed.append((where, station))
    return [s for _, s in parsed], issues + _unique_codes(parsed)
