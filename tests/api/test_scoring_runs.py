"""Batch scoring runs over SQS: fan-out, progress, exactly-once effect under redelivery, the dead-letter
path with retry of failed segments, throttling, and the insight summary built from segment aggregates.

Messages go through moto's SQS and the handlers app.py registers, driven by devstack.queue_worker (the
local stand-in for Lambda's event source)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from botocore.exceptions import ClientError

from devstack import queue_worker

MEMBERS = 600


@pytest.fixture
def population(aws):
    from devstack.population import write_population

    return write_population(aws, MEMBERS, seed=11)


@pytest.fixture
def queues(aws):
    import app

    sqs = aws.client("sqs")
    return sqs, queue_worker.subscriptions(app, sqs, aws.settings)


def start(api, admin, model="churn", segments=4, **kw):
    reply = api.as_(admin).post("/v1/admin/scoring-runs", {"model": model, "segments": segments}, **kw)
    assert reply.status == 202, reply.json
    return reply.json


def run_of(api, admin, run_id):
    return api.as_(admin).get(f"/v1/admin/scoring-runs/{run_id}").json


def receive_all(sqs, url) -> list[dict[str, Any]]:
    out = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            return out
        out.extend(got)
        sqs.delete_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)]
        )


def stored_scores(aws, model="churn") -> dict[str, dict[str, Any]]:
    """Every stored score item of a model (tests may scan)."""
    client = aws.client("dynamodb")
    items, kwargs = [], {"TableName": aws.settings.table("scores")}
    while True:
        page = client.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return {i["member_id"]["S"]: i for i in items if i["model"]["S"] == model}


def sqs_event(sub, bodies):
    return {
        "Records": [
            {
                "messageId": str(n),
                "receiptHandle": str(n),
                "body": b,
                "attributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": sub.queue_arn,
            }
            for n, b in enumerate(bodies)
        ]
    }


def test_a_run_fans_out_one_message_per_segment_and_finishes(api, admin, population, queues, aws):
    sqs, subs = queues
    run = start(api, admin, segments=5)
    assert (run["status"], run["segments_total"], run["segments_done"], run["members_scored"]) == ("queued", 5, 0, 0)
    messages = receive_all(sqs, subs[0].queue_url)
    assert sorted(json.loads(m["Body"])["segment"] for m in messages) == [0, 1, 2, 3, 4]
    assert {json.loads(m["Body"])["run_id"] for m in messages} == {run["run_id"]}
    for m in messages:  # deliver them through the registered handler
        subs[0].handler(sqs_event(subs[0], [m["Body"]]), None)
    done = run_of(api, admin, run["run_id"])
    assert (done["status"], done["segments_done"], done["members_scored"]) == ("succeeded", 5, MEMBERS)
    assert done["scores_written"] == MEMBERS  # first run: every member is new
    assert done["finished_at"] and done["duration_s"] is not None and done["segments_failed"] == []
    scores = stored_scores(aws)
    assert len(scores) == MEMBERS
    tiers = Counter(s["tier"]["S"] for s in scores.values())
    assert set(tiers) <= {"low", "medium", "high"} and tiers["high"] > 0 and tiers["low"] > tiers["high"]
    high = next(s for s in scores.values() if s["tier"]["S"] == "high")
    assert 1 <= len(json.loads(high["reasons"]["S"])) <= 3
    listed = api.as_(admin).get("/v1/admin/scoring-runs?model=churn").json["items"]
    assert [r["run_id"] for r in listed] == [run["run_id"]]


def test_segment_count_follows_the_table_size(api, admin, population, queues, aws):
    from chalicelib.domain.scoring_runs import segment_count

    assert segment_count(0, 50_000, 1000) == 1
    assert segment_count(1_000_001, 50_000, 1000) == 21
    assert segment_count(10**9, 50_000, 1000) == 1000
    reply = api.as_(admin).post("/v1/admin/scoring-runs", {"model": "churn"})
    assert reply.status == 202 and reply.json["segments_total"] == 1  # 600 members < one segment


def test_redelivered_duplicated_and_out_of_order_messages_change_nothing(api, admin, population, queues, aws):
    sqs, subs = queues
    run = start(api, admin, segments=3)
    bodies = sorted((m["Body"] for m in receive_all(sqs, subs[0].queue_url)), key=lambda b: -json.loads(b)["segment"])
    handler = subs[0].handler
    handler(sqs_event(subs[0], [bodies[0]]), None)  # segment 2 first
    handler(sqs_event(subs[0], [bodies[0]]), None)  # ... and again
    after_one = run_of(api, admin, run["run_id"])
    assert (after_one["status"], after_one["segments_done"]) == ("running", 1)
    first_scores = stored_scores(aws)
    for body in bodies[1:] + bodies:  # the rest, then everything once more
        handler(sqs_event(subs[0], [body]), None)
    done = run_of(api, admin, run["run_id"])
    assert (done["status"], done["segments_done"], done["members_scored"]) == ("succeeded", 3, MEMBERS)
    assert done["scores_written"] == MEMBERS
    scores = stored_scores(aws)
    assert len(scores) == MEMBERS
    assert all(scores[m] == first_scores[m] for m in first_scores)  # rewrites (if any) were identical


def test_a_second_run_writes_only_changed_scores_and_reports_movement(api, admin, population, queues, aws, clock):
    sqs, subs = queues
    first = start(api, admin, segments=2)
    queue_worker.drain(sqs, subs)
    assert run_of(api, admin, first["run_id"])["scores_written"] == MEMBERS
    before = stored_scores(aws)
    clock.advance(days=1)  # the next night: nobody's weekly counters moved
    admin = api.login(admin.phone)
    second = start(api, admin, segments=2)
    queue_worker.drain(sqs, subs)
    done = run_of(api, admin, second["run_id"])
    assert done["status"] == "succeeded" and done["members_scored"] == MEMBERS
    assert done["scores_written"] < MEMBERS // 5  # only scores that moved >= 0.02 or changed tier
    after = stored_scores(aws)
    unchanged = [m for m in before if after[m]["run_id"]["S"] == first["run_id"]]
    assert len(unchanged) == MEMBERS - done["scores_written"]
    summary = api.as_(admin).get("/v1/admin/insights/summary?model=churn").json
    assert summary["run_id"] == second["run_id"] and summary["members"] == MEMBERS
    assert sum(summary["tiers"].values()) == MEMBERS
    assert sum(summary["movement"].values()) == MEMBERS and summary["movement"]["new"] == 0
    assert summary["movement"]["same"] > MEMBERS // 2
    assert summary["top_reasons"] and all(r["count"] > 0 and r["text"] for r in summary["top_reasons"])
    assert sum(sum(t.values()) for t in summary["by_group"].values()) == MEMBERS
    assert summary["drift"] and all({"feature", "psi", "flagged"} <= set(d) for d in summary["drift"])


def test_a_member_who_comes_back_scores_lower(api, admin, population, queues, aws, clock):
    from chalicelib.services import activity

    sqs, subs = queues
    start(api, admin, segments=1)
    queue_worker.drain(sqs, subs)
    before = stored_scores(aws)
    quiet = next(m for m, s in before.items() if s["tier"]["S"] == "high")
    for _ in range(4):  # a high-risk member comes back, week after week
        for event in ("app_opens", "bookings", "checkins"):
            for _ in range(3):
                activity.record(quiet, event, clock.now())
        clock.advance(weeks=1)
    start(api, api.login(admin.phone), segments=1)
    queue_worker.drain(sqs, subs)
    after = stored_scores(aws)
    assert float(after[quiet]["probability"]["N"]) < float(before[quiet]["probability"]["N"]) - 0.1


def test_a_failing_segment_goes_to_the_dead_letter_queue_and_only_it_is_retried(
    api, admin, population, queues, aws, monkeypatch
):
    from chalicelib.services import scoring_runs

    sqs, subs = queues
    real = scoring_runs._score_segment
    broken = {1}

    def flaky(run, segment, io):
        if segment in broken:
            raise RuntimeError("disk on fire")
        return real(run, segment, io)

    monkeypatch.setattr(scoring_runs, "_score_segment", flaky)
    run = start(api, admin, segments=3)
    queue_worker.drain(sqs, subs)  # 3 deliveries of segment 1 fail, then the DLQ handler
    ended = run_of(api, admin, run["run_id"])
    assert (ended["status"], ended["segments_done"], ended["segments_failed"]) == ("partially_failed", 2, [1])
    assert ended["failures"] == [
        {"segment": 1, "error": "RuntimeError: disk on fire", "attempts": aws.settings.scoring_max_receives}
    ]
    partial_members = ended["members_scored"]
    assert 0 < partial_members < MEMBERS
    broken.clear()
    retried = api.as_(admin).post(f"/v1/admin/scoring-runs/{run['run_id']}/retry")
    assert retried.status == 202 and retried.json["status"] == "running" and retried.json["segments_failed"] == []
    bodies = [json.loads(m["Body"]) for m in receive_all(sqs, subs[0].queue_url)]
    assert [b["segment"] for b in bodies] == [1]  # only the failed segment is queued again
    subs[0].handler(sqs_event(subs[0], [json.dumps(bodies[0])]), None)
    done = run_of(api, admin, run["run_id"])
    assert (done["status"], done["segments_done"], done["members_scored"]) == ("succeeded", 3, MEMBERS)
    again = api.as_(admin).post(f"/v1/admin/scoring-runs/{run['run_id']}/retry")
    assert again.status == 422 and again.json["error"]["code"] == "nothing_to_retry"


class Throttling:
    """A DynamoDB client that throttles: BatchWriteItem leaves half of each request unprocessed for the
    first calls, and the first Scan fails with ProvisionedThroughputExceededException."""

    def __init__(self, client, unprocessed_calls=6, failing_scans=1):
        self.client, self.unprocessed_calls, self.failing_scans = client, unprocessed_calls, failing_scans
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name):
        return getattr(self.client, name)

    def scan(self, **kw):
        self.calls["scan"] += 1
        if self.failing_scans:
            self.failing_scans -= 1
            raise ClientError(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "Scan"
            )
        return self.client.scan(**kw)

    def batch_write_item(self, RequestItems):  # noqa: N803 (boto3's name)
        self.calls["batch_write_item"] += 1
        ((table, requests),) = RequestItems.items()
        if self.unprocessed_calls and len(requests) > 1:
            self.unprocessed_calls -= 1
            keep, back = requests[: len(requests) // 2], requests[len(requests) // 2 :]
            self.client.batch_write_item(RequestItems={table: keep})
            return {"UnprocessedItems": {table: back}}
        return self.client.batch_write_item(RequestItems=RequestItems)


def test_throttled_writes_are_retried_and_a_throttled_scan_fails_the_attempt_only(api, admin, population, queues, aws):
    from chalicelib.services import scoring_runs

    sqs, subs = queues
    run = start(api, admin, segments=1)
    (message,) = receive_all(sqs, subs[0].queue_url)
    slow, waits = Throttling(aws.client("dynamodb")), []
    with pytest.raises(ClientError):  # the attempt fails; SQS would deliver it again
        scoring_runs.handle_segment(message["Body"], client=slow, sleep=waits.append)
    assert run_of(api, admin, run["run_id"])["segments_done"] == 0
    assert scoring_runs.handle_segment(message["Body"], client=slow, sleep=waits.append) == "done"
    assert len(waits) == 6 and all(w >= 0 for w in waits)  # one backoff per unprocessed reply
    done = run_of(api, admin, run["run_id"])
    assert (done["status"], done["members_scored"], done["scores_written"]) == ("succeeded", MEMBERS, MEMBERS)
    assert len(stored_scores(aws)) == MEMBERS
    assert scoring_runs.handle_segment(message["Body"], client=slow, sleep=waits.append) == "duplicate"


def test_opted_out_and_erased_members_are_not_scored(api, admin, queues, aws, worker):
    from devstack.population import write_population

    sqs, subs = queues
    ids = write_population(aws, 40, seed=3)
    opted = api.login(worker.phone)
    assert api.as_(opted).put("/v1/me/privacy", {"profiling": False}).status == 200
    start(api, admin, segments=1)
    queue_worker.drain(sqs, subs)
    scores = stored_scores(aws)
    assert set(ids) <= set(scores) and worker.member_id not in scores
    # turning profiling off later deletes the stored scores; erasure too
    assert api.as_(opted).put("/v1/me/privacy", {"profiling": True}).status == 200
    start(api, admin, segments=1)
    queue_worker.drain(sqs, subs)
    assert worker.member_id in stored_scores(aws)
    assert api.as_(opted).put("/v1/me/privacy", {"profiling": False}).status == 200
    assert worker.member_id not in stored_scores(aws)
    other = api.login("13800138077")
    assert api.as_(other).put("/v1/me/privacy", {"profiling": True}).status == 200
    start(api, admin, segments=1)
    queue_worker.drain(sqs, subs)
    assert other.member_id in stored_scores(aws)
    assert api.as_(other).delete("/v1/me").status in (200, 204)
    assert other.member_id not in stored_scores(aws)


def test_service_demand_runs_store_the_ranked_categories(api, admin, population, queues, aws):
    sqs, subs = queues
    run = start(api, admin, model="service_demand", segments=2)
    queue_worker.drain(sqs, subs)
    assert run_of(api, admin, run["run_id"])["status"] == "succeeded"
    scores = stored_scores(aws, "service_demand")
    assert len(scores) == MEMBERS
    one = next(iter(scores.values()))
    ranked = json.loads(one["outputs"]["S"])
    assert [p for _, p in ranked] == sorted((p for _, p in ranked), reverse=True)
    assert float(one["probability"]["N"]) == pytest.approx(ranked[0][1], abs=1e-4)


def test_bad_requests_are_refused_with_the_field(api, admin, worker):
    bad = api.as_(admin).post("/v1/admin/scoring-runs", {"model": "station_demand"})
    assert bad.status == 400 and bad.json["error"]["details"][0]["field"] == "model"
    bad = api.as_(admin).post("/v1/admin/scoring-runs", {"model": "churn", "segments": 0})
    assert bad.status == 400 and bad.json["error"]["details"][0]["field"] == "segments"
    assert api.as_(admin).get("/v1/admin/scoring-runs/run_nope").status == 404
    assert api.as_(worker).post("/v1/admin/scoring-runs", {"model": "churn"}).status == 403


def test_starting_a_run_is_idempotent_per_key(api, admin, population, queues, aws):
    sqs, subs = queues
    key = {"Idempotency-Key": "run-2026-11-27"}
    first = start(api, admin, segments=2, headers=key)
    again = start(api, admin, segments=2, headers=key)
    assert again["run_id"] == first["run_id"]
    assert len(receive_all(sqs, subs[0].queue_url)) == 2


def test_the_summary_before_any_run_is_empty(api, admin):
    summary = api.as_(admin).get("/v1/admin/insights/summary?model=service_demand").json
    assert summary["run_id"] is None and summary["members"] == 0 and summary["top_reasons"] == []


class Counting:
    """A DynamoDB client that counts calls per operation and table."""

    def __init__(self, client):
        self.client, self.calls = client, Counter()

    def __getattr__(self, name):
        attr = getattr(self.client, name)
        if not callable(attr) or name.startswith("_") or name in ("exceptions", "meta"):
            return attr

        def call(**kw):
            tables = kw.get("RequestItems") or {kw.get("TableName"): None}
            for table in tables:
                self.calls[(name, table)] += 1
            return attr(**kw)

        return call


def handle_all(sqs, subs, client):
    from chalicelib.services import scoring_runs

    for message in receive_all(sqs, subs[0].queue_url):
        assert scoring_runs.handle_segment(message["Body"], client=client) == "done"


def digests_of(aws, run_id, total):
    from chalicelib.scoring.digest import Digest
    from chalicelib.store import score_digests

    return [Digest.load(score_digests.load("churn", run_id, total, s)) for s in range(total)]


def assert_digests_match_the_table(aws, run_id, total):
    stored = stored_scores(aws)
    rows = 0
    for digest in digests_of(aws, run_id, total):
        for i, member in enumerate(digest.ids.tolist()):
            item = stored[member.decode()]
            assert float(item["probability"]["N"]) == digest.probability[i]
            assert item["tier"]["S"] == digest.tier[i].decode()
            assert item["model_version"]["S"] == digest.version[i].decode()
            assert [c[0] for c in json.loads(item["reasons"]["S"])] == [c.decode() for c in digest.reasons[i] if c]
            rows += 1
    assert rows == len(stored)


def test_the_next_run_diffs_against_the_previous_runs_digest_and_reads_nothing_else(
    api, admin, population, queues, aws, clock
):
    sqs, subs = queues
    first = start(api, admin, segments=2)
    counting = Counting(aws.client("dynamodb"))
    handle_all(sqs, subs, counting)
    reads = {op for op, _ in counting.calls if op != "scan" and op.startswith(("batch_get", "get", "query"))}
    assert reads == set()  # the model's first run: nothing stored to read
    assert_digests_match_the_table(aws, first["run_id"], 2)
    clock.advance(days=1)
    admin = api.login(admin.phone)
    second = start(api, admin, segments=2)
    counting = Counting(aws.client("dynamodb"))
    handle_all(sqs, subs, counting)
    assert not [k for k in counting.calls if k[0] in ("batch_get_item", "get_item", "query")]
    done = run_of(api, admin, second["run_id"])
    assert done["status"] == "succeeded" and done["members_scored"] == MEMBERS
    assert 0 < done["scores_written"] < MEMBERS // 5
    assert_digests_match_the_table(aws, second["run_id"], 2)
    # no digest for the segment count (here: deleted) -> the stored scores are read, with the same outcome
    s3 = aws.client("s3")
    for s in range(2):
        s3.delete_object(Bucket=aws.settings.scoring_bucket, Key=f"digests/churn/{second['run_id']}/2/{s}.npz")
    clock.advance(days=1)
    admin = api.login(admin.phone)
    third = start(api, admin, segments=2)
    counting = Counting(aws.client("dynamodb"))
    handle_all(sqs, subs, counting)
    assert counting.calls[("batch_get_item", aws.settings.table("scores"))] >= 2
    assert counting.calls[("batch_get_item", aws.settings.table("members"))] == 0
    assert run_of(api, admin, third["run_id"])["members_scored"] == MEMBERS
    assert_digests_match_the_table(aws, third["run_id"], 2)


def test_activity_items_without_a_profile_mirror_are_backfilled_by_the_run(api, admin, population, queues, aws):
    from chalicelib.domain.activity import unpack_profile

    sqs, subs = queues
    client, table = aws.client("dynamodb"), aws.settings.table("activity")
    legacy = population[:50]
    for member_id in legacy:  # as stored before the mirror existed
        client.update_item(TableName=table, Key={"member_id": {"S": member_id}}, UpdateExpression="REMOVE p")
    run = start(api, admin, segments=2)
    queue_worker.drain(sqs, subs)
    assert run_of(api, admin, run["run_id"])["members_scored"] == MEMBERS
    assert set(legacy) <= set(stored_scores(aws))
    members = {
        m["member_id"]["S"]: m
        for m in client.batch_get_item(
            RequestItems={aws.settings.table("members"): {"Keys": [{"member_id": {"S": m}} for m in legacy]}}
        )["Responses"][aws.settings.table("members")]
    }
    for member_id in legacy:
        mirror = unpack_profile(client.get_item(TableName=table, Key={"member_id": {"S": member_id}})["Item"]["p"]["B"])
        assert mirror["city"] == members[member_id]["city"]["S"]
        assert mirror["worker_group"] == members[member_id]["worker_group"]["S"]


def test_opting_out_and_back_in_between_two_runs_gets_a_score_again(api, admin, queues, aws, worker, clock):
    from devstack.population import write_population

    sqs, subs = queues
    write_population(aws, 30, seed=4)
    api.login(worker.phone)
    start(api, admin, segments=1)
    queue_worker.drain(sqs, subs)
    assert worker.member_id in stored_scores(aws)
    me = api.login(worker.phone)
    assert api.as_(me).put("/v1/me/privacy", {"profiling": False}).status == 200  # scores deleted
    assert api.as_(me).put("/v1/me/privacy", {"profiling": True}).status == 200
    assert worker.member_id not in stored_scores(aws)
    clock.advance(days=1)
    start(api, api.login(admin.phone), segments=1)  # the digest still lists the deleted score
    queue_worker.drain(sqs, subs)
    assert worker.member_id in stored_scores(aws)


def test_one_run_per_model_at_a_time(api, admin, population, queues, aws, clock):
    from chalicelib.services import scoring_runs

    sqs, subs = queues
    busy = start(api, admin, segments=2)
    again = api.as_(admin).post("/v1/admin/scoring-runs", {"model": "churn", "segments": 2})
    assert again.status == 409 and again.json["error"]["code"] == "run_in_progress"
    assert (
        again.json["error"]["details"][0]["field"] == "model"
        and busy["run_id"] in again.json["error"]["details"][0]["message"]
    )
    assert start(api, admin, model="service_demand", segments=1)["status"] == "queued"  # other models are free
    started = scoring_runs.nightly(clock.now())  # the schedule skips the busy model only
    assert started == []  # both are busy now
    queue_worker.drain(sqs, subs)
    assert len(scoring_runs.nightly(clock.now())) == 2
    clock.advance(hours=7)  # a run that never settles stops blocking
    queue_worker.drain(sqs, subs)
    stuck = start(api, api.login(admin.phone), segments=1)
    clock.advance(hours=7)
    assert start(api, api.login(admin.phone), segments=1)["run_id"] != stuck["run_id"]


def test_runs_fold_each_closed_week_and_rewrite_histories_of_the_earlier_format_once(
    api, admin, population, queues, aws, clock
):
    import numpy as np

    from chalicelib.domain.activity import MEMBER_HISTORY_EVENTS, is_legacy_history, read_history, week_serial_of
    from chalicelib.services import activity

    sqs, subs = queues
    client, table = aws.client("dynamodb"), aws.settings.table("activity")

    def item(member_id):
        return client.get_item(TableName=table, Key={"member_id": {"S": member_id}}, ConsistentRead=True)["Item"]

    legacy = population[:30]
    for member_id in legacy:  # as the earlier format stored them: event rows, newest in hw
        newest, counts = read_history(item(member_id)["h"]["B"], MEMBER_HISTORY_EVENTS)
        client.update_item(
            TableName=table,
            Key={"member_id": {"S": member_id}},
            UpdateExpression="SET h = :h, hw = :w",
            ExpressionAttributeValues={":h": {"B": np.array(counts, dtype="<u2").tobytes()}, ":w": {"N": str(newest)}},
        )
    active = population[30:40]
    for week in range(2):  # a week of events, then a run in the next week; twice
        for member_id in active:
            activity.record(member_id, "checkins", clock.now())
        closed = week_serial_of(clock.now())
        clock.advance(days=7)
        admin = api.login(admin.phone)
        run = start(api, admin, segments=2)
        queue_worker.drain(sqs, subs)
        done = run_of(api, admin, run["run_id"])
        assert done["status"] == "succeeded" and done["members_scored"] == MEMBERS
        if week == 0:  # (the population may hold a few live counters of its own)
            assert done["histories_compacted"] >= len(active) + len(legacy)
        else:  # a history folded before is folded again a week later (and the admin's logins)
            assert done["histories_compacted"] == len(active) + 1
        for member_id in active:
            stored = item(member_id)
            assert not [k for k in stored if k.startswith("w2")] and "hw" not in stored
            newest, counts = read_history(stored["h"]["B"], MEMBER_HISTORY_EVENTS)
            assert newest == closed and counts[MEMBER_HISTORY_EVENTS.index("checkins")][-1] >= 1
    assert not any("hw" in item(m) or is_legacy_history(item(m)["h"]["B"], MEMBER_HISTORY_EVENTS) for m in legacy)
