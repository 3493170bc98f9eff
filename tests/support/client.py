"""A thin wrapper over chalice.test.Client: JSON in, status + JSON out, logged-in sessions."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from chalice.test import Client


@dataclass
class Reply:
    status: int
    json: Any
    headers: dict[str, str]


class Api:
    def __init__(self, app: Any, token: str | None = None, client: Client | None = None) -> None:
        self.app = app
        self.token = token
        self._client = client or Client(app)
        self.http = self._client.http

    def as_(self, session: Session | str | None) -> Api:
        token = session.access_token if isinstance(session, Session) else session
        return Api(self.app, token, self._client)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        raw: bytes | str | None = None,
    ) -> Reply:
        hdrs = {"Content-Type": "application/json"}
        if self.token:
            hdrs["Authorization"] = f"Bearer {self.token}"
        hdrs.update(headers or {})
        payload = raw if raw is not None else (json.dumps(body) if body is not None else None)
        resp = self.http.request(method, path, headers=hdrs, body=payload)
        text = resp.body.decode() if resp.body else ""
        return Reply(resp.status_code, json.loads(text) if text.strip() else None, dict(resp.headers))

    def get(self, path: str, **kw: Any) -> Reply:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.request("POST", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.request("PATCH", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Reply:
        return self.request("PUT", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Reply:
        return self.request("DELETE", path, **kw)

    def last_code(self, phone: str) -> str:
        """The code in the newest SMS sent to `phone`, read from the dev outbox like a person would."""
        sent = self.get(f"/v1/dev/outbox?phone={phone}").json
        assert sent, f"no SMS sent to {phone}"
        return re.search(r"\d{6}", sent[0]["body"]).group(0)

    def login(self, phone: str) -> Session:
        assert self.post("/v1/auth/otp", {"phone": phone}).status == 202
        reply = self.post("/v1/auth/token", {"phone": phone, "code": self.last_code(phone)})
        assert reply.status == 200, reply.json
        return Session(phone=phone, **{k: reply.json[k] for k in ("access_token", "refresh_token", "member_id")})


@dataclass
class Session:
    phone: str
    access_token: str
    refresh_token: str
    member_id: str
