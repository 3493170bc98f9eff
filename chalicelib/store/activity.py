"""The activity table: per member, rolling weekly event counters (w<year>_<week>_<event>, added to
with ADD so concurrent events never lose a count) and when the last event happened. Batch scoring
reads it with a parallel Scan."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.expressions.update import Action
from pynamodb.models import Model

from chalicelib.store.base import table_meta
from chalicelib.store.transact import NamedTransaction


class ActivityRecord(Model):
    Meta = table_meta("activity")
    member_id = UnicodeAttribute(hash_key=True)
    last_event = UnicodeAttribute(null=True)
    last_event_at = UnicodeAttribute(null=True)
    profiling_off = BooleanAttribute(null=True)     # the member opted out of profiling: batch scoring skips them


def _actions(counter: str, event: str, at_iso: str) -> list[Action]:
    # The counter names are dynamic, so the attribute is declared on the fly.
    return [NumberAttribute(attr_name=counter).add(1), ActivityRecord.last_event.set(event),
            ActivityRecord.last_event_at.set(at_iso)]


def add_event(member_id: str, counter: str, event: str, at_iso: str) -> None:
    """One UpdateItem (creates the item on the member's first event)."""
    ActivityRecord(member_id).update(actions=_actions(counter, event, at_iso))


def add_event_in(tx: NamedTransaction, member_id: str, counter: str, event: str, at_iso: str) -> None:
    """The same update as part of a transaction, so the event commits with the state change."""
    tx.update("activity", ActivityRecord(member_id), _actions(counter, event, at_iso))


def counters(member_id: str) -> dict[str, int]:
    """The member's weekly counters ({} before the first event). A raw GetItem, since the counter
    attributes are not declared on the model."""
    item = ActivityRecord._get_connection().get_item(member_id, consistent_read=True).get("Item") or {}
    return {name: int(value["N"]) for name, value in item.items() if name.startswith("w") and "N" in value}
