"""One-time login codes and the limits around them: the rules, with time passed in.

A code belongs to the phone and the client (a keyed hash of its IP) that asked for it, so a stranger's
requests never replace it and a stranger's guesses never burn it. One client may have a phone sent at
most `max_sends` codes in any `window` seconds; a code lives `ttl` seconds and dies after
`max_attempts` wrong tries (a new code must be requested then). Around that, fixed-window budgets:
per phone over all clients, per client over all phones (sends, and failed tries: past it the client
may not try codes), and one global SMS budget per `global_window`. Every refusal is a 429 that says
when to retry (Retry-After, and a `retry_after` detail).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from chalicelib.domain.errors import DomainError, FieldIssue, RateLimited, ValidationFailed


@dataclass(frozen=True)
class Budget:
    """At most `limit` events per fixed window of `window` seconds for one subject."""

    limit_name: str  # what is limited: phone_sends | client_sends | client_failures | sms_budget
    subject: str  # a phone's blind index, a client key, or "all"
    limit: int
    window: int

    def window_end(self, now: float) -> int:
        return (int(now // self.window) + 1) * self.window

    def key(self, now: float) -> str:
        return f"{self.limit_name}#{self.subject}#{int(now // self.window)}"

    def retry_after(self, now: float) -> int:
        return max(1, math.ceil(self.window_end(now) - now))


@dataclass(frozen=True)
class OtpPolicy:
    ttl: int = 300
    max_attempts: int = 5
    max_sends: int = 3  # per phone and client, in any `window`
    window: int = 600
    phone_max_sends: int = 6  # per phone over all clients, per window
    client_max_sends: int = 10  # per client over all phones, per window
    client_max_failures: int = 10  # failed tries per client, per window
    global_max_sends: int = 1000  # SMS of the whole system, per global window
    global_window: int = 3600

    def send_budgets(self, phone_bidx: str, client: str) -> tuple[Budget, ...]:
        """What one more code sent to `phone_bidx` for `client` spends."""
        return (
            Budget("phone_sends", phone_bidx, self.phone_max_sends, self.window),
            Budget("client_sends", client, self.client_max_sends, self.window),
            Budget("sms_budget", "all", self.global_max_sends, self.global_window),
        )

    def failures(self, client: str) -> Budget:
        """The client's failed code tries: past the limit it may not try codes until the window ends."""
        return Budget("client_failures", client, self.client_max_failures, self.window)


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


class SmsNotSent(DomainError):
    """The SMS gateway refused or failed: nothing was spent, the worker may simply try again."""

    status = 503
    code = "sms_unavailable"
    zh = "短信暂时发送不出去，请稍后再试，这次不计入发送次数"
    en = "We could not send the text message just now; try again shortly (this one does not count)"


# The 429 of each limit, as (code, zh, en) with {wait} for the seconds to wait.
REFUSALS: dict[str, tuple[str, str, str]] = {
    "phone_sends": (
        "otp_rate_limited",
        "验证码发送太频繁，请 {wait} 秒后再试",
        "Too many codes requested; try again in {wait} s",
    ),
    "client_sends": (
        "otp_client_limited",
        "当前网络获取验证码太频繁，请 {wait} 秒后再试",
        "Too many codes requested from this network; try again in {wait} s",
    ),
    "client_failures": (
        "otp_client_locked",
        "当前网络输错验证码次数过多，请 {wait} 秒后再试",
        "Too many wrong codes from this network; try again in {wait} s",
    ),
    "sms_budget": (
        "sms_busy",
        "短信发送繁忙，请 {wait} 秒后再试",
        "Text messages are busy right now; try again in {wait} s",
    ),
}


def limited(limit_name: str, wait: int) -> RateLimited:
    """The 429 for a spent limit, naming when to retry (header and a `retry_after` detail)."""
    code, zh, en = REFUSALS[limit_name]
    wait = max(1, int(wait))
    err = RateLimited(wait, zh.format(wait=wait), en.format(wait=wait), code=code)
    err.details = [FieldIssue("retry_after", "retry_after", f"{wait} 秒后可重试", f"retry in {wait} s")]
    return err


def refusals(budgets: Iterable[Budget], now: float) -> dict[str, RateLimited]:
    """Each budget's condition name mapped to its 429 (for a unit of work's `refuse`)."""
    return {b.limit_name: limited(b.limit_name, b.retry_after(now)) for b in budgets}


def sends_after_new_code(state: OtpState | None, now: float, policy: OtpPolicy) -> list[float]:
    """The send times to store with a new code, or RateLimited with the seconds to wait."""
    recent = sorted(t for t in (state.sends if state else []) if t > now - policy.window)
    if len(recent) >= policy.max_sends:
        raise limited("phone_sends", math.ceil(recent[-policy.max_sends] + policy.window - now))
    return recent + [now]


def without_send(state: OtpState, sent_at: float) -> OtpState:
    """The challenge as if the send at `sent_at` never happened (its code dead): a failed SMS costs
    no quota."""
    sends = list(state.sends)
    if sent_at in sends:
        sends.remove(sent_at)
    return OtpState(None, 0, 0, sends, version=state.version)


def unusable(state: OtpState | None, now: float, policy: OtpPolicy) -> DomainError | None:
    """Why the stored code cannot be tried (none, expired, used, locked), or None when it can."""
    if state is None or state.code_hash is None or now >= state.expires_at:
        return CodeExpired(details=[FieldIssue("code", "otp_expired", CodeExpired.zh, CodeExpired.en)])
    if state.attempts >= policy.max_attempts:
        return CodeLocked(math.ceil(state.expires_at - now))
    return None


def wrong_code(attempts_after: int, policy: OtpPolicy) -> DomainError:
    """The error for a wrong try; the last allowed try locks the code."""
    left = policy.max_attempts - attempts_after
    if left <= 0:
        return CodeLocked(1)
    return CodeWrong(
        details=[FieldIssue("code", "otp_wrong", f"验证码错误，还可尝试 {left} 次", f"wrong code; {left} tries left")]
    )
