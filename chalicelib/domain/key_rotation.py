"""A re-encryption job after a key rotation: every sealed field re-sealed under the current data key,
every blind index rewritten under the current blind-index key, segment by segment, resumable.

The job's progress is plain data: one `SegmentProgress` per (table, scan segment), with the scan's
cursor saved after each page, so a job that crashed resumes at the page it was on and never scans a
finished segment again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.domain.base import Strict

RotationStatus = Literal["waiting", "running", "done"]


class Rekeying(Protocol):
    """What the store needs to rewrite one record: the current keys, nothing else."""

    def reseal(self, token: str, *, context: str) -> str:
        """The sealed value under the current data key (the token itself when it already is)."""
        ...

    def indexes_of(self, purpose: str, token: str, *, context: str) -> tuple[str, ...]:
        """The blind indexes of the value sealed in `token`: the current key's, then the previous keys'."""
        ...


class PageResult(BaseModel):
    """One scanned page of a segment: how many records were read, rewritten, or left (changed by someone
    else meanwhile: they are counted as left, and a later job re-seals them)."""

    model_config = ConfigDict(frozen=True)

    scanned: int = 0
    resealed: int = 0
    left: int = 0
    cursor: dict[str, Any] | None = None  # where the next page starts; None once the segment is scanned


class SegmentProgress(BaseModel):
    model_config = ConfigDict(frozen=True)

    done: bool = False
    cursor: dict[str, Any] | None = None
    scanned: int = 0
    resealed: int = 0
    left: int = 0

    def after(self, page: PageResult) -> SegmentProgress:
        return SegmentProgress(
            done=page.cursor is None,
            cursor=page.cursor,
            scanned=self.scanned + page.scanned,
            resealed=self.resealed + page.resealed,
            left=self.left + page.left,
        )


class KeyRotation(BaseModel):
    """A re-encryption job. It waits until every container has read the rotated keys (`starts_after`),
    so nothing is sealed under an old key behind its back."""

    model_config = ConfigDict(frozen=True)

    rotation_id: str
    by: str
    created_at: datetime
    starts_after: datetime
    status: RotationStatus = "waiting"
    data_kid: str | None = None  # the key every field is re-sealed under (set when the job starts)
    segments: dict[str, SegmentProgress] = Field(default_factory=dict)  # "<table>#<segment>"
    finished_at: datetime | None = None

    @property
    def pending(self) -> list[str]:
        return [name for name, s in self.segments.items() if not s.done]

    def totals(self) -> dict[str, int]:
        return {
            "segments": len(self.segments),
            "segments_done": sum(s.done for s in self.segments.values()),
            "scanned": sum(s.scanned for s in self.segments.values()),
            "resealed": sum(s.resealed for s in self.segments.values()),
            "left": sum(s.left for s in self.segments.values()),
        }


class RotationCreate(Strict):
    """POST /v1/admin/keys/rotations takes no options: the job covers every sealed table."""


def segment_names(tables: tuple[str, ...], segments: int) -> list[str]:
    return [f"{table}#{i}" for table in tables for i in range(segments)]


def split_segment(name: str) -> tuple[str, int]:
    table, _, number = name.rpartition("#")
    return table, int(number)
