"""The feature code: fixed names and order, a stable hash, deterministic rows, one path for one row and many."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

from chalicelib.scoring import features as F

AS_OF = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)  # Monday 2026-11-30 00:00 in Shanghai (ISO week 49)
PROFILE = {
    "worker_group": "delivery_rider",
    "city": "beijing",
    "employer_id": "emp-1",
    "membership_status": "grace",
    "created_at": "2026-05-01T00:00:00.000000Z",
}


def row(record, profile=PROFILE, as_of=AS_OF) -> dict[str, float]:
    return dict(zip(F.MEMBER_FEATURES, F.member_matrix([profile], [record], as_of)[0].tolist(), strict=True))


def test_names_are_unique_and_the_hash_identifies_the_list():
    for names in F.FEATURE_SETS.values():
        assert len(names) == len(set(names))
        assert F.feature_hash(names) == F.feature_hash(tuple(names))
        assert F.feature_hash(names) != F.feature_hash(names[::-1])
        assert F.feature_hash(names) != F.feature_hash(names[:-1])


def test_windows_are_the_complete_weeks_before_the_week_of_as_of():
    assert F.week_keys(AS_OF)[0] == (2026, 48)
    sunday_night = AS_OF - timedelta(minutes=1)  # still week 48 in Shanghai
    assert F.week_keys(sunday_night)[0] == (2026, 47)
    assert len(set(F.week_keys(AS_OF))) == F.WEEKS


def test_counters_are_read_by_week_and_event():
    record = {
        "member_id": "m1",
        "w2026_48_checkins": 2,
        "w2026_45_checkins": 1,
        "w2026_48_app_opens": 5,
        "w2026_49_checkins": 9,  # this week: not complete yet, not counted
        "w2026_20_checkins": 9,  # older than 26 weeks
        "w2026_48_parcels": 4,  # an event the features do not read
        "last_event": "checkins",
        "last_event_at": "2026-11-29T10:00:00.000000Z",
    }
    v = row(record)
    assert v["checkins_4w"] == 3 and v["checkins_26w"] == 3 and v["checkins_2w"] == 2
    assert v["app_opens_1w"] == 5 and v["weeks_since_checkin"] == 0 and v["weeks_since_active"] == 0
    assert v["active_weeks_4w"] == 2
    assert v["days_since_last_event"] == pytest.approx(0.25)
    assert v["membership_grace"] == 1 and v["group_delivery_rider"] == 1 and v["city_beijing"] == 1


def test_no_record_means_nothing_happened():
    v = row(
        None, {"worker_group": None, "city": None, "employer_id": None, "membership_status": None, "created_at": None}
    )
    assert v["weeks_since_active"] == F.NONE_WEEKS and v["weeks_since_checkin"] == F.NONE_WEEKS
    assert v["days_since_last_event"] == F.MAX_DAYS
    assert sum(v[n] for n in F.MEMBER_FEATURES if n.startswith(("group_", "city_", "membership_"))) == 0


def test_rows_are_deterministic_and_one_row_equals_its_row_in_a_batch():
    records = [
        None,
        {"w2026_48_bookings": 3, "w2026_40_requests_training": 1, "last_event_at": "2026-11-28T01:00:00.000000Z"},
        {"w2026_30_app_opens": 7, "w2026_31_request_rejected": 1, "w2026_31_requests_health": 2},
    ]
    profiles = [PROFILE, {**PROFILE, "membership_status": None}, {**PROFILE, "city": "xian"}]
    batch = F.member_matrix(profiles, records, AS_OF)
    assert batch.dtype == np.float32 and batch.shape == (3, len(F.MEMBER_FEATURES))
    assert np.array_equal(batch, F.member_matrix(profiles, records, AS_OF))
    for i in range(3):
        assert np.array_equal(batch[i], F.member_matrix([profiles[i]], [records[i]], AS_OF)[0])


def test_employer_rows():
    record = {
        "w2026_48_rights_requests": 3,
        "w2026_40_rights_requests": 1,
        "w2026_47_members_left": 2,
        "w2026_35_members_joined": 4,
    }
    x = F.employer_matrix([{"industry": "construction", "has_union": False}], [record], AS_OF)[0]
    v = dict(zip(F.EMPLOYER_FEATURES, x.tolist(), strict=True))
    assert v["rights_requests_1w"] == 3 and v["rights_requests_13w"] == 4 and v["weeks_since_rights_request"] == 0
    assert v["left_per_joined_26w"] == pytest.approx(2 / 5) and v["industry_construction"] == 1 and v["has_union"] == 0


def test_station_rows_use_same_slot_lags_and_ignore_the_future():
    station = {"kind": "rider_station", "seats": 10, "slot_minutes": 60, "time_zone": "Asia/Shanghai"}
    slot = AS_OF + timedelta(days=2, hours=12)  # Wednesday 12:00 local
    history = {
        slot - timedelta(weeks=1): 4,
        slot - timedelta(weeks=2): 2,
        slot - timedelta(weeks=4): 6,
        AS_OF + timedelta(hours=1): 9,
    }  # after as_of: unknown at forecast time
    x = F.station_matrix(station, [slot], history, AS_OF)[0]
    v = dict(zip(F.STATION_FEATURES, x.tolist(), strict=True))
    assert (v["lag_1w"], v["lag_2w"], v["lag_3w"], v["lag_4w"]) == (4, 2, 0, 6)
    assert v["lag_mean_4w"] == 3 and v["hour"] == 12 and v["weekday"] == 2 and v["days_ahead"] == 2.5
    assert v["station_daily_7d"] == pytest.approx(4 / 7) and v["kind_rider_station"] == 1
    assert F.station_matrix(station, [], history, AS_OF).shape == (0, len(F.STATION_FEATURES))


# --- batch scoring's input: activity items as a Scan returns them --------------------------------


def _scanned(profile, record, compacted_until):
    """The member's activity item in DynamoDB's format: weeks up to `compacted_until` folded into the history
    (None: never compacted), later counters still live, and the profile mirror."""
    from chalicelib.domain.activity import compacted, pack_profile
    from chalicelib.store.bulk import typed_item

    item = dict(record or {"member_id": profile["member_id"]})
    if compacted_until is not None:
        item = compacted(item, compacted_until)
    item["p"] = pack_profile(**{f: profile.get(f) for f in F.PROFILE_FIELDS})
    return typed_item(item)


def _members():
    """Twelve members items and their activity records (counters over 30 weeks, some in this week)."""
    from chalicelib.domain.activity import pack_event_time, week_counter

    def counters(member_id, weeks_ago, **per_event):
        return {
            week_counter(e, AS_OF - timedelta(weeks=w)): n * (1 + w % 3)
            for e, n in per_event.items()
            for w in weeks_ago
        } | {"member_id": member_id}

    profiles, records = [], []
    for i in range(12):
        profiles.append(
            {
                **PROFILE,
                "member_id": f"m{i}",
                "membership_status": ("active", "grace", "lapsed")[i % 3],
                "worker_group": F.WORKER_GROUPS[i % len(F.WORKER_GROUPS)],
                "employer_id": None if i % 4 == 0 else "emp-1",
                "created_at": (AS_OF - timedelta(days=37 * i + 3, microseconds=7 * i)).strftime(
                    "%Y-%m-%dT%H:%M:%S.%fZ"
                ),
            }
        )
        record = counters(
            f"m{i}",
            range(1 + i % 5, 30, 1 + i % 4),
            app_opens=3 + i,
            bookings=1 + i % 2,
            checkins=i % 3,
            no_shows=i % 2,
            requests_training=i % 2,
            request_rejected=i % 3 // 2,
        )
        record.update(counters(f"m{i}", (1, 2), app_opens=2, waitlist_joins=1))  # the last two weeks
        if i % 3 == 0:
            record.update(counters(f"m{i}", (0,), bookings=4))  # this week: not complete, not counted
        record |= {
            "last_event": "app_opens",
            "last_event_at": (AS_OF - timedelta(days=i / 3, microseconds=13 * i)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        }
        if i != 10:  # member 10's last event was written before `lt` existed
            record["lt"] = pack_event_time(record["last_event_at"])
        records.append(record)
    profiles[5]["city"] = "lhasa"  # outside the vocabulary
    profiles[6]["worker_group"] = "astronaut"
    return profiles, records


def _stored_page(profiles, records, *, general: bool):
    """Every item compacted, most of them to the last complete week, a few two weeks earlier (their last
    two weeks still live counters) or long ago, one written before `lt` (only the stamp); with `general`,
    also a member without activity, one whose counters were never compacted, one without a last event time
    and a stamp not in iso()'s form."""
    from chalicelib.domain.activity import week_serial

    last = week_serial(*F.week_keys(AS_OF)[0])
    until = [last - 2 if i in (1, 7) else last - 9 if i == 4 else last for i in range(len(records))]
    records = [dict(r) for r in records]
    if general:
        records[2], until[3] = None, None
        del records[8]["last_event_at"], records[8]["lt"]
        records[9]["last_event_at"] = (
            datetime.fromisoformat(records[9]["last_event_at"]).astimezone(timezone(timedelta(hours=8))).isoformat()
        )  # the same instant, with an offset
        del records[9]["lt"]  # ... and only the stamp
    return [_scanned(p, r, u) for p, r, u in zip(profiles, records, until, strict=True)], records


