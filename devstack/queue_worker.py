"""The local stand-in for Lambda's SQS event source: receive, call the app's handler, delete.

Lambda polls a queue and invokes the function with a batch of records; when the function raises, the
records become visible again after the visibility timeout, and SQS moves a message to the dead-letter
queue after maxReceiveCount deliveries. Here a thread (the local stack) or a test does the polling
and calls the very handler functions app.py registers (`app.score_segment`, ...) with the same event
shape; a failed message is made visible again after `retry_after` seconds instead of the deployed
visibility timeout (90 minutes), so failures and the dead-letter path show up within seconds.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)
Handler = Callable[[dict[str, Any], Any], Any]


@dataclass(frozen=True)
class Subscription:
    queue_url: str
    queue_arn: str
    handler: Handler
    batch_size: int = 1


def subscriptions(app_module: Any, sqs: Any, settings: Any) -> list[Subscription]:
    """The SQS handlers of `app_module` (app.py: `score_segment`, ...) on the stage's queues."""
    out = []
    for name, handler, batch in (
        (settings.scoring_queue, app_module.score_segment, 1),
        (settings.scoring_dlq, app_module.scoring_dead_letters, 10),
    ):
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        out.append(Subscription(url, arn, handler, batch))
    return out


def poll_once(sqs: Any, sub: Subscription, *, wait_seconds: int = 0, retry_after: int = 1) -> int:
    """Receive up to batch_size messages and hand them to the handler: the number of messages received."""
    reply = sqs.receive_message(
        QueueUrl=sub.queue_url, MaxNumberOfMessages=sub.batch_size, WaitTimeSeconds=wait_seconds, AttributeNames=["All"]
    )
    messages = reply.get("Messages", [])
    if not messages:
        return 0
    event = {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": sub.queue_arn,
            }
            for m in messages
        ]
    }
    try:
        sub.handler(event, None)
    except Exception:  # the function failed: SQS will deliver the batch again
        logger.warning("handler failed; messages return to the queue", exc_info=True)
        for m in messages:
            sqs.change_message_visibility(
                QueueUrl=sub.queue_url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=retry_after
            )
        return len(messages)
    sqs.delete_message_batch(
        QueueUrl=sub.queue_url,
        Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
    )
    return len(messages)


def drain(sqs: Any, subs: list[Subscription], *, retry_after: int = 0, max_polls: int = 10_000) -> int:
    """Poll every subscription until all queues are empty (tests): the number of messages handled."""
    handled = 0
    for _ in range(max_polls):
        got = sum(poll_once(sqs, sub, retry_after=retry_after) for sub in subs)
        if got == 0:
            return handled
        handled += got
    raise RuntimeError("queues did not drain")


class QueueWorker(threading.Thread):
    """Polls the local queues until stopped (the local stack runs one)."""

    def __init__(self, sqs: Any, subs: list[Subscription]) -> None:
        super().__init__(name="queue-worker", daemon=True)
        self.sqs, self.subs, self._stop_event = sqs, subs, threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                if not sum(poll_once(self.sqs, sub, wait_seconds=0) for sub in self.subs):
                    self._stop_event.wait(0.5)
            except Exception:  # keep polling: a queue hiccup must not stop the worker
                logger.exception("queue worker poll failed")
                self._stop_event.wait(1.0)

    def stop(self) -> None:
        self._stop_event.set()
