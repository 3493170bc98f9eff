"""`make retrain`: a synthetic population with a known truth is written into moto the way the live
system stores it (members, activity counters over 39 weeks, outreach outcomes), read back with
parallel Scans, turned into features as of T-13w and labels over the 13 weeks after, and a candidate
is promoted only when it is not worse than the current model on the same holdout."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from chalicelib.scoring import features as F
from ml import retrain, synth
from ml.retrain import StoredRecords

AS_OF = synth.AS_OF  # Monday 2026-11-30 00:00 in Shanghai
CUTOFF = AS_OF - timedelta(weeks=retrain.LABEL_WEEKS)
MEMBERS = 1200  # moto serializes the ~40 counters of each activity item slowly (~20 ms an item)
PACKAGED = Path(__file__).resolve().parents[2] / "chalicelib" / "models"


def counter(at: Any, event: str) -> str:
    year, week, _ = at.astimezone(synth.ACTIVITY_ZONE).isocalendar()
    return f"w{year}_{week:02d}_{event}"


def stored_history(n: int, seed: int) -> tuple[list[dict], list[dict], list[dict], np.ndarray]:
    """(members items, activity items, outreach items, true churn) for `n` synthetic members: their
    first 26 weeks from ml.synth (as of the cutoff), then 13 weeks in which the members the generator
    says stay do something and the others do nothing (some of them leaving the union)."""
    from chalicelib.store.base import iso

    employers = synth.make_employers(400, seed, as_of=CUTOFF)
    pop = synth.make_members(n, seed, employers, as_of=CUTOFF)
    rng = np.random.default_rng([seed, 77])
    members, activity, outreach = [], [], []
    for i, profile in enumerate(pop.items):
        member_id = profile["member_id"]
        member = {**profile, "status": "active", "updated_at": profile["created_at"]}
        record = dict(pop.records[i] or {"member_id": member_id})
        events: list[tuple[int, str]] = []  # (day after the cutoff, event)
        if not pop.churn[i]:
            events += [(int(d), "app_opens") for d in rng.choice(91, size=int(rng.integers(1, 12)), replace=False)]
        elif member["membership_status"] == "active" and rng.random() < 0.3:
            events.append((int(rng.integers(0, 91)), "membership_leaves"))
            member["membership_status"] = "left"
        if rng.random() < 0.05:  # staff called; the outcome agrees with the truth
            day = int(rng.integers(0, 80))
            events.append((day, "outreach_received"))
            outreach.append(
                {
                    "member_id": member_id,
                    "outreach_id": f"or_{i}",
                    "action": "call",
                    "by": "m_admin",
                    "at": iso(CUTOFF + timedelta(days=day)),
                    "outcome": "left" if pop.churn[i] else "retained",
                    "outcome_at": iso(CUTOFF + timedelta(days=day + 1)),
                }
            )
        for day, event in events:
            at = CUTOFF + timedelta(days=day, hours=10)
            record[counter(at, event)] = record.get(counter(at, event), 0) + 1
            if iso(at) > record.get("last_event_at", ""):
                record["last_event"], record["last_event_at"] = event, iso(at)
        if len(record) > 1:
            activity.append(record)
        members.append(member)
    activity.append({"member_id": "employer#emp-x", counter(CUTOFF, "rights_requests"): 3})  # not a member
    return members, activity, outreach, pop.churn


def write(members: list[dict], activity: list[dict], outreach: list[dict]) -> None:
    """Through the store's own models and the raw item shape activity.record leaves."""
    from chalicelib.store.accounts_tables import MemberRecord as Member
    from chalicelib.store.activity_tables import ActivityRecord
    from chalicelib.store.bulk import typed_item
    from chalicelib.store.outreach_tables import OutreachRecord
    from chalicelib.store.scoring_tables import PrivacyPreference

    with Member.batch_write() as batch:
        for m in members:
            batch.save(Member(**m))
    with OutreachRecord.batch_write() as batch:
        for o in outreach:
            batch.save(OutreachRecord(**o))
    PrivacyPreference(members[0]["member_id"], profiling=False, updated_at="2026-01-01T00:00:00Z").save()
    client, table = ActivityRecord._get_connection().connection.client, ActivityRecord.Meta.table_name
    for start in range(0, len(activity), 25):
        request = {table: [{"PutRequest": {"Item": typed_item(item)}} for item in activity[start : start + 25]]}
        while request:
            request = client.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}


@contextmanager
def moto_world(members: list[dict], activity: list[dict], outreach: list[dict]):
    """A moto world holding the population, written through the store's models."""
    from moto import mock_aws

    from chalicelib.store.accounts_tables import MemberRecord as Member
    from chalicelib.store.activity_tables import ActivityRecord
    from chalicelib.store.outreach_tables import OutreachRecord
    from chalicelib.store.scoring_tables import PrivacyPreference

    with mock_aws():
        for model in (Member, ActivityRecord, OutreachRecord, PrivacyPreference):
            model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
        write(members, activity, outreach)
        yield


