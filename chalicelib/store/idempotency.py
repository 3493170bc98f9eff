"""The persistence layer of Powertools' idempotency utility: its DynamoDB table (store.idempotency_tables),
through the runtime's client, made once per runtime."""

from __future__ import annotations

from typing import Any

from chalicelib.runtime import runtime


def persistence() -> Any:
    """Powertools' DynamoDBPersistenceLayer on the stage's idempotency table."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    rt = runtime()
    return rt.shared(
        "idempotency",
        lambda: DynamoDBPersistenceLayer(
            table_name=rt.settings.table("idempotency"), boto3_client=rt.client("dynamodb")
        ),
    )
