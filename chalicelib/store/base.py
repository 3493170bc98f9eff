"""Table naming and connection settings shared by every model.

PynamoDB reads Meta when a model class is created, so the settings (endpoint, prefix)
must be in the environment before this package is imported.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pynamodb.connection import Connection
from pynamodb.transactions import TransactWrite

from chalicelib.domain.instants import utc_stamp
from chalicelib.runtime import watch
from chalicelib.settings import settings


def table_meta(name: str) -> Any:
    """A PynamoDB Meta class for table `name` of the current stage (on-demand capacity)."""
    attrs: dict[str, Any] = {
        "table_name": settings.table(name),
        "region": settings.region,
        "billing_mode": "PAY_PER_REQUEST",
        "max_retry_attempts": 3,
    }
    if settings.aws_endpoint:
        attrs["host"] = settings.aws_endpoint
    return type("Meta", (), attrs)


def index_meta(name: str, projection: Any) -> Any:
    return type("Meta", (), {"index_name": name, "projection": projection, "billing_mode": "PAY_PER_REQUEST"})


def iso(dt: datetime) -> str:
    """Times are stored as UTC ISO-8601 strings, so they sort as text."""
    return utc_stamp(dt)


def instant(stored: str | None) -> datetime | None:
    """A stored time back as an aware datetime (None stays None)."""
    return from_iso(stored) if stored else None


def day(stored: str | None) -> date | None:
    """A stored date (YYYY-MM-DD) back as a date (None stays None)."""
    return date.fromisoformat(stored) if stored else None


def from_iso(value: str) -> datetime:
    """A stored time (iso's inverse; any ISO 8601 stamp with `Z` or an offset) as an aware datetime."""
    return datetime.fromisoformat(value)


def as_dict(value: Any) -> dict[str, Any]:
    """A MapAttribute's value as a plain dict: read back it is a MapAttribute, freshly built a dict (or None)."""
    return value.as_dict() if hasattr(value, "as_dict") else dict(value or {})


def expiry(epoch_seconds: float) -> datetime:
    """The value for a TTLAttribute: DynamoDB deletes the item some time after this moment."""
    return datetime.fromtimestamp(epoch_seconds, tz=UTC)


_connection: Connection | None = None


def transaction() -> TransactWrite:
    """A TransactWrite on the stage's connection: all its items commit together or not at all."""
    global _connection
    if _connection is None:
        _connection = Connection(region=settings.region, host=settings.aws_endpoint)
        watch(_connection.client)  # an injected fault (tests) reaches transactions too
    return TransactWrite(connection=_connection)
