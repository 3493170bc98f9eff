"""Logging in with a phone and a one-time code, as the mini-app does."""

import base64
import json

import jwt
import pytest

PHONE = "13700137000"


def request_code(api, phone=PHONE, **kw):
    return api.post("/v1/auth/otp", {"phone": phone}, **kw)


def test_first_login_creates_the_worker_and_the_second_finds_the_same_account(api):
    assert request_code(api).status == 202
    first = api.post("/v1/auth/token", {"phone": PHONE, "code": api.last_code(PHONE)})
    assert first.status == 200
    assert first.json["new_member"] is True and first.json["roles"] == ["worker"]
    assert first.json["expires_in"] == 900

    request_code(api, "+86 137-0013-7000")
    second = api.post("/v1/auth/token", {"phone": "+8613700137000", "code": api.last_code(PHONE)})
    assert second.status == 200
    assert second.json["new_member"] is False
    assert second.json["member_id"] == first.json["member_id"]


def test_the_sms_carries_a_six_digit_code_and_the_outbox_shows_the_phone_masked(api):
    request_code(api)
    sent = api.get(f"/v1/dev/outbox?phone={PHONE}").json
    assert sent[0]["to"] == "137****7000"
    assert len(api.last_code(PHONE)) == 6


def test_invalid_phone_is_refused_with_the_field_named(api):
    reply = request_code(api, "12345")
    assert reply.status == 400
    assert reply.json["error"]["details"][0]["field"] == "phone"


def test_a_code_works_once(api):
    request_code(api)
    code = api.last_code(PHONE)
    assert api.post("/v1/auth/token", {"phone": PHONE, "code": code}).status == 200
    again = api.post("/v1/auth/token", {"phone": PHONE, "code": code})
    assert again.status == 400 and again.json["error"]["code"] == "otp_expired"


def test_a_code_expires_after_five_minutes(api, clock):
    request_code(api)
    code = api.last_code(PHONE)
    clock.advance(minutes=5, seconds=1)
    reply = api.post("/v1/auth/token", {"phone": PHONE, "code": code})
    assert reply.status == 400 and reply.json["error"]["code"] == "otp_expired"


def test_five_wrong_tries_lock_the_code_even_for_the_right_one(api):
    request_code(api)
    code = api.last_code(PHONE)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    statuses = [api.post("/v1/auth/token", {"phone": PHONE, "code": wrong}) for _ in range(5)]
    assert [r.status for r in statuses] == [400, 400, 400, 400, 429]
    assert statuses[0].json["error"]["details"][0]["field"] == "code"
    assert statuses[-1].json["error"]["code"] == "otp_locked"
    right = api.post("/v1/auth/token", {"phone": PHONE, "code": code})
    assert right.status == 429 and right.json["error"]["code"] == "otp_locked"


def test_a_new_code_replaces_a_locked_one(api, clock):
    request_code(api)
    wrong = f"{(int(api.last_code(PHONE)) + 1) % 10**6:06d}"
    for _ in range(5):
        api.post("/v1/auth/token", {"phone": PHONE, "code": wrong})
    clock.advance(seconds=30)
    request_code(api)
    assert api.post("/v1/auth/token", {"phone": PHONE, "code": api.last_code(PHONE)}).status == 200


def test_at_most_three_codes_per_phone_in_ten_minutes(api, clock):
    assert [request_code(api).status for _ in range(3)] == [202, 202, 202]
    fourth = request_code(api)
    assert fourth.status == 429
    assert fourth.json["error"]["code"] == "otp_rate_limited"
    assert int(fourth.headers["Retry-After"]) == 600
    assert request_code(api, "13700137001").status == 202  # other phones are not affected
    clock.advance(minutes=10, seconds=1)
    assert request_code(api).status == 202


