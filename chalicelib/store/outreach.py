"""Outreach: what staff did about a member's score (a call, an SMS, a visit, an offer) and how it ended.

outreach (member_id, outreach_id)     a member's outreach, newest first; outreach_id = or_<UTC time>_<random>
                                      so it sorts by time and is safe in a URL path

Each item keeps the member's churn score as it was when staff acted (probability, tier, model
version), so outcomes become labels for the next training (`make retrain`). The free-text note may
carry personal data and is stored sealed by the privacy layer (`note_enc`), never in the clear.
"""
from __future__ import annotations

import secrets
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model

from chalicelib.store.base import iso, table_meta
from chalicelib.store.bulk import plain
from chalicelib.store.identity import Member
from chalicelib.store.records import AuditEntry
from chalicelib.store.scoring_tables import ScoreRecord
from chalicelib.store.transact import NamedTransaction


class OutreachRecord(Model):
    Meta = table_meta("outreach")
    member_id = UnicodeAttribute(hash_key=True)
    outreach_id = UnicodeAttribute(range_key=True)
    action = UnicodeAttribute()                      # call | sms | visit | offer_service | other
    note_enc = UnicodeAttribute(null=True)           # sealed (privacy layer): free text
    by = UnicodeAttribute()
    at = UnicodeAttribute()
    churn_probability = NumberAttribute(null=True)   # the member's churn score when staff acted, if scored
    churn_tier = UnicodeAttribute(null=True)
    churn_model_version = UnicodeAttribute(null=True)
    churn_scored_at = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute(null=True)            # reached | no_answer | retained | left | declined
    outcome_at = UnicodeAttribute(null=True)
    outcome_by = UnicodeAttribute(null=True)


def new_outreach_id(at: datetime) -> str:
    return f"or_{at.astimezone(UTC).strftime('%Y%m%dT%H%M%S%fZ')}_{secrets.token_hex(3)}"


def member_and_score(member_id: str, model: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The member's status and their latest `model` score (or None each): one BatchGetItem over both tables."""
    client = Member._get_connection().connection.client
    members, scores = Member.Meta.table_name, ScoreRecord.Meta.table_name
    request: dict[str, Any] = {
        members: {"Keys": [{"member_id": {"S": member_id}}], "ProjectionExpression": "member_id, #s",
                  "ExpressionAttributeNames": {"#s": "status"}},
        scores: {"Keys": [{"member_id": {"S": member_id}, "model": {"S": model}}],
                 "ProjectionExpression": "probability, tier, model_version, scored_at"},
    }
    found: dict[str, list[dict[str, Any]]] = {members: [], scores: []}
    while request:
        reply = client.batch_get_item(RequestItems=request)
        for table, items in reply.get("Responses", {}).items():
            found[table].extend(items)
        request = reply.get("UnprocessedKeys") or {}
    member, score = (next(({k: plain(v) for k, v in i.items()} for i in found[t]), None) for t in (members, scores))
    return member, score


def get(member_id: str, outreach_id: str) -> OutreachRecord | None:
    try:
        return OutreachRecord.get(member_id, outreach_id, consistent_read=True)
    except DoesNotExist:
        return None


def of_member(member_id: str, limit: int = 100) -> list[OutreachRecord]:
    """A member's outreach, newest first: one Query."""
    return list(islice(OutreachRecord.query(member_id, scan_index_forward=False, limit=limit), limit))


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


def put_in(tx: NamedTransaction, record: OutreachRecord) -> None:
    tx.put("outreach", record, condition=OutreachRecord.outreach_id.does_not_exist())


def outcome_in(tx: NamedTransaction, record: OutreachRecord, outcome: str, *, by: str, at: datetime) -> None:
    """Set the outcome, only if it is still what was read (two staff recording at once: one gets 409)."""
    R = OutreachRecord
    as_read = R.outcome == record.outcome if record.outcome else R.outcome.does_not_exist()
    tx.update("outreach", OutreachRecord(record.member_id, record.outreach_id),
              [R.outcome.set(outcome), R.outcome_at.set(iso(at)), R.outcome_by.set(by)],
              condition=R.outreach_id.exists() & as_read)


def audit_in(tx: NamedTransaction, member_id: str, *, actor: str, action: str, at: datetime,
             detail: dict[str, Any]) -> None:
    """The member's audit entry for an outreach step, committed with it (never the note)."""
    tx.put("audit", AuditEntry(f"member#{member_id}", f"{iso(at)}#{secrets.token_hex(4)}", actor=actor,
                               action=action, detail=detail))
