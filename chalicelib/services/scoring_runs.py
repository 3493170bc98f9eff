"""Batch scoring runs: an admin (or the nightly schedule) starts a run, SQS fans it out, one Lambda
invocation scores one segment of a parallel Scan of the activity table.

  start()              a run item and its audit entry (one TransactWriteItems) + one message per segment
                       (store.scoring_queue)
  handle_segment()     the SQS handler's work for one message: read the previous run's digest of the
                       segment (1 S3 GetObject), Scan the segment page by page (each activity item carries
                       its member's profile mirror, so nothing else is read), featurize + predict the page
                       at once, BatchWriteItem the scores that changed, store this run's digest, then
                       count the segment once (conditional transaction) and settle the run's status
  handle_dead_letter() a segment that failed `scoring_max_receives` times: counted failed
  retry()              re-queue only the failed segments (the run's reopening and its audit entry: one
                       TransactWriteItems)

Everything a redelivered message does again is either conditional (progress) or writes the same
keys with the same values (scores and digest of the same run, as of the run's `as_of`, compared with the
previous run's digest), so delivering a message twice, out of order or after a crash changes nothing.
One run per model at a time (`RunInProgress`), so "the previous run" is always a finished one.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.activity import week_serial
from chalicelib.domain.errors import NotFound
from chalicelib.domain.scoring_errors import NothingToRetry, RunInProgress, SegmentCounted
from chalicelib.domain.scoring_models import MEMBER_MODELS
from chalicelib.domain.scoring_runs import (
    OPEN_STATUSES,
    Run,
    RunCreate,
    RunListOut,
    RunOut,
    SegmentFailure,
    SegmentMessage,
    SegmentState,
    segment_count,
)
from chalicelib.runtime import runtime
from chalicelib.store import score_digests, scoring_inputs, scoring_queue
from chalicelib.store import scoring_runs as store
from chalicelib.store.base import iso
from chalicelib.store.scoring_segments import SegmentStore
from chalicelib.store.unit_of_work import unit_of_work

logger = logging.getLogger(__name__)


# --- starting ------------------------------------------------------------------------------


def start(created_by: str, body: RunCreate, now: datetime) -> RunOut:
    from chalicelib.scoring import model

    rt = runtime()
    model.require_runtime()
    loaded = model.get(body.model)
    total = body.segments or segment_count(
        scoring_inputs.activity_item_count(), rt.settings.scoring_segment_members, rt.settings.scoring_max_segments
    )
    previous = store.latest(body.model, limit=1)
    if (
        previous
        and previous[0].status in OPEN_STATUSES
        and now - previous[0].created_at < timedelta(hours=rt.settings.scoring_run_stale_hours)
    ):
        raise RunInProgress(previous[0].run_id)
    run = Run(
        "run_" + secrets.token_hex(8),
        model=body.model,
        model_version=loaded.version,
        status="queued",
        as_of=now,
        segments_total=total,
        done_segments=frozenset(),
        failed_segments=frozenset(),
        members_scored=0,
        scores_written=0,
        compacted=0,
        created_by=created_by,
        created_at=now,
        previous_run_id=previous[0].run_id if previous else None,
    )
    with unit_of_work(now) as uow:
        store.create_in(uow, run)
        uow.audit(
            created_by, "scoring_run.start", target=f"run#{run.run_id}", detail={"model": body.model, "segments": total}
        )
    scoring_queue.send_segments(run.run_id, range(total), total)
    logger.info("scoring run queued", extra={"run_id": run.run_id, "model": body.model, "segments": total})
    return view(run, [])


def nightly(now: datetime) -> list[str]:
    """What the nightly schedule starts: one run per member model (not one whose run is still going)."""
    started = []
    for name in MEMBER_MODELS:
        try:
            started.append(start("schedule", RunCreate(model=name), now).run_id)
        except RunInProgress as busy:
            logger.warning("nightly run skipped: one is in progress", extra={"model": name, "run_id": busy.run_id})
    return started


# --- one segment -----------------------------------------------------------------------------


def handle_segment(message: str, *, client: Any = None, sleep: Callable[[float], None] = time.sleep) -> str:
    """Score the segment a queue message names. Returns what happened: done | duplicate | unknown_run.
    Raises on failure (after recording the attempt), so SQS delivers the message again. `client`: a
    DynamoDB client for the segment's bulk I/O instead of the runtime's (tests throttle or count)."""
    rt = runtime()
    msg = SegmentMessage.model_validate_json(message)
    run = store.get(msg.run_id)
    if run is None:
        logger.warning("segment of an unknown run", extra={"run_id": msg.run_id, "segment": msg.segment})
        return "unknown_run"
    if run.counted(msg.segment):
        return "duplicate"
    store.mark_started(run, rt.clock.now())
    started = time.perf_counter()
    try:
        members, written, compacted, aggregates = _score_segment(run, msg.segment, SegmentStore(client, sleep))
    except Exception as exc:
        store.fail_attempt(run.run_id, msg.segment, f"{type(exc).__name__}: {exc}", rt.clock.now())
        logger.exception("segment failed", extra={"run_id": run.run_id, "segment": msg.segment})
        raise
    counted = _count_segment(
        run.run_id,
        msg.segment,
        members=members,
        written=written,
        compacted=compacted,
        aggregates=aggregates.to_json(),
        at=rt.clock.now(),
    )
    store.settle(run.run_id, rt.clock.now())
    logger.info(
        "segment scored",
        extra={
            "run_id": run.run_id,
            "segment": msg.segment,
            "members": members,
            "written": written,
            "compacted": compacted,
            "seconds": round(time.perf_counter() - started, 3),
            "counted": counted,
        },
    )
    return "done" if counted else "duplicate"


def _count_segment(run_id: str, segment: int, *, at: datetime, **result: Any) -> bool:
    """Count the finished segment once; False when a delivery before this one counted it."""
    try:
        with unit_of_work(at, refuse={store.PROGRESS: SegmentCounted}) as uow:
            store.complete_segment(uow, run_id, segment, at=at, **result)
    except SegmentCounted:
        return False
    return True


def _score_segment(run: Run, segment: int, io: SegmentStore) -> tuple[int, int, int, Any]:
    """Score every page of the segment; (members scored, scores written, histories compacted, aggregates)."""
    from chalicelib.scoring import batch, features, model
    from chalicelib.scoring.aggregates import Aggregates
    from chalicelib.scoring.digest import Digest, DigestBuilder, Previous
    from chalicelib.services import thresholds

    rt = runtime()
    loaded = model.get(run.model)
    if loaded.version != run.model_version:
        raise RuntimeError(f"model {run.model} is {loaded.version} here, the run was started with {run.model_version}")
    cut = thresholds.current(run.model)
    total = run.segments_total
    digest = None
    if run.previous_run_id:
        blob = score_digests.load(run.model, run.previous_run_id, total, segment)
        digest = Digest.load(blob) if blob is not None else None
    aggregates, builder, written, compacted = Aggregates(), DigestBuilder(), 0, 0
    until = week_serial(*features.week_keys(run.as_of)[0])
    for page in io.pages(segment, total):
        io.mirror_missing(page)
        items = batch.scorable(page)
        ids = [i["member_id"]["S"] for i in items]
        if not run.previous_run_id:  # the model's first run: nothing stored yet
            previous = Previous.none(len(ids))
        elif digest is not None:
            previous = digest.previous(ids, [batch.generation(i) for i in items])
        else:  # no digest (other segment count, failed segment): read
            previous = Previous.from_items(ids, io.stored_scores(run.model, ids))
        outcome = batch.score_page(
            loaded,
            cut,
            items,
            previous,
            run_id=run.run_id,
            as_of=run.as_of,
            min_change=rt.settings.scoring_min_change,
            aggregates=aggregates,
        )
        io.write(outcome.writes)
        builder.add(*outcome.stored)
        compacted += io.compact(page, until)
        written += len(outcome.writes)
    score_digests.save(run.model, run.run_id, total, segment, builder.dump())
    return len(builder), written, compacted, aggregates


def handle_dead_letter(message: str) -> bool:
    """A segment message the queue gave up on: the segment counts as failed (unless it got done)."""
    msg = SegmentMessage.model_validate_json(message)
    counted = store.give_up_segment(msg.run_id, msg.segment)
    store.settle(msg.run_id, runtime().clock.now())
    logger.error("segment gave up", extra={"run_id": msg.run_id, "segment": msg.segment, "counted": counted})
    return counted


# --- reading and retrying ------------------------------------------------------------------


def get(run_id: str) -> RunOut:
    run = store.get(run_id)
    if run is None:
        raise NotFound()
    return view(run, store.segments(run_id) if run.failed_segments else [])


def list_runs(model: str | None, limit: int) -> RunListOut:
    models = [model] if model else list(MEMBER_MODELS)
    runs = [r for m in models for r in store.latest(m, limit=limit)]
    runs.sort(key=lambda r: r.created_at, reverse=True)
    return RunListOut(items=[view(r, []) for r in runs[:limit]])


def retry(run_id: str, now: datetime, *, by: str) -> RunOut:
    """Queue the failed segments again (they run with the run's original as_of and model version)."""
    run = store.get(run_id, consistent=True)
    if run is None:
        raise NotFound()
    failed = sorted(run.failed_segments)
    if not failed:
        raise NothingToRetry()
    with unit_of_work(now, refuse={store.REOPENABLE: NothingToRetry}) as uow:
        store.reopen_in(uow, run, failed)
        uow.audit(by, "scoring_run.retry", target=f"run#{run_id}", detail={"segments": failed})
    scoring_queue.send_segments(run_id, failed, run.segments_total)
    return get(run_id)


def _stamp(at: datetime | None) -> str | None:
    return iso(at) if at else None


def view(run: Run, segments: list[SegmentState]) -> RunOut:
    failed = sorted(run.failed_segments)
    duration = None
    if run.started_at and run.finished_at:
        duration = round((run.finished_at - run.started_at).total_seconds(), 3)
    return RunOut(
        run_id=run.run_id,
        model=run.model,
        model_version=run.model_version,
        status=run.status,
        as_of=iso(run.as_of),
        segments_total=run.segments_total,
        segments_done=len(run.done_segments),
        segments_failed=failed,
        members_scored=run.members_scored,
        scores_written=run.scores_written,
        histories_compacted=run.compacted,
        created_by=run.created_by,
        created_at=iso(run.created_at),
        started_at=_stamp(run.started_at),
        finished_at=_stamp(run.finished_at),
        duration_s=duration,
        failures=[
            SegmentFailure(segment=s.segment, error=s.error or "", attempts=s.attempts)
            for s in segments
            if s.segment in failed
        ],
    )
