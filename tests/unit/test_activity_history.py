"""The compacted activity history: folding live weekly counters into `h` never changes a feature, and
histories of the earlier format (event rows only, newest week in `hw`) read the same and are rewritten."""

from datetime import timedelta

import numpy as np
import pytest

from chalicelib.domain import activity as act
from chalicelib.scoring import features
from chalicelib.store.bulk import typed_item
from ml.synth import AS_OF


@pytest.fixture(scope="module")
def population():
    from ml import synth

    employers = synth.make_employers(60, 5)
    return synth.make_members(800, 5, employers), employers


def _raw(record):
    return None if record is None else typed_item(record)


def test_pack_and_unpack_round_trip_and_saturate():
    events = act.MEMBER_HISTORY_EVENTS
    counts = [[w + e for w in range(act.HISTORY_WEEKS)] for e in range(len(events))]
    blob = act.pack_history(counts, 105_700)
    assert len(blob) == act.history_size(events) and act.read_history(blob, events) == (105_700, counts)
    counts[0][0] = 10**6
    assert act.unpack_history(act.pack_history(counts, 105_700), events)[0][0] == act.HISTORY_MAX


def _rows(blob):
    """The cells of a format-2 history: (events + 1, weeks), each row cumulative from the newest week."""
    cells = np.frombuffer(blob[act.HISTORY_HEADER.size :], dtype="<u2")
    return cells.reshape(-1, act.HISTORY_WEEKS).astype(np.int64)


def test_each_row_counts_from_the_newest_week_back_and_the_last_row_the_active_weeks():
    events = act.MEMBER_HISTORY_EVENTS
    counts = [[(w * 7 + e) % 3 if w % 5 else 0 for w in range(act.HISTORY_WEEKS)] for e in range(len(events))]
    counts[2][6] = 65_000
    counts[3][6] = 9_000
    rows = _rows(act.pack_history(counts, 1))
    newest_first = np.array(counts)[:, ::-1]
    assert (rows[:-1] == np.cumsum(newest_first, axis=1)).all()  # no event passed 2**16: exact
    active = (newest_first > 0).any(axis=0)
    assert rows[-1].tolist() == np.cumsum(active).tolist() and not active.all()
    assert act.HISTORY_HEADER.unpack_from(act.pack_history(counts, 1))[1] == 0


def test_an_event_counted_past_2_16_is_flagged_and_still_read_exactly(population):
    events = act.MEMBER_HISTORY_EVENTS
    counts = [[0] * act.HISTORY_WEEKS for _ in events]
    counts[0][-3:] = [40_000, 50_000, 65_535]  # app opens of a scripted client
    blob = act.pack_history(counts, 105_000)
    assert act.HISTORY_HEADER.unpack_from(blob)[1] == act.HISTORY_WIDE
    assert act.read_history(blob, events) == (105_000, counts)
    members, _ = population
    last = act.week_serial(*features.week_keys(AS_OF)[0])
    record = {
        "member_id": "m-bot",
        **{
            act.week_counter("app_opens", AS_OF - timedelta(weeks=k)): v
            for k, v in ((1, 65_535), (2, 50_000), (3, 40_000), (9, 7))
        },
    }
    other = next(r for r in members.records if r is not None)
    items = [_raw(act.compacted(r, last)) for r in (record, other)]
    live = features.member_matrix(members.items[:2], [record, other], AS_OF)
    assert np.array_equal(features.member_matrix(members.items[:2], items, AS_OF, raw=True), live)
    row = dict(zip(features.MEMBER_FEATURES, live[0].tolist(), strict=True))
    assert row["app_opens_26w"] == 155_542 and row["app_opens_4w"] == 155_535 and row["app_opens_1w"] == 65_535


def _legacy(record, until):
    """`compacted` as the earlier format wrote it: event rows only, the newest week in `hw`."""
    out = act.compacted(record, until)
    if "h" in out:
        newest, counts = act.read_history(out["h"], act.history_events(str(out["member_id"])))
        cells = np.array(counts, dtype="<u2")
        out = {**out, "h": cells.tobytes(), "hw": newest}
    return out