def test_retrying_a_code_request_with_the_same_idempotency_key_sends_one_sms(api):
    key = {"Idempotency-Key": "otp-retry-1"}
    assert request_code(api, headers=key).status == 202
    assert request_code(api, headers=key).status == 202
    assert len(api.get(f"/v1/dev/outbox?phone={PHONE}").json) == 1
    other = api.post("/v1/auth/otp", {"phone": "13700137009"}, headers=key)
    assert other.status == 202  # keys are scoped per phone


def test_access_token_expires_after_fifteen_minutes(api, worker, clock):
    assert api.as_(worker).get("/v1/me").status == 200
    clock.advance(minutes=15)
    reply = api.as_(worker).get("/v1/me")
    assert reply.status == 401 and reply.json["error"]["code"] == "token_expired"


def _forge(token: str, **changes) -> str:
    header_b64, payload_b64, sig = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    header = json.loads(base64.urlsafe_b64decode(pad(header_b64)))
    payload = json.loads(base64.urlsafe_b64decode(pad(payload_b64)))
    header.update(changes.pop("header", {}))
    payload.update(changes)
    enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{enc(header)}.{enc(payload)}.{sig}"


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda t: _forge(t, roles=["worker", "admin"]), id="edited-claims-bad-signature"),
        pytest.param(lambda t: _forge(t, header={"alg": "none"}).rsplit(".", 1)[0] + ".", id="alg-none"),
        pytest.param(lambda t: _forge(t, header={"kid": "jwt-unknown"}), id="wrong-kid"),
        pytest.param(
            lambda t: jwt.encode(
                {**jwt.decode(t, options={"verify_signature": False}), "roles": ["admin"]},
                "a guessed secret, as long as a real one",
                algorithm="HS256",
                headers={"kid": "jwt-1"},
            ),
            id="foreign-key",
        ),
        pytest.param(lambda t: t[:-4], id="truncated"),
        pytest.param(lambda t: "not-a-jwt", id="garbage"),
    ],
)
def test_tampered_tokens_are_refused(api, worker, tamper):
    reply = api.as_(tamper(worker.access_token)).post("/v1/admin/members/search", {"phone": "13800138001"})
    assert reply.status == 401
    assert reply.json["error"]["code"] == "token_invalid"


def test_missing_or_malformed_authorization_is_401(api):
    assert api.get("/v1/me").json["error"]["code"] == "unauthenticated"
    assert api.get("/v1/me", headers={"Authorization": "Basic abc"}).status == 401


def test_refresh_rotates_and_the_old_refresh_token_stops_working(api, worker):
    first = api.post("/v1/auth/refresh", {"refresh_token": worker.refresh_token})
    assert first.status == 200
    assert first.json["refresh_token"] != worker.refresh_token
    assert api.as_(first.json["access_token"]).get("/v1/me").status == 200
    second = api.post("/v1/auth/refresh", {"refresh_token": first.json["refresh_token"]})
    assert second.status == 200
    replay = api.post("/v1/auth/refresh", {"refresh_token": worker.refresh_token})
    assert replay.status == 401  # and the whole family stops: tests/api/test_token_revocation.py


def test_refresh_picks_up_new_roles(api, worker, admin):
    api.as_(admin).put(f"/v1/admin/members/{worker.member_id}/roles", {"roles": ["staff"], "station_ids": ["st-1"]})
    refreshed = api.post("/v1/auth/refresh", {"refresh_token": worker.refresh_token}).json
    assert refreshed["roles"] == ["staff", "worker"]
    claims = jwt.decode(refreshed["access_token"], options={"verify_signature": False})
    assert claims["stn"] == ["st-1"]


def test_logout_revokes_the_refresh_token(api, worker):
    assert api.post("/v1/auth/logout", {"refresh_token": worker.refresh_token}).status == 204
    assert api.post("/v1/auth/refresh", {"refresh_token": worker.refresh_token}).status == 401
    assert api.post("/v1/auth/logout", {"refresh_token": worker.refresh_token}).status == 204  # repeatable


def test_refresh_tokens_expire(api, worker, clock):
    clock.advance(days=31)
    assert api.post("/v1/auth/refresh", {"refresh_token": worker.refresh_token}).status == 401
