"""The answers Chalice would give itself, in our error shape.

Chalice's RestAPIEventHandler answers 405 (method not allowed) and 415 (content type not listed)
with `{"Code", "Message"}` before any view runs; `answer_in_our_shape` is an http middleware that
rewrites them. An unknown path never reaches the app at all (API Gateway, and chalice's local
gateway behind `chalice.test.Client` and `make run`, answer 403 "Missing Authentication Token"), so
`unknown_paths` routes every path of up to MAX_SEGMENTS segments that no route claims to a 404:
both gateways try the concrete routes first.
"""

from __future__ import annotations

from collections.abc import Callable

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api.http import ACCEPTED_CONTENT_TYPES, error_body, json_response, language
from chalicelib.domain.errors import DomainError, MethodNotAllowed, RouteNotFound, UnsupportedMediaType

MAX_SEGMENTS = 12
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


# Chalice's own error codes -> ours
CHALICE_ERRORS: dict[str, type[DomainError]] = {
    "MethodNotAllowedError": MethodNotAllowed,
    "UnsupportedMediaType": UnsupportedMediaType,
    "NotFoundError": RouteNotFound,
}

unknown_paths = Blueprint(__name__)


def answer_in_our_shape(request: Request, get_response: Callable[[Request], Response]) -> Response:
    """Chalice's `{"Code", "Message"}` answers rewritten into the one error shape (headers kept)."""
    response = get_response(request)
    body = response.body
    if not (isinstance(body, dict) and "Code" in body and response.status_code >= 400):
        return response
    error = CHALICE_ERRORS.get(str(body["Code"]), DomainError)()
    error.status = response.status_code
    headers = {k: str(v) for k, v in (response.headers or {}).items() if k.lower() != "content-type"}
    return json_response(error_body(error, language(request)), response.status_code, headers)


def _no_such_path(**segments: str) -> Response:
    return json_response(error_body(RouteNotFound(), language(unknown_paths.current_request)), 404)


for _depth in range(1, MAX_SEGMENTS + 1):
    _path = "".join(f"/{{s{i}}}" for i in range(_depth))
    unknown_paths.route(_path, methods=METHODS, content_types=ACCEPTED_CONTENT_TYPES, name=f"unknown_path_{_depth}")(
        _no_such_path
    )