@pytest.mark.parametrize("general", [False, True], ids=["scan page", "with every exception"])
def test_batch_scoring_reads_from_stored_items_the_features_of_the_members(general):
    profiles, records = _members()
    items, plain = _stored_page(profiles, records, general=general)
    assert any(k.startswith("w2026") for k in items[1]) and "h" in items[1]  # live counters next to the history
    x = F.stored_member_matrix(items, AS_OF)
    assert x.dtype == np.float32 and np.array_equal(x, F.member_matrix(profiles, plain, AS_OF))
    assert np.array_equal(x, F.member_matrix(profiles, items, AS_OF, raw=True))
    v = dict(zip(F.MEMBER_FEATURES, x[5].tolist(), strict=True))
    assert sum(v[f"city_{c}"] for c in F.CITY_CODES) == 0


@pytest.mark.parametrize("general", [False, True], ids=["scan page", "with every exception"])
def test_days_since_the_last_event_come_from_the_exact_stamps(general):
    profiles, records = _members()
    items, plain = _stored_page(profiles, records, general=general)
    days = F.stored_member_matrix(items, AS_OF)[:, F.MEMBER_FEATURES.index("days_since_last_event")]
    stamps = [(r or {}).get("last_event_at") for r in plain]
    expected = [
        F.MAX_DAYS
        if s is None
        else min(
            max(
                (AS_OF - datetime.fromisoformat(s.replace("Z", "+00:00"))) // timedelta(microseconds=1) / 86_400e6, 0.0
            ),
            F.MAX_DAYS,
        )
        for s in stamps
    ]
    assert days.tolist() == np.array(expected, dtype=np.float32).tolist()


def test_a_stamp_in_any_stored_form_is_the_same_instant():
    forms = [
        "2024-02-29T12:00:00.000000Z",
        "2024-02-29T12:00:00Z",
        "2024-02-29T20:00:00+08:00",
        "2024-02-29T12:00:00.000000+00:00",
    ]
    tenure = {row(None, {**PROFILE, "created_at": s})["tenure_weeks"] for s in forms}
    assert tenure == {float(np.float32((AS_OF - datetime(2024, 2, 29, 12, tzinfo=UTC)).days / 7))}
