"""Batch scoring runs: an admin (or the nightly schedule) starts a run, SQS fans it out, one Lambda
invocation scores one segment of a parallel Scan of the activity table.

  start()              a run item + one message per segment (SendMessageBatch, 10 a call)
  handle_segment()     the SQS handler's work for one message: read the previous run's digest of the
                       segment (1 S3 GetObject), Scan the segment page by page (each activity item carries
                       its member's profile mirror, so nothing else is read), featurize + predict the page
                       at once, BatchWriteItem the scores that changed, store this run's digest, then
                       count the segment once (conditional transaction) and settle the run's status
  handle_dead_letter() a segment that failed `scoring_max_receives` times: counted failed
  retry()              re-queue only the failed segments

Everything a redelivered message does again is either conditional (progress) or writes the same
keys with the same values (scores and digest of the same run, as of the run's `as_of`, compared with the
previous run's digest), so delivering a message twice, out of order or after a crash changes nothing.
One run per model at a time (`RunInProgress`), so "the previous run" is always a finished one.
"""
from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, get_args

from chalicelib.domain.activity import MIRRORED_FIELDS, pack_profile, parse_counter, week_serial
from chalicelib.domain.errors import NotFound
from chalicelib.domain.scoring_runs import (
    BatchModel,
    NothingToRetry,
    RunCreate,
    RunInProgress,
    RunListOut,
    RunOut,
    SegmentFailure,
    segment_count,
)
from chalicelib.runtime import runtime
from chalicelib.store import activity as activity_store
from chalicelib.store import bulk, score_digests
from chalicelib.store import scoring_runs as store
from chalicelib.store.base import iso
from chalicelib.store.parallel import concurrently
from chalicelib.store.scoring_tables import ScoringRun, SegmentResult

logger = logging.getLogger(__name__)
NIGHTLY_MODELS = ("churn", "service_demand")
_MIRRORED = {f"#{f}": f for f in ("member_id", *MIRRORED_FIELDS)}    # "status" and "roles" are reserved words


# --- starting ------------------------------------------------------------------------------

def start(created_by: str, body: RunCreate, now: datetime) -> RunOut:
    from chalicelib.scoring import model

    rt = runtime()
    model.require_runtime()
    loaded = model.get(body.model)
    total = body.segments or segment_count(_activity_items(), rt.settings.scoring_segment_members,
                                           rt.settings.scoring_max_segments)
    previous = store.latest(body.model, limit=1)
    if previous and previous[0].status in ("queued", "running") and \
            now - _parse(previous[0].created_at) < timedelta(hours=rt.settings.scoring_run_stale_hours):
        raise RunInProgress(previous[0].run_id)
    run = ScoringRun("run_" + secrets.token_hex(8), model=body.model, model_version=loaded.version, status="queued",
                     as_of=iso(now), segments_total=total, members_scored=0, scores_written=0, created_by=created_by,
                     created_at=iso(now), previous_run_id=previous[0].run_id if previous else None)
    store.create(run)
    _enqueue(run.run_id, range(total), total)
    logger.info("scoring run queued", extra={"run_id": run.run_id, "model": body.model, "segments": total})
    return view(run, [])


def nightly(now: datetime) -> list[str]:
    """What the nightly schedule starts: one run per member model (not one whose run is still going)."""
    started = []
    for name in NIGHTLY_MODELS:
        try:
            started.append(start("schedule", RunCreate(model=name), now).run_id)   # type: ignore[arg-type]
        except RunInProgress as busy:
            logger.warning("nightly run skipped: one is in progress", extra={"model": name, "run_id": busy.run_id})
    return started


def _parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _activity_items() -> int:
    """The activity table's item count as DynamoDB reports it (refreshed about every 6 hours): 1 call."""
    rt = runtime()
    table = rt.client("dynamodb").describe_table(TableName=rt.settings.table("activity"))["Table"]
    return int(table.get("ItemCount", 0))


def queue_url(name: str) -> str:
    rt = runtime()
    return rt.shared(f"sqs-url:{name}", lambda: rt.client("sqs").get_queue_url(QueueName=name)["QueueUrl"])


