"""Log in with a phone and a one-time code, within limits per phone, client and system; rotate refresh
tokens and revoke their families (logout, reuse)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain import otp as rules
from chalicelib.domain.activity import APP_OPENED
from chalicelib.domain.errors import Conflict, DomainError, RefreshTokenReused, TokenInvalid
from chalicelib.domain.members import Member, RefreshSession, sealing_context
from chalicelib.domain.membership import IN_GOOD_STANDING
from chalicelib.domain.sessions import Revocations
from chalicelib.privacy.masking import mask_phone
from chalicelib.runtime import runtime
from chalicelib.services import access_tokens, activity
from chalicelib.services.sms import send_sms
from chalicelib.store import accounts
from chalicelib.store.unit_of_work import unit_of_work


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    member_id: str
    roles: list[str]
    created: bool = False


def _policy() -> rules.OtpPolicy:
    s = runtime().settings
    return rules.OtpPolicy(
        ttl=s.otp_ttl,
        max_attempts=s.otp_max_attempts,
        max_sends=s.otp_max_sends,
        window=s.otp_send_window,
        phone_max_sends=s.otp_phone_max_sends,
        client_max_sends=s.otp_client_max_sends,
        client_max_failures=s.otp_client_max_failures,
        global_max_sends=s.otp_global_max_sends,
        global_window=s.otp_global_window,
    )


def phone_bidx(phone: str) -> str:
    return runtime().blind_index("phone", phone)


def client_key(source_ip: str | None) -> str:
    """The client a login limit counts: a keyed hash of its IP (never the IP itself at rest)."""
    return runtime().blind_index("client_ip", source_ip or "unknown")[:24]


def phone_indexes(phone: str) -> tuple[str, ...]:
    """The phone's blind index under the current key, then (during a rotation) under the previous ones."""
    return runtime().blind_index.candidates("phone", phone)


def _code_hash(bidx: str, code: str) -> str:
    return hmac.new(runtime().otp_pepper, f"{bidx}:{code}".encode(), hashlib.sha256).hexdigest()


def _matches(state: rules.OtpState, bidx: str, code: str) -> bool:
    return hmac.compare_digest(state.code_hash or "", _code_hash(bidx, code))


CODE_BEING_SENT = Conflict("验证码正在发送，请稍候", "A code is being sent; wait a moment")


def request_code(phone: str, source_ip: str | None) -> int:
    """Send a fresh 6-digit code to `phone` (already normalised) for the client at `source_ip`;
    returns its lifetime in seconds. The code and the per-phone limits are spent in one transaction
    before the SMS goes out, and given back when it cannot be sent.

    Round trips: GetItem (the pair's code) + one TransactWriteItems (code + three budget counters)
    + SNS Publish (+ one TransactWriteItems giving back when the publish fails)."""
    rt, policy = runtime(), _policy()
    bidx, client = phone_bidx(phone), client_key(source_ip)
    moment = rt.clock.now()
    now = moment.timestamp()
    state = accounts.load_otp(bidx, client)
    sends = rules.sends_after_new_code(state, now, policy)
    code = f"{secrets.randbelow(10**6):06d}"
    new_state = rules.OtpState(
        _code_hash(bidx, code), now + policy.ttl, 0, sends, version=state.version if state else None
    )
    budgets = policy.send_budgets(bidx, client)
    ttl_at = int(now + max(policy.ttl, policy.window))
    with unit_of_work(moment, refuse={accounts.CODE_UNCHANGED: CODE_BEING_SENT, **rules.refusals(budgets, now)}) as uow:
        stored = accounts.store_otp_in(uow, bidx, client, new_state, ttl_at)
        for budget in budgets:
            accounts.spend_in(uow, budget, now)
    try:
        send_sms(phone, bidx, f"【职工之家】您的登录验证码是 {code}，{policy.ttl // 60} 分钟内有效。请勿告诉他人。")
    except rules.SmsNotSent:
        with unit_of_work(moment) as uow:  # give back the send, its code and the budgets it spent
            accounts.store_otp_in(uow, bidx, client, rules.without_send(stored, now), ttl_at)
            for budget in budgets:
                accounts.spend_in(uow, budget, now, -1)
        raise
    return policy.ttl


def _failed_try(bidx: str, client: str, state: rules.OtpState | None, moment: datetime) -> DomainError:
    """Count a failed try against the client and (when there is one) burn a try of its code, in one
    transaction; returns the error the caller reads."""
    policy, now = _policy(), moment.timestamp()
    failures = policy.failures(client)
    problem = rules.unusable(state, now, policy)
    refuse = {**rules.refusals([failures], now), accounts.CODE_LIVE: rules.CodeLocked(1)}
    with unit_of_work(moment, refuse=refuse) as uow:
        accounts.spend_in(uow, failures, now)
        if problem is None and state is not None:
            accounts.wrong_try_in(uow, bidx, client, state, policy.max_attempts)
    return problem or rules.wrong_code((state.attempts if state else 0) + 1, policy)


