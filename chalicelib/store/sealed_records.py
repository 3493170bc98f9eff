"""Every table that holds sealed fields or blind indexes, and how one page of it is rewritten under the
current keys (the re-encryption job, services.key_rotation).

A record is rewritten only where a value is not under the current key yet, with a condition that the
old values are still there (members: their version), so a user's write in between is never lost: such
a record is counted as `left` and a later job re-seals it. A member whose phone index is under an old
blind-index key gets the new index and a claim under it, and its claims under the previous keys are
deleted, in one transaction (one account per phone holds throughout).

Named conditions:
    MEMBER_VERSION   (store.accounts) the member is still the version read
    CLAIM_FREE       the claim under the current phone index is absent or this member's (else another
                     account holds the phone)
    CLAIM_HELD       each claim under a previous index is absent or this member's

Round trips: one Scan page per call, plus one TransactWriteItems per record under an old key (during a
blind-index rotation that is every member with a phone: its claims under the previous keys are deleted).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model

from chalicelib.domain.key_rotation import PageResult, Rekeying
from chalicelib.domain.members import SEALED_FIELDS, sealing_context
from chalicelib.domain.outreach import note_context
from chalicelib.store import audit, membership
from chalicelib.store.accounts import MEMBER_VERSION
from chalicelib.store.accounts_tables import MemberRecord, PhoneClaim
from chalicelib.store.audit_tables import AuditEntry
from chalicelib.store.case_tables import CommentRecord, RequestRecord
from chalicelib.store.cases import note_context as note_context_of_request
from chalicelib.store.membership_tables import MembershipApplication
from chalicelib.store.outreach_tables import OutreachRecord
from chalicelib.store.transact import Cancelled, NamedTransaction

CLAIM_FREE = "claim_free"
CLAIM_HELD = "claim_held"

Changes = tuple[list[Action], Condition | None]


def _request_context(request_id: str, *parts: str) -> str:
    return ":".join(("request", request_id, *parts))


def _member(r: MemberRecord, keys: Rekeying) -> bool | None:
    """Re-seal the profile fields, move the phone index to the current key, claim the phone under it and
    drop this member's claims under the previous keys (made by logins during the rotation window)."""
    M = MemberRecord
    actions: list[Action] = []
    for field in SEALED_FIELDS:
        token = getattr(r, f"{field}_enc")
        if token and (new := keys.reseal(token, context=sealing_context(r.member_id, field))) != token:
            actions.append(getattr(M, f"{field}_enc").set(new))
    current, *previous = (
        keys.indexes_of("phone", r.phone_enc, context=sealing_context(r.member_id, "phone"))
        if r.phone_bidx and r.phone_enc
        else (None,)
    )
    if not actions and current in (None, r.phone_bidx) and not previous:
        return None
    tx = NamedTransaction()
    mine = PhoneClaim.phone_bidx.does_not_exist() | (PhoneClaim.member_id == r.member_id)
    if current is not None and current != r.phone_bidx:
        actions.append(M.phone_bidx.set(current))
        tx.put(CLAIM_FREE, PhoneClaim(current, member_id=r.member_id), condition=mine)
    for i, index in enumerate(previous):
        tx.delete(f"{CLAIM_HELD}:{i}", PhoneClaim(index), condition=mine)
    if actions:
        tx.update(MEMBER_VERSION, r, actions)
    return _committed(tx)