def _enqueue(run_id: str, segments: Any, total: int) -> None:
    sqs, url = runtime().client("sqs"), queue_url(runtime().settings.scoring_queue)
    entries = [{"Id": str(s), "MessageBody": json.dumps({"run_id": run_id, "segment": s, "total": total})}
               for s in segments]
    for start_at in range(0, len(entries), 10):
        chunk = entries[start_at:start_at + 10]
        for attempt in range(1, bulk.MAX_ATTEMPTS + 1):
            failed = {f["Id"] for f in sqs.send_message_batch(QueueUrl=url, Entries=chunk).get("Failed", [])}
            chunk = [e for e in chunk if e["Id"] in failed]
            if not chunk:
                break
            time.sleep(bulk.backoff(attempt))
        else:
            raise RuntimeError(f"could not queue segments {[e['Id'] for e in chunk]} of {run_id}")


# --- one segment -----------------------------------------------------------------------------

def handle_segment(message: str, *, client: Any = None, sleep: Callable[[float], None] = time.sleep) -> str:
    """Score the segment a queue message names. Returns what happened: done | duplicate | unknown_run.
    Raises on failure (after recording the attempt), so SQS delivers the message again."""
    rt = runtime()
    body = json.loads(message)
    run_id, segment = str(body["run_id"]), int(body["segment"])
    run = store.get(run_id)
    if run is None:
        logger.warning("segment of an unknown run", extra={"run_id": run_id, "segment": segment})
        return "unknown_run"
    if segment in (run.done_segments or set()) or segment in (run.failed_segments or set()):
        return "duplicate"
    store.mark_started(run, iso(rt.clock.now()))
    started = time.perf_counter()
    try:
        members, written, compacted, aggregates = _score_segment(run, segment, client or rt.client("dynamodb"), sleep)
    except Exception as exc:
        store.fail_attempt(run_id, segment, f"{type(exc).__name__}: {exc}", iso(rt.clock.now()))
        logger.exception("segment failed", extra={"run_id": run_id, "segment": segment})
        raise
    result = SegmentResult(run_id, segment, status="done", members=members, written=written, compacted=compacted,
                           aggregates=aggregates.to_json(), updated_at=iso(rt.clock.now()))
    counted = store.complete_segment(run_id, result, members=members, written=written, compacted=compacted)
    store.settle(run_id, iso(rt.clock.now()))
    logger.info("segment scored", extra={"run_id": run_id, "segment": segment, "members": members,
                                         "written": written, "compacted": compacted, "seconds": round(time.perf_counter() - started, 3),
                                         "counted": counted})
    return "done" if counted else "duplicate"


def _score_segment(run: ScoringRun, segment: int, client: Any, sleep: Callable[[float], None]) -> tuple[int, int, int, Any]:
    from chalicelib.scoring import batch, features, model, thresholds
    from chalicelib.scoring.aggregates import Aggregates
    from chalicelib.scoring.digest import Digest, DigestBuilder, Previous

    rt = runtime()
    loaded = model.get(run.model)
    if loaded.version != run.model_version:
        raise RuntimeError(f"model {run.model} is {loaded.version} here, the run was started with {run.model_version}")
    cut = thresholds.current(run.model)
    as_of = _parse(run.as_of)
    total = int(run.segments_total)
    digest = None
    if run.previous_run_id:
        blob = score_digests.load(run.model, run.previous_run_id, total, segment)
        digest = Digest.load(blob) if blob is not None else None
    scores_table = rt.settings.table("scores")
    aggregates, builder, written, compacted = Aggregates(), DigestBuilder(), 0, 0
    until = week_serial(*features.week_keys(as_of)[0])
    for page in bulk.scan_segment(client, rt.settings.table("activity"), segment, total):
        _mirror_missing(client, page, sleep)
        items = batch.scorable(page)
        ids = [i["member_id"]["S"] for i in items]
        if not run.previous_run_id:                   # the model's first run: nothing stored yet
            previous = Previous.none(len(ids))
        elif digest is not None:
            previous = digest.previous(ids, [batch.generation(i) for i in items])
        else:                                         # no digest (other segment count, failed segment): read
            keys = [{"member_id": {"S": i}, "model": {"S": run.model}} for i in ids]
            previous = Previous.from_items(ids, bulk.batch_get(client, scores_table, keys, sleep=sleep))
        outcome = batch.score_page(loaded, cut, items, previous, run_id=run.run_id, as_of=as_of, scored_at=run.as_of,
                                   min_change=rt.settings.scoring_min_change, aggregates=aggregates)
        bulk.batch_write(client, scores_table, outcome.writes, sleep=sleep)
        builder.add(*outcome.stored)
        compacted += _compact(client, page, until)
        written += len(outcome.writes)
    score_digests.save(run.model, run.run_id, total, segment, builder.dump())
    return len(builder), written, compacted, aggregates


