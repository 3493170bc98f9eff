"""One-time login codes: the rules, with time passed in.

A phone may be sent at most `max_sends` codes in any `window` seconds; a code lives `ttl`
seconds and dies after `max_attempts` wrong tries (a new code must be requested then).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from chalicelib.domain.errors import DomainError, FieldIssue, RateLimited, ValidationFailed


@dataclass(frozen=True)
class OtpPolicy:
    ttl: int = 300
    max_attempts: int = 5
    max_sends: int = 3
    window: int = 600


@dataclass
class OtpState:
    code_hash: str | None = None
    expires_at: float = 0
    attempts: int = 0
    sends: list[float] = field(default_factory=list)
    version: int | None = None  # the stored challenge's version: a concurrent send or try fails, not overwrites


class CodeExpired(ValidationFailed):
    code = "otp_expired"
    zh = "验证码已失效，请重新获取"
    en = "The code has expired; request a new one"


class CodeWrong(ValidationFailed):
    code = "otp_wrong"
    zh = "验证码错误"
    en = "The code is wrong"


class CodeLocked(RateLimited):
    code = "otp_locked"
    zh = "验证码错误次数过多，请重新获取"
    en = "Too many wrong codes; request a new one"


def sends_after_new_code(state: OtpState | None, now: float, policy: OtpPolicy) -> list[float]:
    """The send times to store with a new code, or RateLimited with the seconds to wait."""
    recent = sorted(t for t in (state.sends if state else []) if t > now - policy.window)
    if len(recent) >= policy.max_sends:
        wait = max(1, math.ceil(recent[-policy.max_sends] + policy.window - now))
        raise RateLimited(
            wait,
            f"验证码发送太频繁，请 {wait} 秒后再试",
            f"Too many codes requested; try again in {wait} s",
            code="otp_rate_limited",
        )
    return recent + [now]


def check_usable(state: OtpState | None, now: float, policy: OtpPolicy) -> OtpState:
    """Raise unless the stored code can still be tried."""
    if state is None or state.code_hash is None or now >= state.expires_at:
        raise CodeExpired(details=[FieldIssue("code", "otp_expired", CodeExpired.zh, CodeExpired.en)])
    if state.attempts >= policy.max_attempts:
        raise CodeLocked(math.ceil(state.expires_at - now))
    return state


def wrong_code(attempts_after: int, policy: OtpPolicy) -> DomainError:
    """The error for a wrong try; the last allowed try locks the code."""
    left = policy.max_attempts - attempts_after
    if left <= 0:
        return CodeLocked(1)
    return CodeWrong(
        details=[FieldIssue("code", "otp_wrong", f"验证码错误，还可尝试 {left} 次", f"wrong code; {left} tries left")]
    )
