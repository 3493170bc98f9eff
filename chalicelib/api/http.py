"""The one place where HTTP meets the domain.

`endpoint()` registers a route together with the roles that may call it (kept in ROUTES so a
test can check every route against every role), authenticates the caller, hands the view a
RequestContext, and maps every DomainError - and any surprise - to the one error shape:
{"error": {"code", "message", "details": [{"field", "message"}]}} in zh-CN or en.
"""

from __future__ import annotations

import functools
import json
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from chalice import Blueprint, Response
from chalice.app import Request
from pydantic import BaseModel, ValidationError

from chalicelib.api import logs
from chalicelib.domain import json_input
from chalicelib.domain.access import Caller
from chalicelib.domain.audit import within_request
from chalicelib.domain.base import Strict
from chalicelib.domain.errors import (
    DomainError,
    MalformedJson,
    NotFound,
    PayloadTooLarge,
    RoleNotAllowed,
    Unauthenticated,
    UnsupportedMediaType,
    ValidationFailed,
)
from chalicelib.domain.messages import issue_from_pydantic
from chalicelib.domain.validators import unsafe_character
from chalicelib.runtime import runtime
from chalicelib.services import access_tokens, idempotency

M = TypeVar("M", bound=BaseModel)

PUBLIC: frozenset[str] = frozenset()

# Chalice answers 415 itself for content types a route does not list; listing the common ones
# lets us answer with our own error shape instead.
ACCEPTED_CONTENT_TYPES = [
    "application/json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "application/octet-stream",
    "application/xml",
    "text/html",
]


@dataclass(frozen=True)
class Access:
    roles: frozenset[str]

    @property
    def public(self) -> bool:
        return not self.roles


ROUTES: dict[tuple[str, str], Access] = {}


def _header(request: Request, name: str) -> str | None:
    """A request header (names are case-insensitive), or None."""
    return request.headers.get(name) if request.headers else None


def request_id(request: Request) -> str:
    """The API Gateway request id (the id in its access logs), or a fresh one where there is no gateway
    (chalice local, tests): every audit entry written while serving the request carries it."""
    found = (request.context or {}).get("requestId")
    return found if isinstance(found, str) and found else f"local-{secrets.token_hex(8)}"


def language(request: Request) -> str:
    """'en' when Accept-Language prefers English over Chinese, else 'zh-CN' (the default)."""
    header = _header(request, "accept-language") or ""
    best, best_q = "zh-CN", 0.0
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        tag = tag.strip().lower()
        lang = "en" if tag.startswith("en") else "zh-CN" if tag.startswith("zh") else None
        if lang and q > best_q:
            best, best_q = lang, q
    return best


