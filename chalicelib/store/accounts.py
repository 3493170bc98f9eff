"""Repository for accounts (store.accounts_tables): members and their phone claims, one-time codes,
refresh sessions, token revocations and login limits. Services get domain objects (`Member`,
`OtpState`, `RefreshSession`, `Revocations`) and hand them back; the records are built here.

Named conditions:
    MEMBER_VERSION   the member item is still the version that was read (a lost update is refused)
    PHONE_FREE       no account holds the phone yet (one account per phone, even when first logins race)
    SESSION_ACTIVE   the refresh session was not used yet (a reused refresh token is refused)
    CODE_UNCHANGED   the one-time code item is still the version read (two sends at once: one wins)
    CODE_LIVE        the code tried is still the stored one and has tries left
    UNDER_LIMIT      named per Budget (`budget.limit_name`): the window's counter is below its limit

Every write of a member also sets its profile mirror on the activity item (store.activity.profile_action),
in the same transaction, so batch scoring never sees a member and a mirror that disagree.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar, cast

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.models import Model

from chalicelib.domain.members import SEALED_FIELDS, Member, RefreshSession
from chalicelib.domain.otp import Budget, OtpState
from chalicelib.domain.sessions import Revocations
from chalicelib.store.accounts_tables import (
    LoginLimit,
    MemberRecord,
    OtpChallenge,
    PhoneClaim,
    RefreshSessionRecord,
    TokenRevocation,
)
from chalicelib.store.activity import profile_action
from chalicelib.store.activity_tables import ActivityRecord
from chalicelib.store.base import as_dict, expiry, from_iso, iso, transaction
from chalicelib.store.transact import Cancelled, NamedTransaction

MEMBER_VERSION = "member_version"
PHONE_FREE = "phone_free"
SESSION_ACTIVE = "session_active"
CODE_UNCHANGED = "code_unchanged"
CODE_LIVE = "code_live"
MIRROR = "member_mirror"
R = TypeVar("R", bound=Model)


class StaleWrite(Exception):
    """Someone else changed the record between our read and our write."""


def _conditional_failed(exc: Exception) -> bool:
    cause = getattr(exc, "cause_response_code", None)
    if cause in ("ConditionalCheckFailedException", "TransactionCanceledException"):
        return True
    reasons = getattr(exc, "cancellation_reasons", None) or []
    return any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons)


# --- members -------------------------------------------------------------------------------


def member_of(r: MemberRecord) -> Member:
    sealed = {f: v for f in SEALED_FIELDS if (v := getattr(r, f"{f}_enc"))}
    masked = {f: v for f in SEALED_FIELDS if (v := getattr(r, f"{f}_masked"))}
    return Member(
        r.member_id,
        from_iso(r.created_at),
        from_iso(r.updated_at),
        phone_bidx=r.phone_bidx,
        sealed=sealed or None,
        masked=masked or None,
        worker_group=r.worker_group,
        city=r.city,
        employer_id=r.employer_id,
        employer_name_zh=r.employer_name_zh,
        employer_name_en=r.employer_name_en,
        language=r.language,
        roles=frozenset(r.roles or ()),
        station_ids=frozenset(r.station_ids or ()),
        status=r.status,
        membership_status=r.membership_status,
        version=r.version,
    )


def record_of(m: Member) -> MemberRecord:
    sealed, masked = m.sealed or {}, m.masked or {}
    return _as_read(
        MemberRecord(
            m.member_id,
            phone_bidx=m.phone_bidx,
            phone_enc=sealed.get("phone"),
            phone_masked=masked.get("phone"),
            name_enc=sealed.get("name"),
            name_masked=masked.get("name"),
            id_number_enc=sealed.get("id_number"),
            id_number_masked=masked.get("id_number"),
            worker_group=m.worker_group,
            city=m.city,
            employer_id=m.employer_id,
            employer_name_zh=m.employer_name_zh,
            employer_name_en=m.employer_name_en,
            language=m.language,
            roles=set(m.roles),
            station_ids=set(m.station_ids) or None,
            status=m.status,
            membership_status=m.membership_status,
            created_at=iso(m.created_at),
            updated_at=iso(m.updated_at),
        ),
        m.version,
    )


def _as_read(record: R, version: int | None) -> R:
    """The record at the version that was read (none for an item not stored yet), so that writing it
    is refused when someone wrote the item since."""
    if version is not None:
        record.version = version  # type: ignore[attr-defined]
    return record


def member_by_phone(phone_bidx: str, *previous: str) -> Member | None:
    """Login's look-up: one Query on the phone blind-index GSI; during a blind-index rotation one more
    per previous key's index (`previous`), for members the re-encryption job has not rewritten yet."""
    for index in (phone_bidx, *previous):
        found = next(iter(MemberRecord.phone_index.query(index, limit=1)), None)
        if found:
            return member_of(found)
    return None


def member(member_id: str, *, consistent: bool = False) -> Member | None:
    """One GetItem (`consistent` when what was just committed must be seen: issuing a token)."""
    found = get_member(member_id, consistent=consistent)
    return member_of(found) if found else None