@pytest.fixture(scope="module")
def stored():
    """Written into moto once for the module and read back with 4 parallel Scan segments."""
    import boto3

    from chalicelib.settings import settings

    members, activity, outreach, churn = stored_history(MEMBERS, seed=7)
    with moto_world(members, activity, outreach):
        client = boto3.client("dynamodb", region_name=settings.region)
        records = retrain.load(retrain.DynamoSource(client, settings.table_prefix, segments=4))
    return records, churn, members


def weak_model(models_dir: Path, records: StoredRecords) -> None:
    """A deliberately poor 'current' churn model: 60 rows with shuffled labels."""
    from ml import artifacts

    data = retrain.training_set(records, AS_OF)
    rows = np.arange(60)
    y = np.random.default_rng(0).permutation(data.y[rows])
    booster = artifacts.fit(
        artifacts.COMMON_PARAMS | {"objective": "binary:logistic", "max_depth": 2},
        data.x[rows[:40]],
        y[:40],
        data.x[rows[40:]],
        y[40:],
        F.MEMBER_FEATURES,
        rounds=20,
    )
    card = artifacts.build_card(
        "churn",
        feature_set="member",
        booster=booster,
        params={"objective": "binary:logistic", "max_depth": 2},
        data={"rows": 60},
        metrics={},
        thresholds={"medium": 0.2, "high": 0.5},
        x_train=data.x[rows],
    )
    artifacts.write("churn", booster, card, models_dir)


def packaged_copy(models_dir: Path) -> Path:
    shutil.copytree(PACKAGED / "churn", models_dir / "churn")
    return models_dir / "churn"


def shuffled(y: np.ndarray) -> np.ndarray:
    return np.random.default_rng(1).permutation(y)


def test_the_stored_records_come_back_with_features_as_of_the_cutoff_and_true_labels(stored):
    records, churn, members = stored
    assert len(records.members) == MEMBERS and "employer#emp-x" not in records.activity
    assert len(records.opted_out) == 1 and sum(len(v) for v in records.outcomes.values()) > 30
    data = retrain.training_set(records, AS_OF)
    assert data.cutoff == CUTOFF and members[0]["member_id"] not in data.member_ids  # opted out
    truth = dict(zip((m["member_id"] for m in members), churn, strict=True))
    assert all(bool(y) == truth[m] for m, y in zip(data.member_ids, data.y, strict=True))
    assert data.why["membership_left"] > 20 and data.why["inactive"] > 60
    # the features equal what the generator's own records give as of the cutoff (bar last_event_at's day)
    expected = synth.make_members(MEMBERS, 7, synth.make_employers(400, 7, as_of=CUTOFF), as_of=CUTOFF)
    by_id = {m["member_id"]: i for i, m in enumerate(expected.items)}
    rows = [by_id[m] for m in data.member_ids]
    want = F.member_matrix([expected.items[i] for i in rows], [expected.records[i] for i in rows], CUTOFF)
    same = [j for j, n in enumerate(F.MEMBER_FEATURES) if n != "days_since_last_event"]
    assert np.array_equal(data.x[:, same], want[:, same])
    assert (
        np.abs(
            data.x[:, F.MEMBER_FEATURES.index("days_since_last_event")]
            - want[:, F.MEMBER_FEATURES.index("days_since_last_event")]
        ).max()
        <= 3.5
    )


def test_a_better_candidate_is_promoted_with_a_new_card(stored, tmp_path, capsys):
    records, _, _ = stored
    weak_model(tmp_path, records)
    before = json.loads((tmp_path / "churn" / "card.json").read_text())["version"]
    result = retrain.retrain(records, as_of=AS_OF, models_dir=tmp_path)
    print(result.table())
    assert result.promoted, result.table()
    assert result.candidate["metrics"]["auc"] > result.current["metrics"]["auc"] + 0.1
    card = json.loads((tmp_path / "churn" / "card.json").read_text())
    assert card["version"] != before and card["version"] == result.candidate["version"]
    assert card["data"]["source"] == "stored_records" and card["metrics"]["previous_version"] == before
    assert card["params"]["max_depth"] == 2  # the current card's parameters
    from chalicelib.scoring.model import ModelRegistry

    assert ModelRegistry(tmp_path).get("churn").version == card["version"]  # serving accepts it


def test_a_worse_candidate_is_not_promoted(stored, tmp_path, capsys):
    records, _, _ = stored
    target = packaged_copy(tmp_path)
    before = (target / "model.ubj").read_bytes(), (target / "card.json").read_text()
    result = retrain.retrain(records, as_of=AS_OF, models_dir=tmp_path, label_hook=shuffled)
    print(result.table())
    assert not result.promoted and result.decision.startswith("keep churn-")
    assert result.candidate["metrics"]["auc"] < result.current["metrics"]["auc"] - retrain.TOLERANCE
    assert ((target / "model.ubj").read_bytes(), (target / "card.json").read_text()) == before


