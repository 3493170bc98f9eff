"""The persistence layer of Powertools' idempotency utility, made safe for personal data.

Powertools keeps, per Idempotency-Key, a record with the first response and hashes of the key and
of the payload. Through its extension points (a DynamoDBPersistenceLayer subclass) this layer:
- seals the stored response with the runtime's FieldCipher, bound to the record's key (a copied
  response cannot be opened under another record);
- hashes with a keyed HMAC (the runtime's blind-index secret), never a bare hash, so neither the
  key (which may name a phone) nor the payload (answers, names) can be guessed from the record;
- files every record under its owner (the caller's member id: table key `id`, the record `sk`),
  so erasure finds a member's records with one Query (`erase_member`), no Scan.

Besides the persistence layer's documented hooks (_update_record, and the record read back through
_item_to_data_record) it overrides the key and hash helpers of the pinned Powertools version;
tests/api/test_idempotency_records.py fails if an upgrade changes them.

Round trips: a first call PutItem + UpdateItem, a replay one PutItem (Powertools' own figures).
"""

from __future__ import annotations

import copy
import json
from functools import cached_property
from typing import Any

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord

from chalicelib.runtime import runtime
from chalicelib.store.idempotency_tables import IdempotencyRecord

ANONYMOUS = "anonymous"
"""The owner of records written for callers who are not signed in (a code request)."""
_OWNER_END = "@"


class SealedPersistence(DynamoDBPersistenceLayer):
    """Powertools' DynamoDB layer with sealed responses, keyed hashes and records filed by owner.

    The owner travels in the request data Powertools hands us (`owner`), and prefixes the hashed
    key (`<owner>@<hash>`), which `_get_key` splits back into the table's two key attributes."""

    def __init__(self, table_name: str, boto3_client: Any) -> None:
        super().__init__(
            table_name=table_name,
            boto3_client=boto3_client,
            key_attr=IdempotencyRecord.owner.attr_name,
            sort_key_attr=IdempotencyRecord.key.attr_name,
        )

    def _get_hashed_idempotency_key(self, data: dict[str, Any]) -> str | None:
        hashed = super()._get_hashed_idempotency_key(data)
        return f"{data.get('owner') or ANONYMOUS}{_OWNER_END}{hashed}" if hashed else hashed

    def _get_key(self, idempotency_key: str) -> dict[str, Any]:
        owner, _, record = idempotency_key.partition(_OWNER_END)
        return {self.key_attr: {"S": owner}, self.sort_key_attr: {"S": record}}  # type: ignore[dict-item]

    def _generate_hash(self, data: Any) -> str:
        return self._hmac("idempotency", json.dumps(data, sort_keys=True, separators=(",", ":"), default=str))

    @cached_property
    def _hmac(self) -> Any:
        return runtime().blind_index

    def _update_record(self, data_record: DataRecord) -> None:
        sealed = copy.copy(data_record)
        if data_record.response_data:
            sealed.response_data = runtime().cipher.seal(
                data_record.response_data, context=_context(data_record.idempotency_key)
            )
        super()._update_record(sealed)

    def _item_to_data_record(self, item: dict[str, Any]) -> DataRecord:
        record = super()._item_to_data_record(item)
        record.idempotency_key = f"{record.idempotency_key}{_OWNER_END}{record.sort_key}"
        if record.response_data:
            record.response_data = runtime().cipher.open(record.response_data, context=_context(record.idempotency_key))
        return record


def _context(idempotency_key: str) -> str:
    return f"idempotency:{idempotency_key}"


def persistence() -> SealedPersistence:
    """The stage's idempotency layer on the runtime's DynamoDB client, made once per runtime."""
    rt = runtime()
    return rt.shared(
        "idempotency",
        lambda: SealedPersistence(table_name=rt.settings.table("idempotency"), boto3_client=rt.client("dynamodb")),
    )


def erase_member(member_id: str) -> int:
    """Delete every idempotency record a member's requests left (erasure): how many were deleted.

    Round trips: one Query per page of keys + one BatchWriteItem per 25 deletes."""
    found = list(IdempotencyRecord.query(member_id, attributes_to_get=["id", "sk"]))
    with IdempotencyRecord.batch_write() as batch:
        for record in found:
            batch.delete(record)
    return len(found)
