"""Train/serve identity: the generator writes the records the live system stores, and features of records
stored through the real services equal features of the generator's own records."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from chalicelib.domain.activity import ACTIVITY_ZONE
from chalicelib.scoring import features as F
from ml import synth


@pytest.fixture(scope="module")
def population():
    employers = synth.make_employers(300, seed=5)
    return employers, synth.make_members(400, seed=5, employers=employers)


def replay(subject_id: str, item: dict) -> None:
    """Record every counted event through chalicelib.services.activity, inside its ISO week, with the
    generator's last event last, at the generator's last_event_at."""
    from chalicelib.services import activity

    last_at = datetime.fromisoformat(item["last_event_at"])
    last_key = next(
        k
        for k in item
        if k.startswith("w")
        and k.endswith("_" + item["last_event"])
        and F.week_keys(last_at + timedelta(weeks=1))[0] == tuple(int(p) for p in k[1:].split("_")[:2])
    )
    for key, count in item.items():
        if not key.startswith("w"):
            continue
        year, week, event = int(key[1:5]), int(key[6:8]), key[9:]
        monday = datetime.fromisocalendar(year, week, 1).replace(tzinfo=ACTIVITY_ZONE)
        for i in range(count - (1 if key == last_key else 0)):
            activity.record(subject_id, event, monday + timedelta(hours=1, minutes=i))
    activity.record(subject_id, item["last_event"], last_at)


def small(records: list, limit: int = 80) -> list[int]:
    """Members with some, but not too many, events (each event is one UpdateItem here)."""
    sizes = [sum(v for k, v in (r or {}).items() if k.startswith("w")) for r in records]
    return [i for i, s in enumerate(sizes) if 5 <= s <= limit]


def test_member_activity_stored_through_the_service_featurizes_like_the_generator(aws, population):
    from chalicelib.store import scoring_inputs

    _, members = population
    picked = small(members.records)[:4]
    assert len(picked) == 4
    for i in picked:
        generated = members.records[i]
        replay(generated["member_id"], generated)
        stored = scoring_inputs.activity_item(generated["member_id"])
        assert stored == generated  # the very same item, attribute for attribute
        profile = members.items[i]
        assert np.array_equal(
            F.member_matrix([profile], [stored], synth.AS_OF), F.member_matrix([profile], [generated], synth.AS_OF)
        )


def test_member_profile_read_from_the_members_table_featurizes_like_the_generator(aws, population):
    from chalicelib.store.accounts_tables import MemberRecord as Member

    _, members = population
    profile = next(m for m in members.items if m["employer_id"] and m["membership_status"])
    Member(
        profile["member_id"],
        worker_group=profile["worker_group"],
        city=profile["city"],
        employer_id=profile["employer_id"],
        membership_status=profile["membership_status"],
        created_at=profile["created_at"],
        updated_at=profile["created_at"],
    ).save()
    stored = F.profile_of(Member.get(profile["member_id"]))
    assert stored == {k: profile[k] for k in F.PROFILE_FIELDS}


def test_employer_activity_stored_through_the_service_featurizes_like_the_generator(aws, population):
    from chalicelib.store import scoring_inputs

    employers, _ = population
    for i in small(employers.records, limit=60)[:2]:
        generated = employers.records[i]
        replay(generated["member_id"], generated)
        stored = scoring_inputs.activity_item(generated["member_id"])
        assert stored == generated
        assert np.array_equal(
            F.employer_matrix([employers.items[i]], [stored], synth.AS_OF),
            F.employer_matrix([employers.items[i]], [generated], synth.AS_OF),
        )


def test_slot_history_read_with_a_query_featurizes_like_the_generator(aws):
    from chalicelib.store import scoring_inputs
    from chalicelib.store.booking_tables import SlotRecord

    stations = synth.make_stations(2, seed=5, weeks=5)
    for item in stations.slot_items:
        SlotRecord(
            item["resource_id"], item["slot_start"], **{k: item[k] for k in ("slot_end", "capacity", "taken", "booked")}
        ).save()
    generated = synth.slot_history(stations.slot_items)
    as_of = stations.week_starts[-1]
    targets = [t for t in stations.starts if t >= as_of]
    for station in stations.items:
        stored = scoring_inputs.slot_history(station["station_id"], as_of - timedelta(days=29), as_of)
        assert stored == {
            t: v for t, v in generated[station["station_id"]].items() if as_of - timedelta(days=29) <= t < as_of
        }
        assert np.array_equal(
            F.station_matrix(station, targets, stored, as_of),
            F.station_matrix(station, targets, generated[station["station_id"]], as_of),
        )


def test_the_generator_is_seeded():
    a, b = synth.make_employers(50, seed=9), synth.make_employers(50, seed=9)
    assert a.records == b.records and np.array_equal(a.p_dispute, b.p_dispute)
    c = synth.make_employers(50, seed=10)
    assert a.records != c.records