class RequestContext:
    """What a view needs from the request: the caller, the parsed body and query, the language."""

    def __init__(self, request: Request, caller: Caller | None, lang: str, lambda_context: Any = None) -> None:
        self.request = request
        self._caller = caller
        self.lang = lang
        self.lambda_context = lambda_context

    @property
    def caller(self) -> Caller:
        if self._caller is None:
            raise Unauthenticated()
        return self._caller

    @functools.cached_property
    def now(self) -> datetime:
        """The time of this request, from the runtime's (injectable) clock, read once."""
        return runtime().clock.now()

    @property
    def idempotency_key(self) -> str | None:
        key = _header(self.request, "idempotency-key")
        if key is not None and not (1 <= len(key) <= 128):
            raise ValidationFailed.on(
                "Idempotency-Key", "invalid_idempotency_key", "幂等键长度应为 1–128 个字符", "must be 1-128 characters"
            )
        return key

    def once(
        self,
        operation: str,
        produce: Callable[[], BaseModel | dict[str, Any]],
        *,
        payload: BaseModel,
        scope: str | None = None,
        target: str | None = None,
        remember: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        recall: Callable[[dict[str, Any]], BaseModel | dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Run a retryable write at most once per Idempotency-Key (scoped to the caller, and to the
        `target` a path names when the payload is only the body). See services.idempotency.replayable
        for `remember`/`recall` (results with personal data)."""
        scope = scope or self.caller.member_id
        if target is not None:
            scope = f"{scope}|{target}"
        return idempotency.replayable(
            operation,
            scope=scope,
            owner=self._caller.member_id if self._caller else None,
            key=self.idempotency_key,
            payload=payload.model_dump(mode="json"),
            produce=produce,
            lambda_context=self.lambda_context,
            remember=remember,
            recall=recall,
        )

    def json(self) -> Any:
        raw = self.request.raw_body or b""
        if len(raw) > runtime().settings.max_body_bytes:
            raise PayloadTooLarge()
        content_type = _header(self.request, "content-type") or "application/json"
        if content_type.split(";")[0].strip().lower() != "application/json":
            raise UnsupportedMediaType()
        if not raw.strip():
            raise MalformedJson("请求体为空", "The request body is empty")
        return json_input.loads(raw)

    def body(self, model: type[M]) -> M:
        """Parse and validate the JSON body: 400 naming each bad field."""
        return validate(model, self.json())

    def query(self, model: type[M]) -> M:
        return validate(model, json_input.refuse_unsafe_text(dict(self.request.query_params or {})))


MAX_ID_LENGTH = 200


def plausible_id(value: str) -> bool:
    """A path id that can name a record: short and free of control characters (else 404, never a 500
    from a key DynamoDB refuses)."""
    return 0 < len(value) <= MAX_ID_LENGTH and unsafe_character(value) is None


def validate(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(details=[issue_from_pydantic(e) for e in exc.errors()]) from exc


def error_body(err: DomainError, lang: str) -> dict[str, Any]:
    pick = (lambda zh, en: en) if lang == "en" else (lambda zh, en: zh)
    return {
        "error": {
            "code": err.code,
            "message": pick(err.zh, err.en),
            "details": [{"field": d.field, "code": d.code, "message": pick(d.zh, d.en)} for d in err.details],
        }
    }


def json_response(body: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status_code=status,
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )


def _to_jsonable(result: Any) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    if isinstance(result, list):
        return [_to_jsonable(r) for r in result]
    return result


class Ref(Strict):
    """The payload an Idempotency-Key is checked against for writes addressed by path."""

    id: str


@dataclass(frozen=True)
class Reply:
    """A view's result with a status other than the route's default (e.g. a replayed 201)."""

    body: Any
    status: int


def endpoint(
    bp: Blueprint, path: str, *, methods: Iterable[str] = ("GET",), roles: Iterable[str] = PUBLIC, status: int = 200
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a route with the roles allowed to call it (empty = public)."""
    methods = tuple(methods)
    access = Access(frozenset(roles))

    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        for method in methods:
            ROUTES[(method, path)] = access

        @functools.wraps(view)
        def handler(**params: str) -> Response:
            request = bp.current_request
            lang = language(request)
            started = time.perf_counter()
            caller = None
            served_as = request_id(request)
            try:
                caller = None if access.public else access_tokens.authenticate(request.headers.get("authorization"))
                if caller is not None and not caller.has_any(access.roles):
                    raise RoleNotAllowed()
                if not all(plausible_id(value) for value in params.values()):
                    raise NotFound()
                ctx = RequestContext(request, caller, lang, bp.lambda_context)
                with within_request(served_as):
                    result = view(ctx, **params)
                if isinstance(result, Reply):
                    response = json_response(_to_jsonable(result.body), result.status)
                elif result is None:
                    response = Response(body="", status_code=204)
                else:
                    response = json_response(_to_jsonable(result), status)
            except DomainError as err:
                response = json_response(error_body(err, lang), err.status, err.headers)
            except Exception as exc:
                logs.unhandled(exc, path)
                response = json_response(
                    {
                        "error": {
                            "code": "internal_error",
                            "details": [],
                            "message": "Something went wrong on our side"
                            if lang == "en"
                            else "服务器开小差了，请稍后再试",
                        }
                    },
                    500,
                )
            response.headers["X-Request-Id"] = served_as
            ms = round((time.perf_counter() - started) * 1000, 1)
            logs.request_line(
                request.method, path, response.status_code, ms, caller.member_id if caller else None, served_as
            )
            return response

        bp.route(path, methods=list(methods), content_types=ACCEPTED_CONTENT_TYPES)(handler)
        return view

    return register
