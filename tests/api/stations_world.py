"""Helpers that build the stations-and-booking world for API tests (fixtures: stations_fixtures.py): stations made by an admin through the API, workers
who log in with fresh phones, members and staff. The fake clock starts on Friday 2026-11-27 at
10:00 in Shanghai (02:00 UTC)."""

from __future__ import annotations

import itertools
from typing import Any

from tests.support.client import Api, Session

SHANGHAI_PEOPLES_SQUARE = (31.2304, 121.4737)
_phones = itertools.count(13700000001)


def station_body(**overrides: Any) -> dict[str, Any]:
    """A valid station: open every day 08:00-12:00 and 13:00-20:00, 30-minute slots, 2 seats."""
    lat, lng = SHANGHAI_PEOPLES_SQUARE
    body: dict[str, Any] = {
        "code": f"SH-{next(_phones) % 100000:05d}",
        "kind": "rider_station",
        "name_zh": "人民广场骑手驿站",
        "name_en": "People's Square Rider Station",
        "address": "黄浦区人民大道 100 号",
        "city": "shanghai",
        "district": "黄浦区",
        "lat": lat,
        "lng": lng,
        "amenities": ["water", "charging", "restroom"],
        "hours": {d: ["08:00-12:00", "13:00-20:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
        "slot_minutes": 30,
        "seats": 2,
        "rules": {
            "min_notice_minutes": 30,
            "max_days_ahead": 7,
            "cancel_window_minutes": 60,
            "no_show_grace_minutes": 15,
        },
    }
    body.update(overrides)
    return body


def create_station(api: Api, admin: Session, **overrides: Any) -> dict[str, Any]:
    reply = api.as_(admin).post("/v1/admin/stations", station_body(**overrides))
    assert reply.status == 201, reply.json
    return reply.json


def new_worker(api: Api) -> Session:
    return api.login(str(next(_phones)))


def make_member(api: Api, session: Session, *, group: str | None = None, member: bool = True) -> Session:
    """Membership comes with another issue: set it on the account directly, then log in again so the
    token carries it."""
    from chalicelib.store import accounts

    record = accounts.get_member(session.member_id)
    record.membership_status = "active" if member else None
    record.worker_group = group
    accounts.save_member(record)
    return api.login(session.phone)


def make_staff(api: Api, *station_ids: str) -> Session:
    from chalicelib.services.members import grant_by_phone

    phone = str(next(_phones))
    grant_by_phone(phone, {"staff"}, set(station_ids))
    return api.login(phone)


def book(api: Api, who: Session, station_id: str, start: str, **kw: Any) -> Any:
    return api.as_(who).post("/v1/bookings", {"station_id": station_id, "slot_start": start}, **kw)


def run_sweep(api: Api) -> Any:
    """Run the scheduled booking sweep the way Lambda would (a CloudWatch event)."""
    client = api._client
    event = client.events.generate_cw_event(
        source="aws.events",
        detail_type="Scheduled Event",
        detail={},
        resources=["arn:aws:events:ap-east-1:123456789012:rule/booking_sweep"],
    )
    return client.lambda_.invoke("booking_sweep", event).payload


def slot_counts(station_id: str, start: str) -> Any:
    """The slot's counters as stored (capacity, taken, booked, held, waiting)."""
    from datetime import datetime

    from chalicelib.store.slots import get_counts

    return get_counts(station_id, datetime.fromisoformat(start))
