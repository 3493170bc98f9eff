"""The scoring queue: one typed message per segment of a run (SQS SendMessageBatch, 10 a call).

Entries SQS reports failed are sent again with the batch jobs' capped, jittered backoff; a segment
still not queued after bulk.MAX_ATTEMPTS tries fails the call (the admin starts or retries again).
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from chalicelib.domain.scoring_runs import SegmentMessage
from chalicelib.runtime import runtime
from chalicelib.store import bulk

BATCH = 10  # SendMessageBatch's limit


def queue_url(name: str) -> str:
    """The queue's URL, looked up once per runtime."""
    rt = runtime()
    return rt.shared(f"sqs-url:{name}", lambda: rt.client("sqs").get_queue_url(QueueName=name)["QueueUrl"])


def send_segments(run_id: str, segments: Iterable[int], total: int) -> None:
    """Queue one SegmentMessage per segment of the run."""
    rt = runtime()
    sqs, url = rt.client("sqs"), queue_url(rt.settings.scoring_queue)
    entries = [
        {"Id": str(s), "MessageBody": SegmentMessage(run_id=run_id, segment=s, total=total).model_dump_json()}
        for s in segments
    ]
    for start_at in range(0, len(entries), BATCH):
        chunk = entries[start_at : start_at + BATCH]
        for attempt in range(1, bulk.MAX_ATTEMPTS + 1):
            failed = {f["Id"] for f in sqs.send_message_batch(QueueUrl=url, Entries=chunk).get("Failed", [])}
            chunk = [e for e in chunk if e["Id"] in failed]
            if not chunk:
                break
            time.sleep(bulk.backoff(attempt))
        else:
            raise RuntimeError(f"could not queue segments {[e['Id'] for e in chunk]} of {run_id}")
