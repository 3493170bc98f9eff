"""Repository for accounts: members and their phone claims, OTP challenges, refresh sessions."""
from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.models import Model

from chalicelib.domain.otp import OtpState
from chalicelib.store.activity import ActivityRecord, profile_action
from chalicelib.store.base import expiry, transaction
from chalicelib.store.identity import Member, OtpChallenge, PhoneClaim, RefreshSession


class StaleWrite(Exception):
    """Someone else changed the record between our read and our write."""


def _conditional_failed(exc: Exception) -> bool:
    cause = getattr(exc, "cause_response_code", None)
    if cause in ("ConditionalCheckFailedException", "TransactionCanceledException"):
        return True
    reasons = getattr(exc, "cancellation_reasons", None) or []
    return any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons)


# --- members -------------------------------------------------------------------------------
# Every write of a member also sets its profile mirror on the activity item (store.activity.profile_action),
# in the same transaction, so batch scoring never sees a member and a mirror that disagree.

def member_by_phone(phone_bidx: str) -> Member | None:
    """Login's look-up: one Query on the phone blind-index GSI."""
    return next(iter(Member.phone_index.query(phone_bidx, limit=1)), None)


def get_member(member_id: str) -> Member | None:
    try:
        return Member.get(member_id)
    except DoesNotExist:
        return None


def create_member(member: Member) -> Member:
    """Put the member (and its profile mirror) and claim its phone in one transaction: one account per
    phone, even when two first logins race. Returns the member that owns the phone afterwards."""
    claim = PhoneClaim(member.phone_bidx, member_id=member.member_id)
    try:
        with transaction() as tx:
            tx.save(claim, condition=PhoneClaim.phone_bidx.does_not_exist())
            tx.save(member, condition=Member.member_id.does_not_exist())
            tx.update(ActivityRecord(member.member_id), [profile_action(member)])
    except TransactWriteError as exc:
        if not _conditional_failed(exc):
            raise
        owner = PhoneClaim.get(member.phone_bidx, consistent_read=True)
        return Member.get(owner.member_id, consistent_read=True)
    return member


def save_versioned(item: Model) -> None:
    """Save an item with a VersionAttribute: StaleWrite when someone wrote it since we read it.
    (Not for members: save_member also writes their profile mirror.)"""
    try:
        item.save()
    except PutError as exc:
        if _conditional_failed(exc):
            raise StaleWrite() from exc
        raise


def save_member(member: Member) -> Member:
    """Write the whole member and its profile mirror in one transaction; the version attribute refuses
    a lost update (StaleWrite, and then neither is written)."""
    try:
        with transaction() as tx:
            tx.save(member)
            tx.update(ActivityRecord(member.member_id), [profile_action(member)])
    except TransactWriteError as exc:
        if _conditional_failed(exc):
            raise StaleWrite() from exc
        raise
    return member


# --- one-time codes ------------------------------------------------------------------------

def load_otp(phone_bidx: str) -> tuple[OtpChallenge | None, OtpState | None]:
    try:
        item = OtpChallenge.get(phone_bidx, consistent_read=True)
    except DoesNotExist:
        return None, None
    return item, OtpState(item.code_hash, float(item.expires_at), int(item.attempts), [float(t) for t in item.sends])


def store_otp(item: OtpChallenge | None, phone_bidx: str, state: OtpState, ttl_at: int) -> None:
    """Replace the challenge; the version attribute makes concurrent sends fail instead of overwrite."""
    item = item or OtpChallenge(phone_bidx)
    item.code_hash, item.expires_at, item.attempts = state.code_hash, state.expires_at, state.attempts
    item.sends, item.ttl = state.sends, expiry(ttl_at)
    save_versioned(item)


def count_wrong_try(item: OtpChallenge, max_attempts: int) -> int:
    """Add one wrong try to this very code (not a newer one); returns the count after it."""
    try:
        item.update(actions=[OtpChallenge.attempts.add(1)],
                    condition=(OtpChallenge.code_hash == item.code_hash) & (OtpChallenge.attempts < max_attempts))
    except UpdateError as exc:
        if _conditional_failed(exc):
            return max_attempts
        raise
    return int(item.attempts)


def consume_otp(item: OtpChallenge) -> bool:
    """Use the code once: clear it only if it is still the one we checked. False if already used."""
    try:
        item.update(actions=[OtpChallenge.code_hash.remove()],
                    condition=(OtpChallenge.code_hash == item.code_hash) & (OtpChallenge.attempts == item.attempts))
    except UpdateError as exc:
        if _conditional_failed(exc):
            return False
        raise
    return True


# --- refresh sessions ----------------------------------------------------------------------

def get_session(token_hash: str) -> RefreshSession | None:
    try:
        return RefreshSession.get(token_hash, consistent_read=True)
    except DoesNotExist:
        return None


def put_session(session: RefreshSession) -> None:
    session.save(condition=RefreshSession.token_hash.does_not_exist())


def rotate_session(old: RefreshSession, new: RefreshSession) -> bool:
    """Retire `old` and store `new` in one transaction; False when `old` was already used."""
    try:
        with transaction() as tx:
            tx.update(old, actions=[RefreshSession.status.set("rotated")],
                      condition=RefreshSession.status == "active")
            tx.save(new, condition=RefreshSession.token_hash.does_not_exist())
    except TransactWriteError as exc:
        if _conditional_failed(exc):
            return False
        raise
    return True


def revoke_session(token_hash: str) -> None:
    try:
        RefreshSession(token_hash).update(actions=[RefreshSession.status.set("revoked")],
                                          condition=RefreshSession.token_hash.exists())
    except UpdateError as exc:
        if not _conditional_failed(exc):
            raise


def erase_member(member: Member, score_models: tuple[str, ...] = ()) -> None:
    """Save the stripped member (and its mirror, now marked erased), release its phone and delete its
    stored scores in one transaction."""
    from chalicelib.store.scoring_tables import ScoreRecord

    with transaction() as tx:
        if member.phone_bidx:
            tx.delete(PhoneClaim(member.phone_bidx))
        for model in score_models:
            tx.delete(ScoreRecord(member.member_id, model))
        member.phone_bidx = member.phone_enc = member.phone_masked = None
        tx.save(member)
        tx.update(ActivityRecord(member.member_id), [profile_action(member)])
