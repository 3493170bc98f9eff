"""Repository of the activity table (store.activity_tables): events counted live, the profile mirror
written with every change of it, and the weekly compaction batch scoring runs."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute
from pynamodb.expressions.update import Action

from chalicelib.domain.activity import MIRRORED_FIELDS, expanded, fold, pack_event_time, pack_profile, parse_counter
from chalicelib.store.accounts_tables import MemberRecord
from chalicelib.store.activity_tables import ActivityRecord
from chalicelib.store.bulk import plain
from chalicelib.store.transact import NamedTransaction


def _actions(counter: str, event: str, at_iso: str) -> list[Action]:
    # The counter names are dynamic, so the attribute is declared on the fly.
    return [
        NumberAttribute(attr_name=counter).add(1),
        ActivityRecord.last_event.set(event),
        ActivityRecord.last_event_at.set(at_iso),
        ActivityRecord.lt.set(pack_event_time(at_iso)),
    ]


def add_event(member_id: str, counter: str, event: str, at_iso: str) -> None:
    """One UpdateItem (creates the item on the member's first event)."""
    ActivityRecord(member_id).update(actions=_actions(counter, event, at_iso))


def add_event_in(
    tx: NamedTransaction, member_id: str, counter: str, event: str, at_iso: str, *, profile: Action | None = None
) -> None:
    """The same update as part of a transaction, so the event commits with the state change. `profile`
    (profile_action) when the transaction also changes the member's profile: a transaction may write an
    item only once, so the mirror goes into the event's update."""
    tx.update("activity", ActivityRecord(member_id), _actions(counter, event, at_iso) + ([profile] if profile else []))


def profile_action(member: MemberRecord, **changes: Any) -> Action:
    """SET p = the mirror of `member` as this write leaves it; `changes` are fields the same write sets
    by an update action rather than on the object (e.g. membership_status=...). A SET of `p` alone, so
    it creates the item for a member without one and never touches the counters."""
    fields = {f: getattr(member, f) for f in MIRRORED_FIELDS}
    return ActivityRecord.p.set(pack_profile(**{**fields, **changes}))


def counters(member_id: str) -> dict[str, int]:
    """The member's weekly counters ({} before the first event), live and compacted alike, by counter
    name. A raw GetItem, since the counter attributes are not declared on the model."""
    item = ActivityRecord._get_connection().get_item(member_id, consistent_read=True).get("Item") or {}
    record = expanded({"member_id": member_id, **{k: plain(v) for k, v in item.items()}})
    return {name: int(value) for name, value in record.items() if parse_counter(name)}  # type: ignore[call-overload]


def compact(client: Any, table: str, subject_id: str, item: dict[str, Any], until: int) -> bool:
    """Fold a scanned activity item's ripe counters into its history (a format-1 history is rewritten in
    format 2 even with nothing to fold): one conditional UpdateItem that holds only if the item is as
    scanned (same history, folded counters unchanged); False when there was nothing to do or an event
    arrived in between (the next run folds it)."""
    stored = {k: plain(v) for k, v in item.items()}
    done = fold(
        subject_id, stored.get("h"), stored.get("hw"), {k: v for k, v in stored.items() if parse_counter(k)}, until
    )
    if done is None:
        return False
    blob, _, folded = done
    names = {f"#c{i}": n for i, n in enumerate(folded)}
    values: dict[str, Any] = {f":c{i}": {"N": str(stored[n])} for i, n in enumerate(folded)}
    values[":h"] = {"B": blob}
    conditions = [f"#c{i} = :c{i}" for i in range(len(folded))]
    if "h" in stored:
        values[":old"] = {"B": stored["h"]}
        conditions.append("h = :old")
    else:
        conditions.append("attribute_not_exists(h)")
    kwargs = {"ExpressionAttributeNames": names} if names else {}
    try:
        client.update_item(
            TableName=table,
            Key={"member_id": {"S": subject_id}},
            UpdateExpression="SET h = :h REMOVE " + ", ".join(["hw", *names]),
            ConditionExpression=" AND ".join(conditions),
            ExpressionAttributeValues=values,
            **kwargs,
        )
    except client.exceptions.ConditionalCheckFailedException:
        return False
    return True
