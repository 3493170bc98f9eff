"""In-process moto with one lock around each AWS call, so a test may race threads against `mock_aws`.

The same reason as devstack/moto_server.py's SerializedApp: DynamoDB runs each call (a transaction
included) in isolation, moto does not lock its backends. The lock also keeps the order in which the
calls ran, so a race test can replay what committed, one transaction after the other, and check an
invariant at every step rather than only at the end.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from moto.core.botocore_stubber import BotocoreStubber


@dataclass(frozen=True)
class Call:
    """One DynamoDB call as moto answered it: its operation, request body and HTTP status."""

    operation: str
    body: dict[str, Any]
    status: int

    @property
    def committed(self) -> bool:
        return self.status == 200

    def writes(self, table_suffix: str) -> list[tuple[str, dict[str, Any]]]:
        """(kind, write) of a TransactWriteItems' items on the table whose name ends with the suffix."""
        found = []
        for item in self.body.get("TransactItems", []):
            for kind, write in item.items():
                if write.get("TableName", "").endswith(table_suffix):
                    found.append((kind, write))
        return found


@contextmanager
def serialized_moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Call]]:
    """Serialize moto's handling of every AWS call while the block runs; yields the DynamoDB calls in
    the order moto ran them."""
    lock = threading.Lock()
    log: list[Call] = []
    handle = BotocoreStubber.process_request

    def one_at_a_time(self: BotocoreStubber, request: Any) -> Any:
        with lock:
            response = handle(self, request)
            target = dict(request.headers).get("X-Amz-Target", b"")
            target = target.decode() if isinstance(target, bytes) else target
            if response is not None and target.startswith("DynamoDB_"):
                body = request.body.decode() if isinstance(request.body, bytes) else request.body
                log.append(Call(target.split(".")[-1], json.loads(body or "{}"), response[0]))
            return response

    monkeypatch.setattr(BotocoreStubber, "process_request", one_at_a_time)
    yield log