def test_the_same_records_give_the_same_model_and_figures(stored, tmp_path):
    records, _, _ = stored
    runs = []
    for out in ("a", "b"):
        packaged_copy(tmp_path / out)
        result = retrain.retrain(records, as_of=AS_OF, models_dir=tmp_path / out)
        runs.append((result.table(), (tmp_path / out / "churn" / "model.ubj").read_bytes()))
    assert runs[0] == runs[1]


def test_the_command_line_reads_the_stack_and_prints_the_comparison(tmp_path, capsys):
    from chalicelib.settings import settings

    packaged_copy(tmp_path / "current")
    members, activity, outreach, _ = stored_history(300, seed=11)
    with moto_world(members, activity, outreach):
        status = retrain.main(
            [
                "--endpoint",
                "none",
                "--stage",
                settings.stage,
                "--as-of",
                AS_OF.isoformat(),
                "--models-dir",
                str(tmp_path / "current"),
                "--out-dir",
                str(tmp_path / "out"),
            ]
        )
    shown = capsys.readouterr().out
    assert status == 0 and "rows members 299," in shown and "holdout metric" in shown, shown
    assert ("decision: promote" in shown) == (tmp_path / "out" / "churn" / "card.json").exists()
    assert retrain.main(["--endpoint", "http://127.0.0.1:9", "--as-of", AS_OF.isoformat()]) == 1  # nothing there


def _member(member_id: str, **kw: Any) -> dict[str, Any]:
    return {
        "member_id": member_id,
        "created_at": "2026-01-05T00:00:00.000000Z",
        "status": "active",
        "membership_status": "active",
        **kw,
    }


def test_labels_follow_activity_membership_and_outreach_outcomes():
    inside, before = CUTOFF + timedelta(weeks=2), CUTOFF - timedelta(weeks=2)
    late = "2026-11-01T00:00:00.000000Z"
    activity = {
        "a_active": {counter(before, "checkins"): 2, counter(inside, "checkins"): 1},
        "b_silent": {counter(before, "checkins"): 2},
        "c_only_called": {counter(before, "checkins"): 1, counter(inside, "outreach_received"): 1},
        "d_left": {counter(inside, "app_opens"): 3, counter(inside, "membership_leaves"): 1},
        "e_retained": {counter(before, "checkins"): 1},
        "f_told_left": {counter(inside, "app_opens"): 1},
        "g_new": {counter(inside, "app_opens"): 1},
        "h_erased": {counter(inside, "app_opens"): 1},
        "i_lapsed": {counter(inside, "membership_lapses"): 1, counter(inside, "bookings"): 1},
    }
    members = {m: _member(m) for m in activity}
    members["d_left"]["membership_status"] = "left"
    members["i_lapsed"]["membership_status"] = "lapsed"
    members["g_new"]["created_at"] = late
    members["h_erased"]["status"] = "erased"
    records = StoredRecords(
        members,
        {m: {"member_id": m, **c} for m, c in activity.items()},
        {
            "e_retained": [("retained", (inside + timedelta(days=1)).isoformat())],
            "f_told_left": [("no_answer", inside.isoformat()), ("left", inside.isoformat())],
            "a_active": [("left", (CUTOFF - timedelta(days=3)).isoformat())],
        },
    )  # before the window
    data = retrain.training_set(records, AS_OF)
    got = dict(zip(data.member_ids, data.y.astype(int).tolist(), strict=True))
    assert got == {
        "a_active": 0,
        "b_silent": 1,
        "c_only_called": 1,
        "d_left": 1,
        "e_retained": 0,
        "f_told_left": 1,
        "i_lapsed": 1,
    }
    assert data.why == Counter(
        {"inactive": 2, "membership_left": 2, "active": 1, "outreach_retained": 1, "outreach_left": 1}
    )
    status = {m: data.x[i, F.MEMBER_FEATURES.index("membership_active")] for i, m in enumerate(data.member_ids)}
    assert status["d_left"] == 1.0  # a member until they left, inside the window
    grace = data.x[data.member_ids.index("i_lapsed"), F.MEMBER_FEATURES.index("membership_grace")]
    assert grace == 1.0


def test_too_little_data_keeps_the_current_model(tmp_path):
    records = StoredRecords({"m": _member("m")}, {"m": {"member_id": "m"}}, {})
    packaged_copy(tmp_path)
    result = retrain.retrain(records, as_of=AS_OF, models_dir=tmp_path)
    assert not result.promoted and result.decision.startswith("not enough stored data")