def test_a_history_of_the_earlier_format_reads_the_same_and_is_rewritten(population):
    members, _ = population
    last = act.week_serial(*features.week_keys(AS_OF)[0])
    pairs = [(p, r) for p, r in zip(members.items[:300], members.records[:300], strict=True) if r is not None]
    profiles, records = [p for p, _ in pairs], [r for _, r in pairs]
    legacy = [_legacy(r, last - 2) for r in records]
    assert all(act.is_legacy_history(r["h"], act.MEMBER_HISTORY_EVENTS) for r in legacy if "h" in r)
    assert [act.expanded(r) for r in legacy] == [act.expanded(act.compacted(r, last - 2)) for r in records]
    rewritten = [act.compacted(r, last - 2) for r in legacy]  # nothing ripe: only the format
    assert all("hw" not in r for r in rewritten) and rewritten == [act.compacted(r, last - 2) for r in records]
    mixed = [legacy[i] if i % 2 else rewritten[i] for i in range(len(records))]
    expected = features.member_matrix(profiles, records, AS_OF)
    assert np.array_equal(features.member_matrix(profiles, mixed, AS_OF), expected)
    assert np.array_equal(features.member_matrix(profiles, [_raw(r) for r in mixed], AS_OF, raw=True), expected)


def test_fold_moves_ripe_counters_only():
    now = act.week_serial(2026, 48)
    record = {
        "member_id": "m1",
        "w2026_46_bookings": 2,
        "w2026_47_bookings": 1,
        "w2026_48_bookings": 5,
        "w2026_47_request_comments_sent": 3,
        "last_event": "bookings",
    }
    out = act.compacted(record, now - 1)
    assert set(out) == {"member_id", "h", "w2026_48_bookings", "w2026_47_request_comments_sent", "last_event"}
    newest, history = act.read_history(out["h"], act.MEMBER_HISTORY_EVENTS)
    assert history[1][-2:] == [2, 1] and sum(map(sum, history)) == 3 and newest == now - 1
    again = act.compacted({**out, "w2026_48_bookings": 5}, now)  # a week later
    assert act.unpack_history(again["h"], act.MEMBER_HISTORY_EVENTS)[1][-3:] == [2, 1, 5]
    assert act.compacted(again, now) == again  # nothing ripe: unchanged


@pytest.mark.parametrize("weeks_later", [0, 1, 3])
def test_features_are_identical_live_compacted_and_half_compacted(population, weeks_later):
    members, employers = population
    as_of = AS_OF + timedelta(weeks=weeks_later)
    last = act.week_serial(*features.week_keys(as_of)[0])
    live = members.records
    full = [None if r is None else act.compacted(r, last) for r in live]
    half = [None if r is None else act.compacted(r, last - 5) for r in live]
    assert sum(1 for r in full if r and any(act.parse_counter(k) for k in r)) == 0
    expected = features.member_matrix(members.items, live, as_of)
    for records in (full, half):
        assert np.array_equal(features.member_matrix(members.items, records, as_of), expected)
        assert np.array_equal(
            features.member_matrix(members.items, [_raw(r) for r in records], as_of, raw=True), expected
        )
    employer_full = [None if r is None else act.compacted(r, last) for r in employers.records]
    assert np.array_equal(
        features.employer_matrix(employers.items, employer_full, as_of),
        features.employer_matrix(employers.items, employers.records, as_of),
    )


def test_expanded_writes_the_history_back_out_as_counters(population):
    members, _ = population
    last = act.week_serial(*features.week_keys(AS_OF)[0])
    for record in members.records[:200]:
        if record is None:
            continue
        assert act.expanded(act.compacted(record, last)) == record
        assert act.expanded(act.compacted(record, last - 3)) == record
