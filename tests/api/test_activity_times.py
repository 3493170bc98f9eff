"""Every event stores its time twice on the member's activity item: the readable stamp (`last_event_at`)
and the packed microseconds batch scoring reads a page of at once (`lt`, pack_event_time), in the same
update, so the two never disagree; scoring gives the same features from either."""

from __future__ import annotations

import struct
from datetime import timedelta
from typing import Any

from tests.api.services_world import apply


def _item(aws: Any, member_id: str) -> dict[str, Any]:
    from chalicelib.store.bulk import plain

    item = aws.client("dynamodb").get_item(
        TableName=aws.settings.table("activity"), Key={"member_id": {"S": member_id}}, ConsistentRead=True
    )["Item"]
    return {k: plain(v) for k, v in item.items()}


def _packed(item: dict[str, Any]) -> int:
    return struct.unpack("<q", item["lt"])[0]


def test_each_event_packs_its_time_next_to_its_stamp(api, aws, worker, clock):
    from chalicelib.domain.activity import epoch_us
    from chalicelib.services import activity
    from chalicelib.store.base import iso

    first = _item(aws, worker.member_id)  # the login counted an app open
    assert first["last_event"] == "app_opens" and _packed(first) == epoch_us(first["last_event_at"])
    later = clock.now() + timedelta(hours=5, microseconds=17)
    activity.record(worker.member_id, "bookings", later)
    item = _item(aws, worker.member_id)
    assert item["last_event_at"] == iso(later) and _packed(item) == epoch_us(iso(later)) > _packed(first)


def test_an_event_inside_a_transaction_packs_its_time_too(api, aws, admin, worker):
    from chalicelib.domain.activity import epoch_us

    application = apply(api, worker)
    assert application.status == 201
    approved = api.as_(admin).post(
        f"/v1/admin/membership/applications/{application.json['application_id']}/approve", {}
    )
    assert approved.status == 200  # status, its event and the mirror in one transaction
    item = _item(aws, worker.member_id)
    assert item["last_event"] == "membership_joins"
    assert _packed(item) == epoch_us(item["last_event_at"])


def test_batch_features_are_the_same_from_the_packed_time_and_from_the_stamp(api, aws, worker, clock):
    from chalicelib.domain.activity import pack_profile
    from chalicelib.scoring import features as F

    client = aws.client("dynamodb")
    stored = client.get_item(
        TableName=aws.settings.table("activity"), Key={"member_id": {"S": worker.member_id}}, ConsistentRead=True
    )["Item"]
    stored.setdefault(
        "p",
        {
            "B": pack_profile(
                worker_group=None,
                city=None,
                employer_id=None,
                membership_status=None,
                created_at="2026-01-01T00:00:00.000000Z",
            )
        },
    )
    legacy = {k: v for k, v in stored.items() if k != "lt"}  # written before `lt` existed
    never = {"member_id": {"S": "m-quiet"}, "p": stored["p"]}  # no event yet
    as_of = clock.now() + timedelta(days=9)  # the login was the last event
    x = F.stored_member_matrix([stored, legacy, never, stored], as_of)
    days = x[:, F.MEMBER_FEATURES.index("days_since_last_event")]
    assert days[0] == days[1] == days[3] and days[0] == 9.0 and days[2] == F.MAX_DAYS
    assert (x[0] == x[1]).all() and (F.stored_member_matrix([legacy], as_of) == x[:1]).all()
