"""A whole batch-scoring run over N members (default 100k) on moto, next to its floors, in one process:

  run       POST-equivalent start + every segment message handled by app.py's SQS handler (the local
            queue worker), i.e. previous run's digest (S3) -> Scan page (activity items carry the profile
            mirror) -> featurize/predict -> BatchWrite changed scores -> digest (S3) -> conditional
            progress; first run (every score new) and a second run a day later (only changed scores
            written)
  compute   featurize + predict of the same pages alone (no I/O)
  floor     a bare parallel Scan of the activity table + BatchWriteItem of N score-sized items, on the
            same moto (the I/O any design must do)

Also records the measured item sizes the README's cost model uses. `python -m bench.scoring_run [N]`
prints JSON; `make bench` runs it in its own process.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import timedelta
from typing import Any

os.environ.update(
    {
        "WH_STAGE": "test",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "ap-east-1",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "WH_SCORING_SEGMENT_MEMBERS": "25000",
    }
)
os.environ.pop("WH_AWS_ENDPOINT", None)


def _size(item: dict[str, Any]) -> int:
    """DynamoDB's item size: attribute names + values (numbers ~ digits/2 + 1, binary/strings as bytes)."""
    total = 0
    for name, value in item.items():
        total += len(name.encode())
        ((kind, v),) = value.items()
        if kind == "N":
            total += len(v.lstrip("-").replace(".", "")) // 2 + 1
        elif kind == "B":
            total += len(v)
        elif kind == "S":
            total += len(v.encode())
        elif kind == "SS":
            total += sum(len(x.encode()) for x in v)
        else:
            total += 1
    return total


def _scan_all(client: Any, table: str) -> list[dict[str, Any]]:
    items, kwargs = [], {"TableName": table}
    while True:
        page = client.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def measure(members: int) -> dict[str, float]:
    from moto import mock_aws

    with mock_aws():
        import app as app_module
        from chalicelib.domain.scoring_runs import RunCreate
        from chalicelib.runtime import Runtime, install
        from chalicelib.services import scoring_runs
        from chalicelib.settings import settings
        from chalicelib.store import bulk
        from devstack import queue_worker
        from devstack.population import write_population
        from infra.provision import provision
        from tests.support.clock import FakeClock

        clock = FakeClock()
        rt = install(Runtime(settings, clock=clock))
        provision(rt)
        started = time.perf_counter()
        write_population(rt, members, seed=99)
        populate_s = time.perf_counter() - started
        client, sqs = rt.client("dynamodb"), rt.client("sqs")
        subs = queue_worker.subscriptions(app_module, sqs, settings)
        out: dict[str, float] = {"members": members, "populate_s": round(populate_s, 1)}
        for label in ("first", "second"):
            started = time.perf_counter()
            run = scoring_runs.start("bench", RunCreate(model="churn", segments=None), clock.now())
            queue_worker.drain(sqs, subs)
            wall = time.perf_counter() - started
            done = scoring_runs.get(run.run_id)
            assert done.status == "succeeded", done
            out.update(
                {
                    f"run.{label}.wall_s": round(wall, 2),
                    f"run.{label}.segments": done.segments_total,
                    f"run.{label}.members_per_s": round(done.members_scored / wall),
                    f"run.{label}.scores_written": done.scores_written,
                    f"run.{label}.written_share": round(done.scores_written / max(done.members_scored, 1), 4),
                }
            )
            print(json.dumps(out), file=sys.stderr)  # so far (a long run's progress)
            clock.advance(days=1)
        activity = _scan_all(client, settings.table("activity"))
        sample = [{"member_id": i["member_id"]} for i in activity if not i["member_id"]["S"].startswith("employer#")]
        members_items = bulk.batch_get(client, settings.table("members"), sample[:2000])
        scores = _scan_all(client, settings.table("scores"))
        out.update(
            {
                "size.activity_bytes": round(sum(map(_size, activity)) / len(activity)),
                "size.member_bytes": round(sum(map(_size, members_items)) / len(members_items)),
                "size.score_bytes": round(sum(map(_size, scores)) / len(scores)),
            }
        )
        # the floor: the same Scan and as many BatchWriteItem puts of score-sized items, nothing else
        started = time.perf_counter()
        scanned = 0
        for segment in range(int(out["run.first.segments"])):
            for page in bulk.scan_segment(client, settings.table("activity"), segment, int(out["run.first.segments"])):
                scanned += len(page)
        fake = [{**s, "member_id": {"S": "floor-" + s["member_id"]["S"]}} for s in scores]
        bulk.batch_write(client, settings.table("scores"), fake)
        out["floor.wall_s"] = round(time.perf_counter() - started, 2)
        out["run.first.vs_floor"] = round(out["run.first.wall_s"] / out["floor.wall_s"], 2)
        out["run.second.vs_floor"] = round(out["run.second.wall_s"] / out["floor.wall_s"], 2)
        # compute alone: featurize + predict of the same items, page by page
        from chalicelib.scoring import batch, features, model

        churn = model.get("churn")
        rows = batch.scorable(activity)
        as_of = clock.now() - timedelta(days=2)
        started = time.perf_counter()
        for i in range(0, len(rows), 1000):
            churn.predict(features.stored_member_matrix(rows[i : i + 1000], as_of))
        out["compute.wall_s"] = round(time.perf_counter() - started, 2)
        out["compute.share_of_first_run"] = round(out["compute.wall_s"] / out["run.first.wall_s"], 3)
    return out


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)))
