"""Bulk DynamoDB I/O for batch jobs, in DynamoDB's own item format (no per-attribute conversion).

Only batch work uses this module: a segment of a parallel Scan, BatchGetItem and BatchWriteItem with
the unprocessed part retried with capped exponential backoff and jitter (DynamoDB returns unprocessed
keys/items instead of failing when a partition is throttled). Request paths never Scan.

`client` is a boto3 DynamoDB client (injected: tests wrap it to throttle); `sleep` is injectable so
tests do not wait.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

Item = dict[str, Any]
GET_CHUNK = 100  # BatchGetItem's limit
WRITE_CHUNK = 25  # BatchWriteItem's limit
MAX_ATTEMPTS = 8
BASE_DELAY = 0.05
MAX_DELAY = 5.0


def typed(value: Any) -> dict[str, Any] | None:
    """A Python value as one attribute value of DynamoDB's item format (plain's inverse); None: no attribute."""
    if value is None:
        return None
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, bytes):
        return {"B": value}
    if isinstance(value, int | float):
        return {"N": str(value)}
    return {"S": str(value)}


def typed_item(fields: dict[str, Any]) -> Item:
    """A plain record (attribute -> value) in DynamoDB's item format, absent (None) values left out."""
    return {k: t for k, v in fields.items() if (t := typed(v)) is not None}


def plain(value: dict[str, Any]) -> Any:
    """One attribute value of DynamoDB's item format as a Python value (int where the number is whole)."""
    if "N" in value:
        number = Decimal(value["N"])
        return int(number) if number == number.to_integral_value() else float(number)
    if "B" in value:
        return bytes(value["B"])
    if "SS" in value:
        return set(value["SS"])
    return value.get("S", value.get("BOOL"))


class StillUnprocessed(Exception):
    """DynamoDB kept returning unprocessed items after MAX_ATTEMPTS tries (sustained throttling)."""


def backoff(attempt: int) -> float:
    """Full-jitter delay before retry number `attempt` (1-based)."""
    return random.uniform(0, min(MAX_DELAY, BASE_DELAY * 2**attempt))


def scan_segment(
    client: Any,
    table: str,
    segment: int,
    total: int,
    *,
    page_size: int | None = None,
    projection: str | None = None,
    names: dict[str, str] | None = None,
) -> Iterator[list[Item]]:
    """The pages of one segment of a parallel Scan (each page one round trip, up to 1 MB)."""
    kwargs: dict[str, Any] = {"TableName": table, "Segment": segment, "TotalSegments": total}
    if page_size:
        kwargs["Limit"] = page_size
    if projection:
        kwargs["ProjectionExpression"] = projection
    if names:
        kwargs["ExpressionAttributeNames"] = names
    while True:
        page = client.scan(**kwargs)
        yield page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def batch_get(
    client: Any,
    table: str,
    keys: Sequence[Item],
    *,
    projection: str | None = None,
    names: dict[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Item]:
    """Every item found for `keys` (any order), GET_CHUNK keys per call, unprocessed keys retried."""
    found: list[Item] = []
    for start in range(0, len(keys), GET_CHUNK):
        request: dict[str, Any] = {"Keys": list(keys[start : start + GET_CHUNK])}
        if projection:
            request["ProjectionExpression"] = projection
        if names:
            request["ExpressionAttributeNames"] = names
        pending: dict[str, Any] = {table: request}
        for attempt in range(1, MAX_ATTEMPTS + 1):
            reply = client.batch_get_item(RequestItems=pending)
            found.extend(reply.get("Responses", {}).get(table, []))
            pending = reply.get("UnprocessedKeys") or {}
            if not pending:
                break
            sleep(backoff(attempt))
        else:
            raise StillUnprocessed(f"{table}: {len(pending[table]['Keys'])} keys unprocessed")
    return found


def batch_write(client: Any, table: str, items: Sequence[Item], *, sleep: Callable[[float], None] = time.sleep) -> int:
    """Put `items` (WRITE_CHUNK per call), retrying unprocessed ones; the number of calls made."""
    calls = 0
    for start in range(0, len(items), WRITE_CHUNK):
        pending: list[Any] = [{"PutRequest": {"Item": item}} for item in items[start : start + WRITE_CHUNK]]
        for attempt in range(1, MAX_ATTEMPTS + 1):
            reply = client.batch_write_item(RequestItems={table: pending})
            calls += 1
            pending = (reply.get("UnprocessedItems") or {}).get(table, [])
            if not pending:
                break
            sleep(backoff(attempt))
        else:
            raise StillUnprocessed(f"{table}: {len(pending)} writes unprocessed")
    return calls
