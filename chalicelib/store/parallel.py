"""Independent DynamoDB round trips issued at once, so their latency is about that of one."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
_pool: ThreadPoolExecutor | None = None


def concurrently(fn: Callable[[T], R], args: Iterable[T]) -> list[R]:
    """fn(arg) for every arg on a shared thread pool (botocore clients are thread-safe); results in order."""
    global _pool
    args = list(args)
    if len(args) <= 1:
        return [fn(a) for a in args]
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="dynamodb")
    return list(_pool.map(fn, args))


A = TypeVar("A")
B = TypeVar("B")


def both(first: Callable[[], A], second: Callable[[], B]) -> tuple[A, B]:
    """Two independent reads at once (e.g. a station and a worker's standing)."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="dynamodb")
    later = _pool.submit(second)
    return first(), later.result()
