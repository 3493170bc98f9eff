"""Opening a member's data export the way they would: fetch the presigned link over HTTP, unzip it.

moto does not enforce a presigned URL's expiry, so `link_expired` applies S3's rule to the link
itself: a SigV4 query-signed URL stops working X-Amz-Expires seconds after X-Amz-Date."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import requests

SECTIONS = (  # every section of an export, in order
    "profile",
    "bookings",
    "waitlist",
    "membership",
    "applications",
    "consents",
    "requests",
    "scores",
    "assessment",
    "outreach",
    "audit",
    "notifications",
)


@dataclass
class Export:
    document: dict[str, Any]
    csv_text: dict[str, str]  # file name -> text as decoded (BOM removed)
    raw: dict[str, bytes]

    @property
    def sections(self) -> dict[str, Any]:
        return self.document["sections"]

    def rows(self, name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.csv_text[f"{name}.csv"])))


def fetch(url: str) -> requests.Response:
    return requests.get(url, timeout=10)


def open_export(url: str) -> Export:
    reply = fetch(url)
    assert reply.status_code == 200, reply.text[:300]
    with zipfile.ZipFile(io.BytesIO(reply.content)) as zipped:
        raw = {name: zipped.read(name) for name in zipped.namelist()}
    texts = {name: body.decode("utf-8-sig") for name, body in raw.items() if name.endswith(".csv")}
    return Export(json.loads(raw["export.json"]), texts, raw)


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def signed_at(url: str) -> datetime:
    return datetime.strptime(_query(url)["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def link_lifetime(url: str) -> int:
    """Seconds the presigned link is valid for."""
    return int(_query(url)["X-Amz-Expires"])


def link_expired(url: str, at: datetime) -> bool:
    """Whether S3 refuses this presigned GET at `at`."""
    return at >= signed_at(url) + timedelta(seconds=link_lifetime(url))