def exchange_code(phone: str, code: str, source_ip: str | None) -> TokenPair:
    """Check the code the client at `source_ip` asked for (once), find or create the member, and
    issue a token pair. A client past its failed-tries limit may not try at all.

    Round trips: GetItem (the client's failures) + GetItem (the code); then a wrong code: one
    TransactWriteItems; a right one: UpdateItem (use it) + Query (phone index) + _issue's."""
    rt, policy = runtime(), _policy()
    bidx, client = phone_bidx(phone), client_key(source_ip)
    moment = rt.clock.now()
    now = moment.timestamp()
    failures = policy.failures(client)
    if accounts.spent(failures, now) >= failures.limit:
        raise rules.limited(failures.limit_name, failures.retry_after(now))
    state = accounts.load_otp(bidx, client)
    if state is None or rules.unusable(state, now, policy) or not _matches(state, bidx, code):
        raise _failed_try(bidx, client, state, moment)
    if not accounts.consume_otp(bidx, client, state):
        raise rules.CodeExpired()
    member, created = accounts.member_by_phone(*phone_indexes(phone)), False
    if member is None:
        member = accounts.create_member(new_member(phone, bidx), *phone_indexes(phone)[1:])
        created = True
    return _issue(member.member_id, family_id=secrets.token_hex(8), created=created)


def new_member(phone: str, bidx: str) -> Member:
    """A fresh worker account for `phone` (not stored yet: accounts.create_member)."""
    rt = runtime()
    member_id = "m_" + secrets.token_hex(10)
    now = rt.clock.now()
    return Member(
        member_id,
        now,
        now,
        phone_bidx=bidx,
        masked={"phone": mask_phone(phone)},
        sealed={"phone": rt.cipher.seal(phone, context=sealing_context(member_id, "phone"))},
    )


def _refresh_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_session(member_id: str, family_id: str) -> tuple[str, RefreshSession]:
    rt = runtime()
    token = "rt_" + secrets.token_urlsafe(32)
    expires = int(rt.clock.now().timestamp()) + rt.settings.refresh_token_ttl
    return token, RefreshSession(_refresh_hash(token), member_id, family_id, expires)


def _current(member_id: str) -> tuple[Member, Revocations]:
    """The member's revocations, then the member itself (both consistent reads, in that order: a role
    change that commits in between raises the epoch read, so a token with stale roles never outlives
    it). Refused when the account is gone."""
    revocations = accounts.revocations(member_id)
    member = accounts.member(member_id, consistent=True)
    if member is None or member.status != "active":
        raise TokenInvalid()
    return member, revocations


def _issue(member_id: str, *, family_id: str, created: bool = False) -> TokenPair:
    """A new family's first pair. Round trips: 2 GetItem + PutItem (session) + UpdateItem (activity)."""
    member, revocations = _current(member_id)
    refresh_token, session = _new_session(member.member_id, family_id)
    accounts.put_session(session)
    activity.record(member.member_id, APP_OPENED, runtime().clock.now())
    return _pair(member, revocations.epoch, family_id, refresh_token, created)


def _pair(member: Member, epoch: int, family_id: str, refresh_token: str, created: bool = False) -> TokenPair:
    roles = set(member.roles or {"worker"})
    access, ttl = access_tokens.issue_access(
        member.member_id,
        roles,
        set(member.station_ids),
        epoch=epoch,
        family_id=family_id,
        is_member=member.membership_status in IN_GOOD_STANDING,
        worker_group=member.worker_group,
    )
    return TokenPair(access, refresh_token, ttl, member.member_id, sorted(roles), created)


NOT_VALID = TokenInvalid(
    "刷新凭证无效或已使用，请重新登录", "The refresh token is not valid or was already used; log in again"
)


def _family_stopped(session: RefreshSession) -> DomainError:
    """A rotated refresh token came back (a copy in someone else's hands): revoke its whole family, so
    the newest refresh token and the family's access tokens stop too."""
    _revoke_family(session)
    return RefreshTokenReused()


def refresh(refresh_token: str) -> TokenPair:
    """Trade a refresh token for a new pair; the old refresh token stops working, and using it again
    stops the whole family.

    Round trips: GetItem (session) + 2 GetItem (_current) + one TransactWriteItems + UpdateItem (activity)."""
    rt = runtime()
    session = accounts.get_session(_refresh_hash(refresh_token))
    if session is None or session.expires_at <= rt.clock.now().timestamp():
        raise NOT_VALID
    if session.status == "rotated":
        raise _family_stopped(session)
    member, revocations = _current(session.member_id)
    if session.status != "active" or session.family_id in revocations.families:
        raise NOT_VALID
    new_token, new_session = _new_session(member.member_id, session.family_id)
    with unit_of_work(rt.clock.now(), refuse={accounts.SESSION_ACTIVE: lambda _: _family_stopped(session)}) as uow:
        accounts.rotate_in(uow, session, new_session)
    activity.record(member.member_id, APP_OPENED, rt.clock.now())
    return _pair(member, revocations.epoch, session.family_id, new_token)


def _revoke_family(session: RefreshSession) -> None:
    """Stop the session's family, forgetting families revoked so long ago that no token of theirs lives."""
    rt = runtime()
    now = int(rt.clock.now().timestamp())
    horizon = now - rt.settings.refresh_token_ttl - rt.settings.access_token_ttl
    stale = accounts.revocations(session.member_id).stale_families(horizon)
    accounts.revoke_family(session.member_id, session.family_id, now, stale)


def logout(refresh_token: str) -> None:
    """End this session: its family's refresh token and access tokens stop (the member's other devices
    stay logged in). Unknown tokens are ignored, so logout can be repeated.

    Round trips: GetItem (session) + GetItem (revocations) + UpdateItem (two for a member's first
    revocation ever: store.accounts.revoke_family)."""
    session = accounts.get_session(_refresh_hash(refresh_token))
    if session is not None:
        _revoke_family(session)
