"""Re-encryption after a key rotation (`make rotate-keys`): an admin starts a job, the scheduled runner
(app.py `key_rotation`) advances it segment by segment, and anyone with the admin role reads progress.

The job waits `keys_refresh_seconds` after it is started, so that every container has read the rotated
keys and seals under the new data key before the scan passes its records. Each page's cursor and
counts are saved, so a runner that crashed (or ran out of time) resumes where it stopped and never
scans a finished segment again. Old keys stay in the keyring until `make retire-keys` finds a finished
job with nothing left.

Round trips: start 1 TransactWriteItems (job + audit); progress 1 GetItem.
"""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from chalicelib.domain.access import Caller
from chalicelib.domain.errors import NotFound
from chalicelib.domain.instants import utc_stamp
from chalicelib.domain.key_rotation import KeyRotation, SegmentProgress, segment_names, split_segment
from chalicelib.privacy.crypto import BlindIndex, FieldCipher
from chalicelib.runtime import runtime
from chalicelib.store import key_rotation as jobs
from chalicelib.store import sealed_records
from chalicelib.store.unit_of_work import unit_of_work

RUN_BUDGET = timedelta(minutes=12)  # the scheduled runner's function times out at 15
LEASE_MARGIN = timedelta(minutes=3)


class CurrentKeys:
    """The runtime's current data key and blind-index key, as the store's `Rekeying`."""

    def __init__(self, cipher: FieldCipher, index: BlindIndex) -> None:
        self._cipher = cipher
        self._index = index

    def reseal(self, token: str, *, context: str) -> str:
        return self._cipher.reseal(token, context=context)

    def indexes_of(self, purpose: str, token: str, *, context: str) -> tuple[str, ...]:
        return self._index.candidates(purpose, self._cipher.open(token, context=context))


def view(job: KeyRotation) -> dict[str, Any]:
    return {
        "rotation_id": job.rotation_id,
        "status": job.status,
        "created_at": utc_stamp(job.created_at),
        "starts_after": utc_stamp(job.starts_after),
        "finished_at": utc_stamp(job.finished_at) if job.finished_at else None,
        "data_kid": job.data_kid,
        **job.totals(),
        "segments_pending": job.pending,
    }


def start(admin: Caller, now: datetime) -> dict[str, Any]:
    """A new job over every sealed table; audited with it in one transaction."""
    s = runtime().settings
    job = KeyRotation(
        rotation_id="kr_" + secrets.token_hex(8),
        by=admin.member_id,
        created_at=now,
        starts_after=now + timedelta(seconds=s.keys_refresh_seconds),
        segments={n: SegmentProgress() for n in segment_names(sealed_records.SEALED_TABLES, s.key_rotation_segments)},
    )
    with unit_of_work(now) as uow:
        jobs.start_in(uow, job)
        uow.audit(admin.member_id, "keys.reencrypt", target=f"key_rotation#{job.rotation_id}")
    return view(job)


def progress(rotation_id: str) -> dict[str, Any]:
    job = jobs.get(rotation_id)
    if job is None:
        raise NotFound()
    return view(job)


def advance(budget: timedelta = RUN_BUDGET) -> list[str]:
    """Advance every job that may start, within `budget`; the ids of the jobs that finished."""
    rt = runtime()
    now = rt.clock.now()
    ready = [job for job in jobs.unfinished() if job.starts_after <= now]
    return [job.rotation_id for job in ready if _run(job, now + budget)]


def _run(job: KeyRotation, deadline: datetime) -> bool:
    """Claim the job and page through its pending segments until done (True) or out of time."""
    rt = runtime()
    rt.reload_keys()
    cipher = rt.cipher
    if not jobs.claim(job.rotation_id, cipher.current_kid, now=rt.clock.now(), until=deadline + LEASE_MARGIN):
        return False
    runner = SegmentRunner(job, CurrentKeys(cipher, rt.blind_index), deadline)
    try:
        finished = all(runner.page_through(name) for name in job.pending)
    except Exception:
        jobs.release(job.rotation_id)
        raise
    if not finished:
        jobs.release(job.rotation_id)
        return False
    jobs.finish(job.rotation_id, rt.clock.now())
    return True


class SegmentRunner:
    """Pages through a job's segments, saving each segment's cursor and counts after every page."""

    def __init__(self, job: KeyRotation, keys: CurrentKeys, deadline: datetime) -> None:
        self.job, self.keys, self.deadline = job, keys, deadline
        self.per_table = Counter(split_segment(name)[0] for name in job.segments)

    def page_through(self, name: str) -> bool:
        """One segment to its end (True), or until the deadline (False: the next run resumes it)."""
        table, segment = split_segment(name)
        progress = self.job.segments[name]
        while not progress.done:
            if runtime().clock.now() >= self.deadline:
                return False
            page = sealed_records.rekey_page(table, segment, self.per_table[table], progress.cursor, self.keys)
            progress = progress.after(page)
            jobs.save_segment(self.job.rotation_id, name, progress)
        return True