def get_member(member_id: str, *, consistent: bool = False) -> MemberRecord | None:
    """The stored record itself, for the scoring reader (which reads its stored fields as they are) and
    test fixtures that set fields directly; use cases read `member(...)`."""
    try:
        return MemberRecord.get(member_id, consistent_read=consistent)
    except DoesNotExist:
        return None


def save_member(record: MemberRecord) -> MemberRecord:
    """Write a whole member record and its profile mirror in one transaction; the version attribute
    refuses a lost update (StaleWrite, and then neither is written). For fixtures; use cases `save_in`."""
    try:
        with transaction() as tx:
            tx.save(record)
            tx.update(ActivityRecord(record.member_id), [profile_action(record)])
    except TransactWriteError as exc:
        if _conditional_failed(exc):
            raise StaleWrite() from exc
        raise
    return record


def create_member(new: Member, *previous: str) -> Member:
    """Put the member (and its profile mirror) and claim its phone in one transaction: one account per
    phone, even when two first logins race. During a blind-index rotation the phone is also claimed under
    the previous keys' indexes (`previous`), so a container that still knows only an old key cannot make
    a second account. Returns the member that owns the phone afterwards."""
    record = record_of(new)
    tx = NamedTransaction()
    for index in (new.phone_bidx, *previous):
        tx.put(
            PHONE_FREE if index == new.phone_bidx else f"{PHONE_FREE}:{index}",
            PhoneClaim(index, member_id=new.member_id),
            condition=PhoneClaim.phone_bidx.does_not_exist(),
        )
    tx.put(MEMBER_VERSION, record, condition=MemberRecord.member_id.does_not_exist())
    tx.update(MIRROR, ActivityRecord(new.member_id), [profile_action(record)])
    try:
        tx.commit()
    except Cancelled:
        owner = next(c for i in (new.phone_bidx, *previous) if (c := _claim(i)) is not None)
        return member_of(MemberRecord.get(owner.member_id, consistent_read=True))
    return replace(new, version=record.version)


def _claim(phone_bidx: str | None) -> PhoneClaim | None:
    try:
        return PhoneClaim.get(phone_bidx, consistent_read=True)
    except DoesNotExist:
        return None


def save_in(tx: NamedTransaction, changed: Member) -> None:
    """Write the whole member as changed (refused unless it is still the version read: MEMBER_VERSION)
    and its profile mirror."""
    record = record_of(changed)
    tx.put(MEMBER_VERSION, record)
    tx.update(MIRROR, ActivityRecord(changed.member_id), [profile_action(record)])


def erase_in(
    tx: NamedTransaction, erased: Member, score_models: tuple[str, ...] = (), phone_indexes: tuple[str, ...] = ()
) -> None:
    """Save the stripped member (its mirror now marked erased), release its phone, delete its stored
    scores and stop every token it holds, with `tx`. `erased` still carries the phone's blind index,
    which is dropped here; `phone_indexes` are the phone's indexes under every blind-index key in use
    (during a rotation the phone may be claimed under an old key too: each claim of this member goes)."""
    stop_tokens_in(tx, erased.member_id)
    from chalicelib.store.scoring_tables import ScoreRecord

    ours = PhoneClaim.member_id.does_not_exist() | (PhoneClaim.member_id == erased.member_id)
    claims = dict.fromkeys(i for i in (erased.phone_bidx, *phone_indexes) if i)
    for n, index in enumerate(claims):
        tx.delete("phone_claim" if n == 0 else f"phone_claim:{index}", PhoneClaim(index), condition=ours)
    for model in score_models:
        tx.delete(f"score_{model}", ScoreRecord(erased.member_id, model))
    save_in(tx, replace(erased, phone_bidx=None, sealed=None, masked=None))


# --- one-time codes ------------------------------------------------------------------------


def _challenge_key(phone_bidx: str, client: str) -> str:
    return f"{phone_bidx}#{client}"


def _challenge(phone_bidx: str, client: str, state: OtpState) -> OtpChallenge:
    return _as_read(
        OtpChallenge(
            _challenge_key(phone_bidx, client),
            code_hash=state.code_hash,
            expires_at=state.expires_at,
            attempts=state.attempts,
            sends=list(state.sends),
        ),
        state.version,
    )


def load_otp(phone_bidx: str, client: str) -> OtpState | None:
    """The code `client` asked for this phone and that pair's recent sends: one consistent GetItem."""
    try:
        item = OtpChallenge.get(_challenge_key(phone_bidx, client), consistent_read=True)
    except DoesNotExist:
        return None
    return OtpState(
        item.code_hash,
        float(item.expires_at),
        int(item.attempts),
        [float(t) for t in cast("list[float]", item.sends)],
        version=item.version,
    )


def store_otp_in(tx: NamedTransaction, phone_bidx: str, client: str, state: OtpState, ttl_at: int) -> OtpState:
    """Replace the pair's challenge read as `state.version` (CODE_UNCHANGED: a concurrent send fails
    instead of overwriting); returns the state as it will be stored (its next version)."""
    item = _challenge(phone_bidx, client, state)
    item.ttl = expiry(ttl_at)
    tx.put(CODE_UNCHANGED, item)
    return replace(state, version=(state.version or 0) + 1)


