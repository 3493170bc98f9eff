"""A member's data export (PIPL art. 45) as one zip: `export.json` holds every section in full, and
each tabular section is also a CSV (UTF-8 with a BOM, so Excel shows Chinese; every cell
formula-safe through domain.spreadsheet). Nested lists of records (a request's comments, history
and attachments; a booking's history) become CSVs of their own, keyed by their parent's id.

Nobody but the member is named inside: staff ids become a role label (`who`), and only the
member's own records are read in the first place.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from chalicelib.domain.base import Out
from chalicelib.domain.instants import utc_stamp
from chalicelib.domain.spreadsheet import inert_cell

STAFF = "工会工作人员 / union staff"
YOU = "本人 / you"
SYSTEM = "系统 / system"

CHILD_TABLES: dict[str, tuple[str, ...]] = {
    "bookings": ("history",),
    "requests": ("history", "attachments", "comments"),
}
"""Nested record lists that get a CSV of their own (`<section>_<field>.csv`)."""

NOTIFICATIONS_NOTE = {
    "zh": "平台目前还不会给你发送站内通知，所以这里暂时没有内容；以后的通知会出现在这一部分。",
    "en": "WorkerHome does not send notifications yet, so there is nothing here; future ones will appear here.",
}

ABOUT = {
    "zh": "这是职工之家保存的你的全部个人信息。其他人的信息已隐去：工作人员只显示为“工会工作人员”。"
    "附件下载链接在导出后1小时内有效，过期后可重新导出。",
    "en": "This is everything WorkerHome holds about you. Other people are left out: staff appear only as "
    "'union staff'. Attachment download links work for 1 hour after the export; export again for fresh ones.",
}


class ExportOut(Out):
    url: str  # a presigned GET of the zip
    expires_at: str  # when the link stops working (UTC)
    sections: dict[str, int]  # section -> how many records it holds


def who(actor: str | None, member_id: str) -> str | None:
    """The member themself, the system, or a role label for anyone else (never a staff id or name)."""
    if actor is None:
        return None
    if actor == member_id:
        return YOU
    if actor == "system":
        return SYSTEM
    return STAFF


def plain(value: Any) -> Any:
    """A JSON-ready copy of a view or domain object: times as UTC stamps, dates as ISO dates."""
    if isinstance(value, BaseModel):
        return plain(value.model_dump())
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, datetime):
        return utc_stamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(plain(v) for v in value)
    return value


def _count(value: Any) -> int:
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict) and "items" in value:
        return len(value["items"])
    return 1 if value else 0


def counts(sections: dict[str, Any]) -> dict[str, int]:
    """How many records each section holds (a single record counts 1, an empty one 0)."""
    return {name: _count(value) for name, value in sections.items()}


def tables(sections: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every tabular section as rows, with CHILD_TABLES split off into their own tables."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, rows in sections.items():
        if not isinstance(rows, list):
            continue
        children = CHILD_TABLES.get(name, ())
        out[name] = [{k: v for k, v in row.items() if k not in children} for row in rows]
        for child in children:
            out[f"{name}_{child}"] = [
                {**dict([next(iter(row.items()))]), **item} for row in rows for item in row.get(child) or []
            ]
    return out


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return inert_cell(value)


def to_csv(rows: list[dict[str, Any]]) -> bytes:
    """One table as a spreadsheet opens it: a BOM, a header of every column seen, safe cells."""
    columns = list(dict.fromkeys(k for row in rows for k in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    if columns:
        writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
    return out.getvalue().encode("utf-8-sig")


def archive(document: dict[str, Any]) -> bytes:
    """The zip the member downloads: export.json and one CSV per table of document["sections"]."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("export.json", json.dumps(document, ensure_ascii=False, indent=2))
        for name, rows in tables(document["sections"]).items():
            zipped.writestr(f"{name}.csv", to_csv(rows))
    return buffer.getvalue()
