"""Repository of the re-encryption jobs (store.key_rotation_tables): their progress, one segment's
cursor and counts at a time, and a lease so that one runner at a time advances a job.

Named conditions:
    ROTATION_NEW   the job id is not taken (start)
    LEASE_FREE     nobody else holds the job's lease (claim)

Round trips: get 1 GetItem; claim, save_segment and finish one UpdateItem each; running 1 Scan of this
small table (batch job only).
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, UpdateError

from chalicelib.domain.key_rotation import KeyRotation, SegmentProgress
from chalicelib.store.base import as_dict, from_iso, instant, iso
from chalicelib.store.key_rotation_tables import KeyRotationRecord
from chalicelib.store.transact import NamedTransaction

ROTATION_NEW = "rotation_new"
LEASE_FREE = "lease_free"
K = KeyRotationRecord


def _rotation_of(r: KeyRotationRecord) -> KeyRotation:
    return KeyRotation(
        rotation_id=r.rotation_id,
        by=r.by,
        created_at=from_iso(r.created_at),
        starts_after=from_iso(r.starts_after),
        status=r.status,  # type: ignore[arg-type]
        data_kid=r.data_kid,
        segments={name: SegmentProgress.model_validate_json(s) for name, s in as_dict(r.segments).items()},
        finished_at=instant(r.finished_at),
    )


def start_in(tx: NamedTransaction, rotation: KeyRotation) -> None:
    record = KeyRotationRecord(
        rotation.rotation_id,
        by=rotation.by,
        status=rotation.status,
        created_at=iso(rotation.created_at),
        starts_after=iso(rotation.starts_after),
        segments={name: s.model_dump_json() for name, s in rotation.segments.items()},
    )
    tx.put(ROTATION_NEW, record, condition=K.rotation_id.does_not_exist())


def get(rotation_id: str) -> KeyRotation | None:
    try:
        return _rotation_of(KeyRotationRecord.get(rotation_id, consistent_read=True))
    except DoesNotExist:
        return None


def unfinished() -> list[KeyRotation]:
    """Jobs not done yet (a Scan of the jobs table: a handful of items, read by the batch runner only)."""
    return [_rotation_of(r) for r in KeyRotationRecord.scan(K.status != "done", consistent_read=True)]


def claim(rotation_id: str, data_kid: str, *, now: datetime, until: datetime) -> bool:
    """Take the job's lease until `until` and mark it running under `data_kid`; False if someone holds it."""
    try:
        KeyRotationRecord(rotation_id).update(
            actions=[K.lease_until.set(until.timestamp()), K.status.set("running"), K.data_kid.set(data_kid)],
            condition=K.rotation_id.exists() & (K.lease_until < now.timestamp()) & (K.status != "done"),
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def save_segment(rotation_id: str, name: str, progress: SegmentProgress) -> None:
    """One segment's cursor and counts, after each page: a crash resumes from the last page saved."""
    entry = K.segments[name]  # a path into the map: only this segment is written
    KeyRotationRecord(rotation_id).update(actions=[entry.set(progress.model_dump_json())])  # type: ignore[attr-defined]


def finish(rotation_id: str, now: datetime) -> None:
    KeyRotationRecord(rotation_id).update(
        actions=[K.status.set("done"), K.finished_at.set(iso(now)), K.lease_until.set(0)]
    )


def release(rotation_id: str) -> None:
    KeyRotationRecord(rotation_id).update(actions=[K.lease_until.set(0)])