def _mirror_missing(client: Any, page: list[dict[str, Any]], sleep: Callable[[float], None]) -> int:
    """Members whose activity item predates the profile mirror: read their profiles (BatchGetItem), use
    them for this run and store the mirror (conditional UpdateItem: a profile write in between wins), so
    every later run reads the activity table alone."""
    missing = [i for i in page if "p" not in i and not i["member_id"]["S"].startswith("employer#")]
    if not missing:
        return 0
    rt = runtime()
    members = {m["member_id"]["S"]: m for m in bulk.batch_get(
        client, rt.settings.table("members"), [{"member_id": i["member_id"]} for i in missing], projection=", ".join(_MIRRORED),
        names=_MIRRORED, sleep=sleep)}
    table = rt.settings.table("activity")

    def backfill(item: dict[str, Any]) -> bool:
        member = members.get(item["member_id"]["S"])
        if member is None:
            return False
        item["p"] = {"B": pack_profile(**{f: bulk.plain(member[f]) if f in member else None for f in MIRRORED_FIELDS})}
        try:
            client.update_item(TableName=table, Key={"member_id": item["member_id"]}, UpdateExpression="SET p = :p",
                               ConditionExpression="attribute_not_exists(p)", ExpressionAttributeValues={":p": item["p"]})
        except client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    return sum(concurrently(backfill, missing))


def _compact(client: Any, page: list[dict[str, Any]], until: int) -> int:
    """Fold closed weeks' live counters into the compacted history, for the page's items that have any
    (about once a week per active member), and rewrite format-1 histories (`hw` beside them) in format 2,
    once: conditional UpdateItems, issued concurrently."""
    ripe = [i for i in page if "hw" in i or any(p and p[0] <= until for p in map(parse_counter, i) if p)]
    table = runtime().settings.table("activity")
    return sum(concurrently(lambda i: activity_store.compact(client, table, i["member_id"]["S"], i, until), ripe))


def handle_dead_letter(message: str) -> bool:
    """A segment message the queue gave up on: the segment counts as failed (unless it got done)."""
    body = json.loads(message)
    run_id, segment = str(body["run_id"]), int(body["segment"])
    counted = store.give_up_segment(run_id, segment)
    store.settle(run_id, iso(runtime().clock.now()))
    logger.error("segment gave up", extra={"run_id": run_id, "segment": segment, "counted": counted})
    return counted


# --- reading and retrying ------------------------------------------------------------------

def get(run_id: str) -> RunOut:
    run = store.get(run_id)
    if run is None:
        raise NotFound()
    return view(run, store.segments(run_id) if run.failed_segments else [])


def list_runs(model: str | None, limit: int) -> RunListOut:
    models = [model] if model else list(get_args(BatchModel))
    runs = [r for m in models for r in store.latest(m, limit=limit)]
    runs.sort(key=lambda r: r.created_at, reverse=True)
    return RunListOut(items=[view(r, []) for r in runs[:limit]])


def retry(run_id: str, now: datetime) -> RunOut:
    """Queue the failed segments again (they run with the run's original as_of and model version)."""
    run = store.get(run_id, consistent=True)
    if run is None:
        raise NotFound()
    failed = sorted(run.failed_segments or ())
    if not failed or not store.reopen(run, failed):
        raise NothingToRetry()
    _enqueue(run_id, failed, int(run.segments_total))
    return get(run_id)


def view(run: ScoringRun, segments: list[SegmentResult]) -> RunOut:
    failed = sorted(int(s) for s in run.failed_segments or ())
    duration = None
    if run.started_at and run.finished_at:
        duration = round((_parse(run.finished_at) - _parse(run.started_at)).total_seconds(), 3)
    return RunOut(run_id=run.run_id, model=run.model, model_version=run.model_version, status=run.status,
                  as_of=run.as_of, segments_total=int(run.segments_total), segments_done=len(run.done_segments or ()),
                  segments_failed=failed, members_scored=int(run.members_scored or 0),
                  scores_written=int(run.scores_written or 0), histories_compacted=int(run.compacted or 0), created_by=run.created_by, created_at=run.created_at,
                  started_at=run.started_at, finished_at=run.finished_at, duration_s=duration,
                  failures=[SegmentFailure(segment=int(s.segment), error=s.error or "", attempts=int(s.attempts or 0))
                            for s in segments if int(s.segment) in failed])
