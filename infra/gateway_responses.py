"""API Gateway's own answers (no route for the path, throttling, a body too large, its 5xx) in our error shape.

API Gateway answers some requests before the Lambda runs: an undefined method or path is its 403
`MISSING_AUTHENTICATION_TOKEN`, throttling a 429, an oversized body a 413. Unless told otherwise it
sends `{"message": "..."}`, which no client of ours can read. Each gateway response here carries
`{"error": {code, message, details}}` with the same code and texts the app uses for the same case.
A gateway response template is not run through VTL (only simple variable substitution), so it cannot
choose a language from Accept-Language: the message holds both, zh first, as `"中文 / English"`.
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib.domain.errors import (
    DomainError,
    PayloadTooLarge,
    RateLimited,
    RouteNotFound,
    Unauthenticated,
    UnsupportedMediaType,
)


class GatewayFailed(DomainError):
    """API Gateway itself failed before or after the function (its DEFAULT_5XX)."""

    status = 503
    code = "service_unavailable"
    zh = "服务暂时不可用，请稍后再试"
    en = "The service is unavailable right now; please try again shortly"


class GatewayRefused(DomainError):
    """Any other request API Gateway refuses itself (its DEFAULT_4XX)."""


# response type -> (the error it is, the status to answer); an unknown path is a 404 here as in the app
ANSWERS: dict[str, tuple[type[DomainError], int]] = {
    "MISSING_AUTHENTICATION_TOKEN": (RouteNotFound, 404),
    "RESOURCE_NOT_FOUND": (RouteNotFound, 404),
    "UNAUTHORIZED": (Unauthenticated, 401),
    "THROTTLED": (RateLimited, 429),
    "QUOTA_EXCEEDED": (RateLimited, 429),
    "REQUEST_TOO_LARGE": (PayloadTooLarge, 413),
    "UNSUPPORTED_MEDIA_TYPE": (UnsupportedMediaType, 415),
    "DEFAULT_4XX": (GatewayRefused, 400),
    "DEFAULT_5XX": (GatewayFailed, 503),
}


def body(error: type[DomainError]) -> dict[str, Any]:
    """The error shape for `error`, with both languages in its message."""
    return {"error": {"code": error.code, "message": f"{error.zh} / {error.en}", "details": []}}


def resources(rest_api: str = "RestAPI") -> dict[str, Any]:
    """One AWS::ApiGateway::GatewayResponse per response type, on the REST API chalice packages."""
    found: dict[str, Any] = {}
    for response_type, (error, status) in ANSWERS.items():
        logical = "Gateway" + "".join(part.title() for part in response_type.split("_"))
        found[logical] = {
            "Type": "AWS::ApiGateway::GatewayResponse",
            "Properties": {
                "RestApiId": {"Ref": rest_api},
                "ResponseType": response_type,
                "StatusCode": str(status),
                "ResponseParameters": {
                    "gatewayresponse.header.Content-Type": "'application/json; charset=utf-8'",
                    "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
                },
                "ResponseTemplates": {"application/json": json.dumps(body(error), ensure_ascii=False)},
            },
        }
    return found
