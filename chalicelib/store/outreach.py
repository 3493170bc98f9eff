"""Outreach repository: a member's outreach (store.outreach_tables) as domain `Outreach` objects, the
member and churn score an outreach starts from, and the named writes a use case puts in its unit of work.

Named conditions:
    OUTREACH_NEW      the outreach id is not taken (a fresh random id: fails only on a replayed write)
    OUTCOME_AS_READ   the outreach exists and its outcome is still what was read (two admins at once:
                      the second is refused)
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.domain.outreach import ChurnSnapshot, Outreach
from chalicelib.domain.scoring_models import CHURN
from chalicelib.store.accounts_tables import MemberRecord
from chalicelib.store.base import from_iso, instant, iso
from chalicelib.store.bulk import plain
from chalicelib.store.outreach_tables import OutreachRecord
from chalicelib.store.scoring_tables import ScoreRecord
from chalicelib.store.transact import NamedTransaction

OUTREACH_NEW = "outreach_new"
OUTCOME_AS_READ = "outcome_as_read"


def new_outreach_id(at: datetime) -> str:
    return f"or_{at.astimezone(UTC).strftime('%Y%m%dT%H%M%S%fZ')}_{secrets.token_hex(3)}"


def member_status_and_churn(member_id: str) -> tuple[str | None, ChurnSnapshot | None]:
    """The member's account status (None: no such member) and their churn score in force (None: not
    scored yet): one BatchGetItem over both tables."""
    client = MemberRecord._get_connection().connection.client
    members, scores = MemberRecord.Meta.table_name, ScoreRecord.Meta.table_name
    request: dict[str, Any] = {
        members: {
            "Keys": [{"member_id": {"S": member_id}}],
            "ProjectionExpression": "member_id, #s",
            "ExpressionAttributeNames": {"#s": "status"},
        },
        scores: {
            "Keys": [{"member_id": {"S": member_id}, "model": {"S": CHURN}}],
            "ProjectionExpression": "probability, tier, model_version, scored_at",
        },
    }
    found: dict[str, list[dict[str, Any]]] = {members: [], scores: []}
    while request:
        reply = client.batch_get_item(RequestItems=request)
        for table, items in reply.get("Responses", {}).items():
            found[table].extend(items)
        request = reply.get("UnprocessedKeys") or {}
    member, score = (next(({k: plain(v) for k, v in i.items()} for i in found[t]), None) for t in (members, scores))
    churn = (
        ChurnSnapshot(score["probability"], score.get("tier"), score.get("model_version"), score.get("scored_at"))
        if score
        else None
    )
    return ((member.get("status") or "active") if member else None), churn


def _outreach(r: OutreachRecord) -> Outreach:
    churn = (
        ChurnSnapshot(float(r.churn_probability), r.churn_tier, r.churn_model_version, r.churn_scored_at)
        if r.churn_probability is not None
        else None
    )
    return Outreach(
        r.member_id,
        r.outreach_id,
        r.action,
        r.by,
        from_iso(r.at),
        note_sealed=r.note_enc,
        churn=churn,
        outcome=r.outcome,
        outcome_at=instant(r.outcome_at),
        outcome_by=r.outcome_by,
    )


def get(member_id: str, outreach_id: str) -> Outreach | None:
    try:
        return _outreach(OutreachRecord.get(member_id, outreach_id, consistent_read=True))
    except DoesNotExist:
        return None


def of_member(member_id: str, limit: int | None = 100) -> list[Outreach]:
    """A member's outreach, newest first (all of it with limit=None): one Query."""
    return [_outreach(r) for r in islice(OutreachRecord.query(member_id, scan_index_forward=False, limit=limit), limit)]


def forget_notes(member_id: str) -> int:
    """PIPL art. 47: drop the notes of an erased member's outreach (what staff did and how it ended stay,
    without personal data, as training labels). One Query + one UpdateItem per note; returns how many."""
    R = OutreachRecord
    noted = R.query(member_id, filter_condition=R.note_enc.exists(), attributes_to_get=["member_id", "outreach_id"])
    count = 0
    for record in noted:
        record.update(actions=[R.note_enc.remove()])
        count += 1
    return count


def put_in(tx: NamedTransaction, o: Outreach) -> None:
    churn = o.churn
    tx.put(
        OUTREACH_NEW,
        OutreachRecord(
            o.member_id,
            o.outreach_id,
            action=o.action,
            note_enc=o.note_sealed,
            by=o.by,
            at=iso(o.at),
            churn_probability=churn.probability if churn else None,
            churn_tier=churn.tier if churn else None,
            churn_model_version=churn.model_version if churn else None,
            churn_scored_at=churn.scored_at if churn else None,
        ),
        condition=OutreachRecord.outreach_id.does_not_exist(),
    )


def outcome_in(tx: NamedTransaction, o: Outreach, outcome: str, *, by: str, at: datetime) -> None:
    """Set the outcome, only if it is still what was read."""
    R = OutreachRecord
    as_read = R.outcome == o.outcome if o.outcome else R.outcome.does_not_exist()
    tx.update(
        OUTCOME_AS_READ,
        OutreachRecord(o.member_id, o.outreach_id),
        [R.outcome.set(outcome), R.outcome_at.set(iso(at)), R.outcome_by.set(by)],
        condition=R.outreach_id.exists() & as_read,
    )
