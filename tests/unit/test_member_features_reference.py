"""The fast member features equal the slow, plain reference (ml.reference_features) column by column, on the
synthetic population and a few scripted members: live records, compacted histories (up to date, half
compacted, long ago, of the earlier format, wide), Scan pages with the profile mirror, at dates from two
weeks before the histories' newest week to half a year after it.

Every column is exact once rounded to float32 (counts, indicators, weeks since, and ratios, trends, days
and tenure, which both compute with the same IEEE float64 operations) except `app_opens_ewm`: a weighted
mean that the fast path takes as a dot product with normalised weights, equal within one float32 step."""

from __future__ import annotations

import struct
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from chalicelib.domain import activity as act
from chalicelib.scoring import features as F
from chalicelib.store.bulk import typed_item
from ml import reference_features as reference
from ml import synth

AS_OF = synth.AS_OF
DATES = {
    "monday": AS_OF,
    "midweek": AS_OF + timedelta(days=3, hours=5),
    "three weeks on": AS_OF + timedelta(weeks=3),
    "half a year on": AS_OF + timedelta(weeks=26),
    "two weeks before": AS_OF - timedelta(weeks=2),
}
WITHIN_FLOAT32_ROUNDING = frozenset({"app_opens_ewm"})
LAST = act.week_serial(*F.week_keys(AS_OF)[0])


def _format_1(record, newest):
    """The earlier history format, written from the live counters: weekly counts, oldest week first, of the
    HISTORY_WEEKS weeks up to `newest`, the newest week in `hw`; those counters removed."""
    weeks = [act.serial_to_week(newest - k) for k in range(act.HISTORY_WEEKS - 1, -1, -1)]
    names = [[f"w{y}_{w:02d}_{e}" for y, w in weeks] for e in act.MEMBER_HISTORY_EVENTS]
    cells = [int(record.get(name, 0)) for row in names for name in row]
    folded = {name for row in names for name in row}
    return {
        **{k: v for k, v in record.items() if k not in folded},
        "h": struct.pack(f"<{len(cells)}H", *cells),
        "hw": newest,
    }


def _scripted():
    """Members the synthetic population has none of: a client that opens the app 155,000 times (a wide
    history), records without the packed time (an offset stamp, no stamp), no record, unknown profile values."""

    def week(k):
        return AS_OF - timedelta(weeks=k)

    base = {
        "worker_group": "delivery_rider",
        "city": "beijing",
        "employer_id": "e1",
        "membership_status": "active",
        "created_at": "2025-01-02T03:04:05.678901Z",
    }
    bot = {
        "member_id": "bot",
        **{act.week_counter("app_opens", week(k)): v for k, v in ((1, 65_535), (2, 50_000), (3, 40_000), (9, 7))},
        "last_event": "app_opens",
        "last_event_at": "2026-11-29T10:00:00.000000Z",
    }
    offset = {
        "member_id": "offset",
        act.week_counter("checkins", week(2)): 2,
        act.week_counter("parcels", week(1)): 4,
        act.week_counter("bookings", week(0)): 3,
        "last_event_at": "2026-11-28T09:30:00.000001+08:00",
    }
    unstamped = {
        "member_id": "unstamped",
        act.week_counter("no_shows", week(5)): 1,
        act.week_counter("bookings", week(5)): 1,
    }
    profiles = [
        {**base, "member_id": "bot"},
        {**base, "member_id": "offset", "membership_status": "grace"},
        {**base, "member_id": "unstamped", "city": "lhasa", "worker_group": "astronaut"},
        {
            "member_id": "nobody",
            "worker_group": None,
            "city": None,
            "employer_id": None,
            "membership_status": None,
            "created_at": "2026-11-01T00:00:00.000000Z",
        },
    ]
    return profiles, [bot, offset, unstamped, None]


def _stored(i, record):
    """Member i's activity record as batch scoring may find it: never compacted, compacted to the newest
    complete week, two or nine weeks before, or in the earlier format."""
    if record is None or i % 5 == 0:
        return record
    if i % 5 == 4:
        return _format_1(record, LAST - 3)
    return act.compacted(record, LAST - (0, 0, 2, 9)[i % 5])


@pytest.fixture(scope="module")
def members():
    employers = synth.make_employers(150, 23)
    pop = synth.make_members(1501, 23, employers)  # the scripted ones compacted: i % 5 != 0
    scripted_profiles, scripted_records = _scripted()
    profiles = [*pop.items, *scripted_profiles]
    live = [dict(r) if r else None for r in (*pop.records, *scripted_records)]
    for i, r in enumerate(live[: len(pop.records)]):
        if r is not None and i % 13 == 0:
            del r["lt"]  # written before the packed time existed: the stamp
    stored = [_stored(i, r) for i, r in enumerate(live)]
    assert any(
        act.HISTORY_HEADER.unpack_from(r["h"])[1] == act.HISTORY_WIDE
        for r in stored
        if r and "h" in r and not act.is_legacy_history(r["h"], act.MEMBER_HISTORY_EVENTS)
    )
    return profiles, live, stored


def _reference(profiles, records, as_of):
    rows = [reference.member_features(p, r, as_of) for p, r in zip(profiles, records, strict=True)]
    return np.array([[row[name] for name in F.MEMBER_FEATURES] for row in rows], dtype=np.float64)


def _assert_columns_equal(fast, slow):
    assert fast.dtype == np.float32 and fast.shape == slow.shape
    rounded = slow.astype(np.float32)
    for j, name in enumerate(F.MEMBER_FEATURES):
        if name in WITHIN_FLOAT32_ROUNDING:
            off = np.abs(fast[:, j] - rounded[:, j]) > np.spacing(np.abs(rounded[:, j]))
        else:
            off = fast[:, j] != rounded[:, j]
        assert not off.any(), (
            f"{name}: rows {np.flatnonzero(off)[:5].tolist()} fast {fast[off, j][:5].tolist()} "
            f"reference {slow[off, j][:5].tolist()}"
        )


@pytest.mark.parametrize("as_of", DATES.values(), ids=DATES.keys())
def test_member_features_equal_the_reference_column_by_column(members, as_of):
    profiles, live, stored = members
    _assert_columns_equal(F.member_matrix(profiles, live, as_of), _reference(profiles, live, as_of))
    expected = _reference(profiles, stored, as_of)
    _assert_columns_equal(F.member_matrix(profiles, stored, as_of), expected)
    page = [
        typed_item(
            {**(r or {"member_id": p["member_id"]}), "p": act.pack_profile(**{f: p.get(f) for f in F.PROFILE_FIELDS})}
        )
        for p, r in zip(profiles, stored, strict=True)
    ]
    _assert_columns_equal(F.stored_member_matrix(page, as_of), expected)
    _assert_columns_equal(F.member_matrix(profiles, page, as_of, raw=True), expected)


def test_the_reference_reads_a_compacted_history_as_its_live_counters(members):
    profiles, live, stored = members
    assert np.array_equal(_reference(profiles, stored, AS_OF), _reference(profiles, live, AS_OF))
    at = next(i for i, p in enumerate(profiles) if p["member_id"] == "offset")
    row = reference.member_features(profiles[at], live[at], AS_OF)
    assert row["checkins_2w"] == 2 and row["bookings_4w"] == 0  # this week's bookings: not yet
    last_event = datetime(2026, 11, 28, 9, 30, 0, 1, tzinfo=timezone(timedelta(hours=8)))
    assert row["days_since_last_event"] == (AS_OF - last_event) / timedelta(microseconds=1) / 86_400e6
