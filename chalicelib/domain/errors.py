"""Domain exceptions. Each carries its HTTP status, a stable code and a message in zh-CN and en.

They are mapped to the one error shape in exactly one place (chalicelib/api/http.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldIssue:
    """One problem with one input field, in both languages."""

    field: str
    code: str
    zh: str
    en: str


class DomainError(Exception):
    status = 400
    code = "bad_request"
    zh = "请求有误"
    en = "Bad request"

    def __init__(
        self,
        zh: str | None = None,
        en: str | None = None,
        *,
        details: list[FieldIssue] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.zh = zh or type(self).zh
        self.en = en or type(self).en
        self.details = details or []
        self.headers = headers or {}
        super().__init__(self.en)


class ValidationFailed(DomainError):
    code = "validation_error"
    zh = "请检查输入"
    en = "Please check your input"

    @classmethod
    def on(cls, name: str, code: str, zh: str, en: str) -> ValidationFailed:
        """An error about one input field `name`."""
        return cls(details=[FieldIssue(name, code, zh, en)])


class MalformedJson(DomainError):
    code = "malformed_json"
    zh = "请求体不是合法的 JSON"
    en = "The request body is not valid JSON"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"
    zh = "请求体过大"
    en = "The request body is too large"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"
    zh = "请使用 application/json"
    en = "Send the body as application/json"


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"
    zh = "请先登录"
    en = "Please log in"


class TokenExpired(Unauthenticated):
    code = "token_expired"
    zh = "登录已过期，请刷新或重新登录"
    en = "Your session has expired; refresh it or log in again"


class TokenInvalid(Unauthenticated):
    code = "token_invalid"
    zh = "登录凭证无效"
    en = "The token is not valid"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    zh = "没有权限进行此操作"
    en = "You are not allowed to do this"


class RoleNotAllowed(Forbidden):
    """The caller's roles are not among the route's: distinct from a service's own 403s."""

    code = "role_not_allowed"


class NotFound(DomainError):
    status = 404
    code = "not_found"
    zh = "找不到该记录"
    en = "Not found"


class MethodNotAllowed(DomainError):
    status = 405
    code = "method_not_allowed"
    zh = "该地址不支持此请求方法"
    en = "This method is not allowed here"


class RouteNotFound(NotFound):
    """No route has this path (the framework's own 404, in our shape)."""

    code = "route_not_found"
    zh = "找不到该接口"
    en = "There is no such API path"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    zh = "操作冲突，请稍后重试"
    en = "This conflicts with the current state; try again"


class Busy(Conflict):
    """Writers at the same time kept getting in each other's way (a contended counter, DynamoDB's
    TransactionConflict): nothing was written, and the same request is safe to send again."""

    code = "busy_retry"
    zh = "同时操作的人较多，请稍后再试一次"
    en = "Many people are doing this at once; try again in a moment"

    def __init__(self, retry_after: int = 1, zh: str | None = None, en: str | None = None) -> None:
        wait = max(1, retry_after)
        super().__init__(
            zh,
            en,
            details=[FieldIssue("retry_after", "busy_retry", f"请 {wait} 秒后重试", f"retry in {wait} s")],
            headers={"Retry-After": str(wait)},
        )
        self.retry_after = wait


class RuleViolation(DomainError):
    status = 422
    code = "rule_violation"
    zh = "不符合业务规则"
    en = "This breaks a rule"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    zh = "操作太频繁，请稍后再试"
    en = "Too many attempts; try again later"

    def __init__(
        self, retry_after: int, zh: str | None = None, en: str | None = None, *, code: str | None = None
    ) -> None:
        super().__init__(zh, en, headers={"Retry-After": str(max(1, int(retry_after)))})
        self.retry_after = retry_after
        if code:
            self.code = code


class FieldRuleViolation(DomainError):
    """Mixed into an error about one input field (`field`, set by each subclass), so a client can show
    it next to that input: its one detail repeats the message (a caller may pass a more precise one)."""

    field: str

    def __init__(self, zh: str | None = None, en: str | None = None) -> None:
        zh, en = zh or type(self).zh, en or type(self).en
        super().__init__(zh, en, details=[FieldIssue(self.field, self.code, zh, en)])


# --- safe retries (Idempotency-Key) ----------------------------------------------------------


class KeyReused(RuleViolation):
    code = "idempotency_key_reused"
    zh = "该幂等键已用于另一个请求"
    en = "This Idempotency-Key was already used for a different request"


class StillRunning(Conflict):
    code = "request_in_progress"
    zh = "相同的请求正在处理中，请稍后重试"
    en = "The same request is still being processed; retry shortly"


class RefreshTokenReused(TokenInvalid):
    """A refresh token used twice (a copy in someone else's hands): log in again."""

    zh = "刷新凭证已被使用，请重新登录"
    en = "The refresh token was already used; log in again"