def _request(r: RequestRecord, keys: Rekeying) -> bool | None:
    """Sealed answers, attachment file names, history notes and the rating text of one request."""
    R = RequestRecord
    actions: list[Action] = []
    conditions: list[Condition] = []
    sealed = dict(r.sealed or {})
    for name, token in sealed.items():
        sealed[name] = keys.reseal(token, context=_request_context(r.request_id, "answer", name))
    if sealed != (r.sealed or {}):
        actions.append(R.sealed.set(sealed))
        conditions.append(R.sealed == r.sealed)
    for i, a in enumerate(r.attachments or []):
        token = a["filename_enc"]
        new = keys.reseal(token, context=_request_context(r.request_id, "attachment", a["attachment_id"]))
        if new != token:
            actions.append(R.attachments[i]["filename_enc"].set(new))
            conditions.append(R.attachments[i]["filename_enc"] == token)
    for i, h in enumerate(r.history or []):
        token = h["note_enc"] if "note_enc" in h else None
        if token and (new := keys.reseal(token, context=note_context_of_request(r.request_id, h["at"]))) != token:
            actions.append(R.history[i]["note_enc"].set(new))
            conditions.append(R.history[i]["note_enc"] == token)
    if r.rating_text_enc:
        new = keys.reseal(r.rating_text_enc, context=_request_context(r.request_id, "rating"))
        if new != r.rating_text_enc:
            actions.append(R.rating_text_enc.set(new))
            conditions.append(R.rating_text_enc == r.rating_text_enc)
    return _updated(r, actions, conditions)


def _resealed(item: Model, attribute: Any, context: str, keys: Rekeying) -> bool | None:
    """Re-seal one sealed attribute of `item` under the current key, if it is under an old one."""
    token = getattr(item, attribute.attr_name)
    if not token or (new := keys.reseal(token, context=context)) == token:
        return None
    return _updated(item, [attribute.set(new)], [attribute == token])


def _comment(c: CommentRecord, keys: Rekeying) -> bool | None:
    return _resealed(c, CommentRecord.text_enc, _request_context(c.request_id, "comment", c.at_id), keys)


def _outreach(o: OutreachRecord, keys: Rekeying) -> bool | None:
    return _resealed(o, OutreachRecord.note_enc, note_context(o.member_id, o.outreach_id), keys)


def _audit(e: AuditEntry, keys: Rekeying) -> bool | None:
    """The reason a person typed (reveal, decision, move), the one sealed field of an audit entry."""
    return _resealed(e, AuditEntry.reason, audit.reason_context(e.target, e.at_id), keys)


def _application(a: MembershipApplication, keys: Rekeying) -> bool | None:
    """An admin's decision reason on a membership application."""
    return _resealed(a, MembershipApplication.reason, membership.reason_context(a.application_id), keys)


def _updated(item: Model, actions: list[Action], conditions: list[Condition]) -> bool | None:
    """One conditional UpdateItem (in a transaction of one, for the named refusal); None: nothing to do."""
    if not actions:
        return None
    condition: Condition | None = None
    for c in conditions:
        condition = c if condition is None else condition & c
    return _committed(NamedTransaction().update("sealed", item, actions, condition=condition))


def _committed(tx: NamedTransaction) -> bool:
    """True when written; False when someone changed the record since it was read (it is left)."""
    try:
        tx.commit()
    except Cancelled:
        return False
    return True


REWRITERS: dict[str, tuple[type[Model], Callable[[Any, Rekeying], bool | None]]] = {
    "members": (MemberRecord, _member),
    "requests": (RequestRecord, _request),
    "comments": (CommentRecord, _comment),
    "outreach": (OutreachRecord, _outreach),
    "audit": (AuditEntry, _audit),
    "applications": (MembershipApplication, _application),
}
"""Table -> (model, how one record is rewritten). A table that gains a sealed field adds itself here."""

SEALED_TABLES = tuple(REWRITERS)


def rekey_page(
    table: str, segment: int, total: int, cursor: dict[str, Any] | None, keys: Rekeying, *, limit: int = 100
) -> PageResult:
    """Scan one page of one parallel-scan segment of `table` and rewrite what is under an old key."""
    model, rewrite = REWRITERS[table]
    page = model.scan(segment=segment, total_segments=total, last_evaluated_key=cursor, limit=limit)
    scanned = resealed = left = 0
    for record in page:
        scanned += 1
        outcome = rewrite(record, keys)
        resealed += outcome is True
        left += outcome is False
    return PageResult(scanned=scanned, resealed=resealed, left=left, cursor=page.last_evaluated_key)
