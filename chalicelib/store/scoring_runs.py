"""Scoring runs and their segments: every progress step is one conditional write, so redelivered,
duplicated or out-of-order segment messages cannot count twice.

  create_in          in a unit of work: the new run (condition RUN_FREE: no run with its id yet)
  reopen_in          in a unit of work: failed segments back to running (condition REOPENABLE: the run is
                     still retryable and still has them failed)
  complete_segment   in a unit of work: the run's done set gains the segment (condition PROGRESS: not in
                     it yet, and not in the failed set) + the segment's result item
  fail_attempt       the segment's last error and attempt count (not once it is done)
  give_up_segment    the run's failed set gains the segment (condition: not done)
  settle             status from the sets, written only if it changes (condition on the status read)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from chalicelib.domain.scoring_runs import OPEN_STATUSES, RETRYABLE_STATUSES, Run, SegmentState, status_of
from chalicelib.store.base import from_iso, iso
from chalicelib.store.scoring_tables import ScoringRun, SegmentResult
from chalicelib.store.transact import NamedTransaction

RUN_FREE = "run_free"
"""create_in's put: fails when a run with that id exists."""
REOPENABLE = "reopenable"
"""reopen_in's update: fails when the run is no longer retryable or its failed segments changed."""
PROGRESS = "progress"
"""complete_segment's update of the run: fails when the segment was counted already (done or given up)."""


def _conditional(exc: UpdateError) -> bool:
    return exc.cause_response_code == "ConditionalCheckFailedException"


def _stamp(value: str | None) -> datetime | None:
    return from_iso(value) if value else None


def run_of(record: ScoringRun) -> Run:
    return Run(
        run_id=record.run_id,
        model=record.model,
        model_version=record.model_version,
        status=record.status,
        as_of=from_iso(record.as_of),
        segments_total=int(record.segments_total),
        done_segments=frozenset(int(s) for s in record.done_segments or ()),
        failed_segments=frozenset(int(s) for s in record.failed_segments or ()),
        members_scored=int(record.members_scored or 0),
        scores_written=int(record.scores_written or 0),
        compacted=int(record.compacted or 0),
        previous_run_id=record.previous_run_id,
        created_by=record.created_by,
        created_at=from_iso(record.created_at),
        started_at=_stamp(record.started_at),
        finished_at=_stamp(record.finished_at),
    )


def segment_of(record: SegmentResult) -> SegmentState:
    return SegmentState(
        segment=int(record.segment),
        status=record.status,
        attempts=int(record.attempts or 0),
        error=record.error,
        aggregates=record.aggregates,
    )


def create_in(tx: NamedTransaction, run: Run) -> None:
    """Put a new run (queued, nothing counted yet)."""
    record = ScoringRun(
        run.run_id,
        model=run.model,
        model_version=run.model_version,
        status=run.status,
        as_of=iso(run.as_of),
        segments_total=run.segments_total,
        members_scored=0,
        scores_written=0,
        created_by=run.created_by,
        created_at=iso(run.created_at),
        previous_run_id=run.previous_run_id,
    )
    tx.put(RUN_FREE, record, condition=ScoringRun.run_id.does_not_exist())


def _get(run_id: str, *, consistent: bool = False) -> ScoringRun | None:
    try:
        return ScoringRun.get(run_id, consistent_read=consistent)
    except DoesNotExist:
        return None


def get(run_id: str, *, consistent: bool = False) -> Run | None:
    """One GetItem."""
    found = _get(run_id, consistent=consistent)
    return run_of(found) if found is not None else None


def latest(model: str, limit: int = 20) -> list[Run]:
    """The model's runs, newest first: one Query."""
    return [run_of(r) for r in ScoringRun.model_index.query(model, scan_index_forward=False, limit=limit)]


def segments(run_id: str) -> list[SegmentState]:
    """Every segment item of a run (done and failing): one Query (pages beyond 1 MB followed)."""
    return [segment_of(r) for r in SegmentResult.query(run_id)]


