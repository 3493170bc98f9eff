"""Safe retries: a write sent again with the same Idempotency-Key returns the first response.

Built on Powertools' idempotency utility with its DynamoDB persistence layer (one table,
records expire after settings.idempotency_ttl). The key is scoped by operation and caller,
so two workers who happen to pick the same key never see each other's responses. The same
key with a different body is refused (422); a duplicate that arrives while the first is
still running gets 409 and can simply be retried.

The table holds no personal data in a readable form (store.idempotency: sealed responses, keyed
hashes) and files each record under its owner, so erasure deletes them. When the completion write
fails after the change committed, it is written once more and the caller gets the committed
result either way: a retry with the same key then replays it instead of finding the record in
progress.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from pydantic import BaseModel

from chalicelib.domain.errors import KeyReused, StillRunning
from chalicelib.runtime import runtime
from chalicelib.store.idempotency import persistence

logger = Logger(service="workerhome")


def replayable(
    operation: str,
    *,
    scope: str,
    owner: str | None = None,
    key: str | None,
    payload: Any,
    produce: Callable[[], BaseModel | dict[str, Any]],
    lambda_context: Any = None,
    remember: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    recall: Callable[[dict[str, Any]], BaseModel | dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Run `produce` once per (operation, scope, key); later calls return the first result.
    The record is filed under `owner` (the caller's member id; None when not signed in).

    The stored result is sealed (store.idempotency). A result that should answer a replay as it is
    now rather than as it was (a request, a comment) passes `remember` (result -> a reference, e.g.
    its id) and `recall` (reference -> the result again): only the reference is stored, the first
    call answers with the full result, a replay answers with `recall(reference)`.
    """
    if key is None:
        return _jsonable(produce())
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyPersistenceLayerError,
        IdempotencyValidationError,
    )

    s = runtime().settings
    config = IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="payload",
        expires_after_seconds=s.idempotency_ttl,
        raise_on_no_idempotency_key=True,
    )
    if lambda_context is not None and hasattr(lambda_context, "get_remaining_time_in_millis"):
        config.register_lambda_context(lambda_context)

    first: dict[str, dict[str, Any]] = {}

    def run_once(request: dict[str, Any]) -> dict[str, Any]:
        result = first["result"] = _jsonable(produce())
        return remember(result) if remember else result

    run_once.__qualname__ = f"replayable.{operation}"
    store = persistence()
    guarded = idempotent_function(data_keyword_argument="request", config=config, persistence_store=store)(run_once)
    request = {"key": f"{operation}|{scope}|{key}", "payload": payload, "owner": owner}
    try:
        stored = guarded(request=request)
    except IdempotencyValidationError as exc:
        raise KeyReused() from exc
    except IdempotencyAlreadyInProgressError as exc:
        raise StillRunning() from exc
    except IdempotencyPersistenceLayerError:
        if "result" not in first:  # the change did not happen (its record could not be cleared)
            raise
        _complete_again(store, request, first["result"], remember)
    if "result" in first:
        return first["result"]
    return _jsonable(recall(stored)) if recall else stored


def _complete_again(
    store: Any, request: dict[str, Any], result: dict[str, Any], remember: Callable[..., dict[str, Any]] | None
) -> None:
    """The change committed but its record's completion write failed: write it once more, so a
    retry replays the result; if that fails too, the caller still gets the committed result."""
    try:
        store.save_success(data=request, result=remember(result) if remember else result)
    except Exception:
        logger.warning("idempotency record left in progress after a committed change")


def _jsonable(result: BaseModel | dict[str, Any]) -> dict[str, Any]:
    return result.model_dump(mode="json") if isinstance(result, BaseModel) else result
