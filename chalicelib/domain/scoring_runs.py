"""Batch scoring runs: how many segments, what a run's status is, what admins send and get back.

A run fans out as one queue message per segment of a parallel Scan. Its status follows from the
sets of finished and failed segments alone, so any order of (re)deliveries ends in the same state:
  queued            nothing finished yet and no worker has started
  running           some segments are neither done nor failed
  succeeded         every segment done
  partially_failed  every segment done or failed, some failed (retry re-queues just those)
  failed            every segment failed
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field

from chalicelib.domain.base import Out, Strict
from chalicelib.domain.scoring_models import CHURN, MemberModel

OPEN_STATUSES = ("queued", "running")
RETRYABLE_STATUSES = ("partially_failed", "failed")


class RunCreate(Strict):
    model: MemberModel
    segments: Annotated[int | None, Field(ge=1, le=1000)] = None  # default: from the table's size


class RunListQuery(Strict):
    model: MemberModel | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 20


class SummaryQuery(Strict):
    model: MemberModel = CHURN


class SegmentMessage(Strict):
    """What a segment's queue message says: score segment `segment` of `total` for run `run_id`."""

    run_id: str
    segment: Annotated[int, Field(ge=0)]
    total: Annotated[int, Field(ge=1)]


@dataclass(frozen=True)
class Run:
    """A scoring run as stored: its model, the instant it scores as of, and its progress sets."""

    run_id: str
    model: str
    model_version: str
    status: str
    as_of: datetime
    segments_total: int
    done_segments: frozenset[int]
    failed_segments: frozenset[int]
    members_scored: int
    scores_written: int
    compacted: int
    previous_run_id: str | None
    created_by: str
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None

    def counted(self, segment: int) -> bool:
        """The segment is done or given up: a delivery of its message changes nothing."""
        return segment in self.done_segments or segment in self.failed_segments


@dataclass(frozen=True)
class SegmentState:
    """One segment of a run: done (with its aggregates) or failing (its last error, attempts so far)."""

    segment: int
    status: str
    attempts: int
    error: str | None
    aggregates: dict[str, Any] | None


class SegmentFailure(Out):
    segment: int
    error: str
    attempts: int


class RunOut(Out):
    run_id: str
    model: str
    model_version: str
    status: str
    as_of: str
    segments_total: int
    segments_done: int
    segments_failed: list[int]
    members_scored: int
    scores_written: int
    histories_compacted: int  # activity items whose closed weeks this run folded into their history
    created_by: str
    created_at: str
    started_at: str | None
    finished_at: str | None
    duration_s: float | None
    failures: list[SegmentFailure]


class RunListOut(Out):
    items: list[RunOut]


def segment_count(item_count: int, per_segment: int, maximum: int) -> int:
    """Segments for a table of `item_count` items: about `per_segment` each, at least 1, at most `maximum`."""
    return max(1, min(maximum, math.ceil(max(item_count, 0) / max(per_segment, 1))))


def status_of(total: int, done: int, failed: int, started: bool) -> str:
    if done + failed < total:
        return "running" if started or done or failed else "queued"
    if failed == 0:
        return "succeeded"
    return "failed" if done == 0 else "partially_failed"


class TierCounts(Out):
    low: int = 0
    medium: int = 0
    high: int = 0


class Movement(Out):
    up: int = 0
    down: int = 0
    same: int = 0
    new: int = 0


class ReasonCount(Out):
    code: str
    text: str
    count: int


class DriftOut(Out):
    feature: str
    psi: float
    flagged: bool


class SummaryOut(Out):
    model: str
    run_id: str | None  # the latest finished run; None before the first
    as_of: str | None
    members: int
    tiers: TierCounts
    movement: Movement
    top_reasons: list[ReasonCount]
    by_group: dict[str, TierCounts]
    by_city: dict[str, TierCounts]
    drift: list[DriftOut]  # every binned feature, most drifted first
    drifted_features: int  # PSI above 0.2
