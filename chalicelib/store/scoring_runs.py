"""Scoring runs and their segments: every progress step is one conditional write, so redelivered,
duplicated or out-of-order segment messages cannot count twice.

  complete_segment   one TransactWriteItems: the run's done set gains the segment (condition: not in it
                     yet, and not in the failed set) + the segment's result item
  fail_attempt       the segment's last error and attempt count (not once it is done)
  give_up_segment    the run's failed set gains the segment (condition: not done)
  settle             status from the sets, written only if it changes (condition on the status read)
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition

from chalicelib.domain.scoring_runs import OPEN_STATUSES, RETRYABLE_STATUSES, status_of
from chalicelib.store.scoring_tables import ScoringRun, SegmentResult
from chalicelib.store.transact import Cancelled, NamedTransaction


def _conditional(exc: UpdateError) -> bool:
    return exc.cause_response_code == "ConditionalCheckFailedException"


def create(run: ScoringRun) -> None:
    run.save(condition=ScoringRun.run_id.does_not_exist())


def get(run_id: str, *, consistent: bool = False) -> ScoringRun | None:
    try:
        return ScoringRun.get(run_id, consistent_read=consistent)
    except DoesNotExist:
        return None


def latest(model: str, limit: int = 20) -> list[ScoringRun]:
    """The model's runs, newest first: one Query."""
    return list(ScoringRun.model_index.query(model, scan_index_forward=False, limit=limit))


def segments(run_id: str) -> list[SegmentResult]:
    """Every segment item of a run (done and failing): one Query (pages beyond 1 MB followed)."""
    return list(SegmentResult.query(run_id))


def mark_started(run: ScoringRun, at_iso: str) -> None:
    """queued -> running, once; later calls change nothing."""
    if run.started_at:
        return
    try:
        run.update(actions=[ScoringRun.started_at.set(at_iso), ScoringRun.status.set("running")],
                   condition=ScoringRun.started_at.does_not_exist() & ScoringRun.status.is_in(*OPEN_STATUSES))
    except UpdateError as exc:
        if not _conditional(exc):
            raise


def _not_in(attribute: Any, segment: int) -> Condition:
    return attribute.does_not_exist() | ~attribute.contains(segment)


def complete_segment(run_id: str, result: SegmentResult, *, members: int, written: int, compacted: int = 0) -> bool:
    """Count a finished segment once. False: it was already counted (a duplicate delivery)."""
    run = ScoringRun(run_id)
    tx = NamedTransaction()
    tx.update("progress", run, [ScoringRun.done_segments.add({result.segment}),
                                ScoringRun.members_scored.add(members), ScoringRun.scores_written.add(written),
                                ScoringRun.compacted.add(compacted)],
              condition=ScoringRun.run_id.exists() & _not_in(ScoringRun.done_segments, result.segment)
              & _not_in(ScoringRun.failed_segments, result.segment))
    tx.put("segment", result)
    try:
        tx.commit()
    except Cancelled as exc:
        if "progress" in exc:
            return False
        raise
    return True


def fail_attempt(run_id: str, segment: int, error: str, at_iso: str) -> None:
    """Remember a failed attempt (the message will be delivered again, or go to the dead-letter queue)."""
    item = SegmentResult(run_id, segment)
    try:
        item.update(actions=[SegmentResult.status.set("failing"), SegmentResult.error.set(error[:500]),
                             SegmentResult.attempts.add(1), SegmentResult.updated_at.set(at_iso)],
                    condition=SegmentResult.status.does_not_exist() | (SegmentResult.status != "done"))
    except UpdateError as exc:
        if not _conditional(exc):
            raise


def give_up_segment(run_id: str, segment: int) -> bool:
    """The segment's message went to the dead-letter queue: count it failed, unless it was done meanwhile."""
    try:
        ScoringRun(run_id).update(actions=[ScoringRun.failed_segments.add({segment})],
                                  condition=ScoringRun.run_id.exists() & _not_in(ScoringRun.done_segments, segment))
    except UpdateError as exc:
        if _conditional(exc):
            return False
        raise
    return True


def settle(run_id: str, at_iso: str) -> ScoringRun | None:
    """Write the status the segment sets imply (and finished_at when it becomes final). Reads the run
    consistently; the write is conditional on the status read, so concurrent settles agree."""
    run = get(run_id, consistent=True)
    if run is None:
        return None
    new = status_of(int(run.segments_total), len(run.done_segments or ()), len(run.failed_segments or ()),
                    bool(run.started_at))
    if new == run.status:
        return run
    actions = [ScoringRun.status.set(new)]
    if new not in OPEN_STATUSES:
        actions.append(ScoringRun.finished_at.set(at_iso))
    try:
        run.update(actions=actions, condition=ScoringRun.status == run.status)
    except UpdateError as exc:
        if not _conditional(exc):
            raise
        return get(run_id, consistent=True)
    return run


def reopen(run: ScoringRun, failed: Iterable[int]) -> bool:
    """Take `failed` segments out of the failed set to queue them again; False if the run changed."""
    segs = set(failed)
    try:
        run.update(actions=[ScoringRun.failed_segments.delete(segs), ScoringRun.status.set("running"),
                            ScoringRun.finished_at.remove()],
                   condition=ScoringRun.status.is_in(*RETRYABLE_STATUSES) & ScoringRun.failed_segments.contains(
                       min(segs)))
    except UpdateError as exc:
        if _conditional(exc):
            return False
        raise
    return True
