"""Hostile input on every route: malformed, deep, huge, wrongly typed and Unicode-edge bodies, odd
path ids and query strings, the framework's own 404/405/415, as anonymous, worker and admin.

Routes are read from ROUTES (like test_access_matrix), so a new route is attacked the day it is
added. Whatever a route makes of it, the answer is never a 5xx, and every 4xx carries the one error
shape with a message. The counts are printed (`pytest -s`) so they can be quoted.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pytest

from chalicelib.api.http import ROUTES
from tests.support.client import Api

IDENTITIES = ("anonymous", "worker", "admin")
HOSTILE_TEXTS = [
    "１３８００１３８０００",  # full-width digits
    "\u202eevil.exe\u202c",  # right-to-left override
    "nul\u0000byte",
    "😀👷‍♀️𠜎",  # 4-byte characters, a ZWJ sequence
    '=HYPERLINK("http://x")',
    "",
    " " * 50,
    "a" * 5000,
]
FIELDS = (
    "phone",
    "code",
    "name",
    "id_number",
    "refresh_token",
    "station_id",
    "slot_start",
    "note",
    "reason",
    "token",
    "scenario_key",
    "answers",
    "status",
    "content",
    "format",
    "roles",
    "model",
)


def _bodies() -> list[tuple[str, bytes | str]]:
    """(what, raw body): each one something a careless or hostile client sends."""
    bodies: list[tuple[str, bytes | str]] = [
        ("malformed", '{"phone": "138'),
        ("not utf-8", b"\xff\xfe{\x00}"),
        ("deep array", "[" * 5000 + "]" * 5000),
        ("deep object", '{"a":' * 2000 + "1" + "}" * 2000),
        ("just deep enough", "[" * 40 + "]" * 40),
        ("huge", json.dumps({"phone": "1" * (70 * 1024)})),
        ("huge number", '{"limit": ' + "9" * 5000 + "}"),
        ("infinity", '{"limit": 1e999, "lat": NaN}'),
        ("lone surrogate", '{"name": "\\ud800", "phone": "\\udfff"}'),
        ("surrogate bytes", b'{"name": "\xed\xa0\x80"}'),
        ("utf-16", '{"phone": "13800138000"}'.encode("utf-16")),
        ("array", "[]"),
        ("string", '"x"'),
        ("null", "null"),
        ("nulls", json.dumps(dict.fromkeys(FIELDS))),
        ("wrong types", json.dumps({f: [1, {"x": True}] for f in FIELDS})),
        ("numbers", json.dumps(dict.fromkeys(FIELDS, 13800138000))),
    ]
    for i, text in enumerate(HOSTILE_TEXTS):
        bodies.append((f"text {i}", json.dumps(dict.fromkeys(FIELDS, text), ensure_ascii=i % 2 == 0)))
    return bodies


BODIES = _bodies()
ODD_IDS = ["..", "%2e%2e", "..%2f..%2fetc", "a" * 3000, "%00", "%E2%80%AE", "%F0%9F%98%80", "%EF%BC%91", "%ZZ"]
ODD_QUERIES = [
    "?phone=%EF%BC%91%EF%BC%93%EF%BC%98&limit=abc&cursor=not.a.token",
    "?phone=%E2%80%AE138&limit=-1&cursor=&tier=%00",
    "?limit=99999999999999999999999&cursor=" + "a" * 3000,
]


class Tally:
    """Requests sent, 5xx answers and 4xx answers without the error shape (with examples)."""

    def __init__(self) -> None:
        self.sent = 0
        self.server_errors: list[Any] = []
        self.shape_violations: list[Any] = []
        self.statuses: Counter[tuple[str, int]] = Counter()

    def check(self, reply: Any, method: str, url: str, who: str, *what: Any) -> None:
        self.sent += 1
        self.statuses[(who, reply.status)] += 1
        what = (method, url, who, *what)
        if reply.status >= 500:
            self.server_errors.append((*what, reply.status, reply.json))
        elif reply.status >= 400 and not has_error_shape(reply.json):
            self.shape_violations.append((*what, reply.status, reply.json))


def has_error_shape(body: Any) -> bool:
    error = body.get("error") if isinstance(body, dict) else None
    return (
        isinstance(error, dict)
        and isinstance(error.get("code"), str)
        and isinstance(error.get("message"), str)
        and bool(error["message"])
        and isinstance(error.get("details"), list)
        and all(
            isinstance(d, dict) and isinstance(d.get("field"), str) and isinstance(d.get("message"), str)
            for d in error["details"]
        )
    )


@pytest.fixture
def sessions(api, worker, admin):
    return {"anonymous": None, "worker": worker, "admin": admin}


def _send(api: Api, tally: Tally, method: str, url: str, raw: bytes | str | None, *what: Any, **kw: Any) -> None:
    try:
        reply = api.request(method, url, raw=raw, **kw)
    except json.JSONDecodeError as exc:  # an answer that is not JSON at all
        tally.sent += 1
        tally.shape_violations.append((method, url[:80], *what, "not JSON", str(exc)))
        return
    tally.check(reply, method, url[:80], *what)


def _attack_route(api: Api, tally: Tally, method: str, path: str, who: str) -> None:
    plain = re.sub(r"\{[^}]+\}", "x", path)
    has_body = method in ("POST", "PUT", "PATCH")
    for odd in ODD_IDS if "{" in path else []:
        _send(api, tally, method, re.sub(r"\{[^}]+\}", odd, path), "{}" if has_body else None, who, "id", odd[:20])
    if has_body:
        for what, raw in BODIES:
            _send(api, tally, method, plain, raw, who, what)
        _send(api, tally, method, plain, "a,b\n1,2", who, "csv", headers={"Content-Type": "text/csv"})
    else:
        for query in ODD_QUERIES:
            _send(api, tally, method, plain + query, None, who, "query")
    wrong = "PATCH" if method != "PATCH" else "GET"
    if (wrong, path) not in ROUTES:
        _send(api, tally, wrong, plain, "{}", who, "wrong method")


def test_hostile_input_on_every_route_never_a_5xx_always_the_error_shape(api, sessions, capsys):
    tally = Tally()
    # erasing or logging out the caller last, so the other routes see a live session
    order = sorted(ROUTES, key=lambda r: (r[0] == "DELETE", "logout" in r[1], r[1], r[0]))
    for who in IDENTITIES:
        caller = api.as_(sessions[who])
        for method, path in order:
            _attack_route(caller, tally, method, path, who)
        for unknown in ("/nope", "/v1/nope/x/y", "/v1/" + "/".join(["z"] * 11), "/v1/stations/x/y/z"):
            _send(caller, tally, "GET", unknown, None, who, "unknown route")
    with capsys.disabled():
        print(
            f"\nhostile input: {tally.sent} requests over {len(ROUTES)} routes x {len(IDENTITIES)} identities, "
            f"{len(tally.server_errors)} 5xx, {len(tally.shape_violations)} shape violations\n"
            f"by identity and status: {sorted(tally.statuses.items())}"
        )
    assert tally.server_errors == [], tally.server_errors[:10]
    assert tally.shape_violations == [], tally.shape_violations[:10]
