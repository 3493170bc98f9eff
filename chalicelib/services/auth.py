"""Log in with a phone and a one-time code; rotate and revoke refresh tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from chalicelib.domain import otp as rules
from chalicelib.domain.activity import APP_OPENED
from chalicelib.domain.errors import Conflict, RefreshTokenReused, TokenInvalid
from chalicelib.domain.members import Member, RefreshSession, sealing_context
from chalicelib.domain.membership import IN_GOOD_STANDING
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
        ttl=s.otp_ttl, max_attempts=s.otp_max_attempts, max_sends=s.otp_max_sends, window=s.otp_send_window
    )


def phone_bidx(phone: str) -> str:
    return runtime().blind_index("phone", phone)


def phone_indexes(phone: str) -> tuple[str, ...]:
    """The phone's blind index under the current key, then (during a rotation) under the previous ones."""
    return runtime().blind_index.candidates("phone", phone)


def _code_hash(bidx: str, code: str) -> str:
    return hmac.new(runtime().otp_pepper, f"{bidx}:{code}".encode(), hashlib.sha256).hexdigest()


def request_code(phone: str) -> int:
    """Send a fresh 6-digit code to `phone` (already normalised); returns its lifetime in seconds."""
    rt, policy = runtime(), _policy()
    bidx = phone_bidx(phone)
    now = rt.clock.now().timestamp()
    state = accounts.load_otp(bidx)
    sends = rules.sends_after_new_code(state, now, policy)
    code = f"{secrets.randbelow(10**6):06d}"
    new_state = rules.OtpState(
        _code_hash(bidx, code), now + policy.ttl, 0, sends, version=state.version if state else None
    )
    try:
        accounts.store_otp(bidx, new_state, ttl_at=int(now + max(policy.ttl, policy.window)))
    except accounts.StaleWrite as exc:
        raise Conflict("验证码正在发送，请稍候", "A code is being sent; wait a moment") from exc
    send_sms(phone, bidx, f"【职工之家】您的登录验证码是 {code}，{policy.ttl // 60} 分钟内有效。请勿告诉他人。")
    return policy.ttl


def exchange_code(phone: str, code: str) -> TokenPair:
    """Check the code (once), find or create the member, and issue a token pair."""
    rt, policy = runtime(), _policy()
    bidx = phone_bidx(phone)
    now = rt.clock.now()
    state = rules.check_usable(accounts.load_otp(bidx), now.timestamp(), policy)
    if not hmac.compare_digest(state.code_hash or "", _code_hash(bidx, code)):
        raise rules.wrong_code(accounts.count_wrong_try(bidx, state, policy.max_attempts), policy)
    if not accounts.consume_otp(bidx, state):
        raise rules.CodeExpired()
    member, created = accounts.member_by_phone(*phone_indexes(phone)), False
    if member is None:
        member = accounts.create_member(new_member(phone, bidx), *phone_indexes(phone)[1:])
        created = True
    return _issue(member, family_id=secrets.token_hex(8), created=created)


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


def _issue(member: Member, *, family_id: str, created: bool = False) -> TokenPair:
    refresh_token, session = _new_session(member.member_id, family_id)
    accounts.put_session(session)
    activity.record(member.member_id, APP_OPENED, runtime().clock.now())
    return _pair(member, refresh_token, created)


def _pair(member: Member, refresh_token: str, created: bool = False) -> TokenPair:
    roles = set(member.roles or {"worker"})
    access, ttl = access_tokens.issue_access(
        member.member_id,
        roles,
        set(member.station_ids),
        is_member=member.membership_status in IN_GOOD_STANDING,
        worker_group=member.worker_group,
    )
    return TokenPair(access, refresh_token, ttl, member.member_id, sorted(roles), created)


def refresh(refresh_token: str) -> TokenPair:
    """Trade a refresh token for a new pair; the old refresh token stops working."""
    rt = runtime()
    session = accounts.get_session(_refresh_hash(refresh_token))
    if session is None or session.status != "active" or session.expires_at <= rt.clock.now().timestamp():
        raise TokenInvalid(
            "刷新凭证无效或已使用，请重新登录", "The refresh token is not valid or was already used; log in again"
        )
    member = accounts.member(session.member_id)
    if member is None or member.status != "active":
        raise TokenInvalid()
    new_token, new_session = _new_session(member.member_id, session.family_id)
    with unit_of_work(rt.clock.now(), refuse={accounts.SESSION_ACTIVE: RefreshTokenReused}) as uow:
        accounts.rotate_in(uow, session, new_session)
    activity.record(member.member_id, APP_OPENED, rt.clock.now())
    return _pair(member, new_token)


def logout(refresh_token: str) -> None:
    accounts.revoke_session(_refresh_hash(refresh_token))
