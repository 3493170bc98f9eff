"""The idempotency table (its repository, store.idempotency, hands it to Powertools)."""

from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.store.base import table_meta


class IdempotencyRecord(Model):
    """The table behind Powertools' idempotency utility (it reads and writes it itself).

    Records are filed by owner (the caller's member id, or `anonymous`) so erasure finds a member's
    records with one Query. Declared here so that the deployment and the local stack create it
    from the same definition.
    """

    Meta = table_meta("idempotency")
    owner = UnicodeAttribute(hash_key=True, attr_name="id")
    key = UnicodeAttribute(range_key=True, attr_name="sk")
    expiration = TTLAttribute(null=True)