def wrong_try_in(tx: NamedTransaction, phone_bidx: str, client: str, state: OtpState, max_attempts: int) -> None:
    """Add one wrong try to this very code (CODE_LIVE: not a newer one, and tries were left)."""
    item = _challenge(phone_bidx, client, state)
    tx.update(
        CODE_LIVE,
        item,
        [OtpChallenge.attempts.add(1)],
        condition=(OtpChallenge.code_hash == state.code_hash) & (OtpChallenge.attempts < max_attempts),
    )


def consume_otp(phone_bidx: str, client: str, state: OtpState) -> bool:
    """Use the code once: clear it only if it is still the one we checked. False if already used."""
    item = _challenge(phone_bidx, client, state)
    try:
        item.update(
            actions=[OtpChallenge.code_hash.remove()],
            condition=(OtpChallenge.code_hash == state.code_hash) & (OtpChallenge.attempts == state.attempts),
        )
    except UpdateError as exc:
        if _conditional_failed(exc):
            return False
        raise
    return True


# --- login limits (fixed windows) ------------------------------------------------------------


def spend_in(tx: NamedTransaction, budget: Budget, now: float, amount: int = 1) -> None:
    """Count `amount` against the budget's current window; refused (condition `budget.limit_name`)
    when the window is spent. A negative amount gives back (a send that failed), unconditionally."""
    L = LoginLimit
    item = L(budget.key(now))
    actions = [L.used.add(amount), L.ttl.set(expiry(budget.window_end(now)))]
    if amount < 0:
        tx.update(budget.limit_name, item, actions)
    else:
        tx.update(budget.limit_name, item, actions, condition=L.used.does_not_exist() | (L.used < budget.limit))


def spent(budget: Budget, now: float) -> int:
    """How much of the budget's current window is used: one consistent GetItem."""
    try:
        return int(LoginLimit.get(budget.key(now), consistent_read=True).used)
    except DoesNotExist:
        return 0


# --- refresh sessions ----------------------------------------------------------------------


def get_session(token_hash: str) -> RefreshSession | None:
    try:
        s = RefreshSessionRecord.get(token_hash, consistent_read=True)
    except DoesNotExist:
        return None
    return RefreshSession(s.token_hash, s.member_id, s.family_id, int(s.expires_at), status=s.status)


def _session_record(s: RefreshSession) -> RefreshSessionRecord:
    return RefreshSessionRecord(
        s.token_hash,
        member_id=s.member_id,
        family_id=s.family_id,
        status=s.status,
        expires_at=s.expires_at,
        ttl=expiry(s.expires_at),
    )


def put_session(session: RefreshSession) -> None:
    _session_record(session).save(condition=RefreshSessionRecord.token_hash.does_not_exist())


def rotate_in(tx: NamedTransaction, old: RefreshSession, new: RefreshSession) -> None:
    """Retire `old` (refused when it was already used: SESSION_ACTIVE) and store `new`."""
    R = RefreshSessionRecord
    tx.update(SESSION_ACTIVE, R(old.token_hash), actions=[R.status.set("rotated")], condition=R.status == "active")
    tx.put("session_new", _session_record(new), condition=R.token_hash.does_not_exist())


def revoke_session(token_hash: str) -> None:
    R = RefreshSessionRecord
    try:
        R(token_hash).update(actions=[R.status.set("revoked")], condition=R.token_hash.exists())
    except UpdateError as exc:
        if not _conditional_failed(exc):
            raise


# --- token revocations -----------------------------------------------------------------------


def revocations(member_id: str) -> Revocations:
    """The member's token epoch and revoked families: one consistent GetItem (a revocation that just
    committed is seen by the very next request)."""
    try:
        item = TokenRevocation.get(member_id, consistent_read=True)
    except DoesNotExist:
        return Revocations()
    return Revocations(int(item.epoch), {k: int(v) for k, v in as_dict(item.families).items()})


def stop_tokens_in(tx: NamedTransaction, member_id: str) -> None:
    """Raise the member's token epoch with `tx` (an ADD: a concurrent write cannot undo it), so every
    access token issued before stops."""
    tx.update("token_epoch", TokenRevocation(member_id), [TokenRevocation.epoch.add(1)])


def revoke_family(member_id: str, family_id: str, at: int, forget: list[str]) -> None:
    """Mark the refresh family revoked at `at` (its refresh and access tokens stop) and drop the
    families in `forget` (revoked so long ago that none of their tokens is alive): one UpdateItem (a
    second one creates the map on the member's first revocation)."""
    T = TokenRevocation
    actions = [T.families[family_id].set(at), *(T.families[old].remove() for old in forget if old != family_id)]
    try:
        T(member_id).update(actions=actions)
    except UpdateError as exc:  # no revocations yet: a path into the map needs the map
        if "document path" not in str(exc):
            raise
        T(member_id).update(actions=[T.families.set({family_id: at})], condition=T.families.does_not_exist())