def mark_started(run: Run, at: datetime) -> None:
    """queued -> running, once; later calls change nothing."""
    if run.started_at:
        return
    try:
        ScoringRun(run.run_id).update(
            actions=[ScoringRun.started_at.set(iso(at)), ScoringRun.status.set("running")],
            condition=ScoringRun.started_at.does_not_exist() & ScoringRun.status.is_in(*OPEN_STATUSES),
        )
    except UpdateError as exc:
        if not _conditional(exc):
            raise


def _not_in(attribute: Any, segment: int) -> Condition:
    return attribute.does_not_exist() | ~attribute.contains(segment)


def complete_segment(
    tx: NamedTransaction,
    run_id: str,
    segment: int,
    *,
    members: int,
    written: int,
    compacted: int,
    aggregates: dict[str, Any],
    at: datetime,
) -> None:
    """Count a finished segment once (condition PROGRESS: not done and not given up yet) and store its
    result item with its aggregates, in `tx`."""
    tx.update(
        PROGRESS,
        ScoringRun(run_id),
        [
            ScoringRun.done_segments.add({segment}),
            ScoringRun.members_scored.add(members),
            ScoringRun.scores_written.add(written),
            ScoringRun.compacted.add(compacted),
        ],
        condition=ScoringRun.run_id.exists()
        & _not_in(ScoringRun.done_segments, segment)
        & _not_in(ScoringRun.failed_segments, segment),
    )
    tx.put(
        "segment",
        SegmentResult(
            run_id,
            segment,
            status="done",
            members=members,
            written=written,
            compacted=compacted,
            aggregates=aggregates,
            updated_at=iso(at),
        ),
    )


def fail_attempt(run_id: str, segment: int, error: str, at: datetime) -> None:
    """Remember a failed attempt (the message will be delivered again, or go to the dead-letter queue)."""
    item = SegmentResult(run_id, segment)
    try:
        item.update(
            actions=[
                SegmentResult.status.set("failing"),
                SegmentResult.error.set(error[:500]),
                SegmentResult.attempts.add(1),
                SegmentResult.updated_at.set(iso(at)),
            ],
            condition=SegmentResult.status.does_not_exist() | (SegmentResult.status != "done"),
        )
    except UpdateError as exc:
        if not _conditional(exc):
            raise


def give_up_segment(run_id: str, segment: int) -> bool:
    """The segment's message went to the dead-letter queue: count it failed, unless it was done meanwhile."""
    try:
        ScoringRun(run_id).update(
            actions=[ScoringRun.failed_segments.add({segment})],
            condition=ScoringRun.run_id.exists() & _not_in(ScoringRun.done_segments, segment),
        )
    except UpdateError as exc:
        if _conditional(exc):
            return False
        raise
    return True


def settle(run_id: str, at: datetime) -> None:
    """Write the status the segment sets imply (and finished_at when it becomes final). Reads the run
    consistently; the write is conditional on the status read, so concurrent settles agree."""
    run = _get(run_id, consistent=True)
    if run is None:
        return
    new = status_of(
        int(run.segments_total), len(run.done_segments or ()), len(run.failed_segments or ()), bool(run.started_at)
    )
    if new == run.status:
        return
    actions: list[Action] = [ScoringRun.status.set(new)]
    if new not in OPEN_STATUSES:
        actions.append(ScoringRun.finished_at.set(iso(at)))
    try:
        run.update(actions=actions, condition=ScoringRun.status == run.status)
    except UpdateError as exc:
        if not _conditional(exc):
            raise


def reopen_in(tx: NamedTransaction, run: Run, failed: Iterable[int]) -> None:
    """Take `failed` segments out of the failed set to queue them again."""
    segs = set(failed)
    tx.update(
        REOPENABLE,
        ScoringRun(run.run_id),
        [ScoringRun.failed_segments.delete(segs), ScoringRun.status.set("running"), ScoringRun.finished_at.remove()],
        condition=ScoringRun.status.is_in(*RETRYABLE_STATUSES) & ScoringRun.failed_segments.contains(min(segs)),
    )
