"""Every failure has the one error shape, in zh-CN or en, and the right 4xx: never a 500."""

import pytest


def assert_error(reply, status, code):
    assert reply.status == status, reply.json
    error = reply.json["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)
    return error


def test_malformed_json_is_400(api):
    assert_error(api.post("/v1/auth/otp", raw='{"phone": "138'), 400, "malformed_json")


def test_empty_body_is_400(api):
    assert_error(api.post("/v1/auth/otp", raw=""), 400, "malformed_json")


def test_invalid_utf8_is_400(api):
    assert_error(api.post("/v1/auth/otp", raw=b"\xff\xfe{}"), 400, "malformed_json")


@pytest.mark.parametrize(
    "body, field, code",
    [
        ({}, "phone", "missing"),
        ({"phone": 13800138000}, "phone", "string_type"),
        ({"phone": "13800138000", "extra": 1}, "extra", "extra_forbidden"),
        ([], "body", "model_type"),
    ],
)
def test_wrong_shapes_name_the_field(api, body, field, code):
    error = assert_error(api.post("/v1/auth/otp", body), 400, "validation_error")
    assert [(d["field"], d["code"]) for d in error["details"]] == [(field, code)]


def test_bodies_over_64_kib_are_413(api):
    assert_error(api.post("/v1/auth/otp", {"phone": "1" * (64 * 1024)}), 413, "payload_too_large")


def test_non_json_content_type_is_415(api):
    reply = api.post("/v1/auth/otp", raw="phone=13800138000", headers={"Content-Type": "text/plain"})
    assert_error(reply, 415, "unsupported_media_type")


def test_missing_token_is_401_and_expired_token_is_401(api, worker, clock):
    assert_error(api.get("/v1/me"), 401, "unauthenticated")
    clock.advance(minutes=16)
    assert_error(api.as_(worker).get("/v1/me"), 401, "token_expired")


def test_worker_on_an_admin_route_is_403(api, worker):
    assert_error(api.as_(worker).get("/v1/admin/members?phone=13800138001"), 403, "role_not_allowed")


def test_messages_are_chinese_by_default_and_english_on_request(api):
    zh = api.post("/v1/auth/otp", {"phone": "1"})
    en = api.post("/v1/auth/otp", {"phone": "1"}, headers={"Accept-Language": "en"})
    zh_pref = api.post("/v1/auth/otp", {"phone": "1"}, headers={"Accept-Language": "en;q=0.5, zh-CN;q=0.9"})
    assert zh.json["error"]["details"][0]["message"].startswith("应为中国大陆手机号")
    assert en.json["error"]["details"][0]["message"].startswith("must be a mainland China mobile number")
    assert zh_pref.json["error"]["message"] == "请检查输入"


def test_bad_idempotency_key_is_400(api):
    reply = api.post("/v1/auth/otp", {"phone": "13800138000"}, headers={"Idempotency-Key": "k" * 200})
    error = assert_error(reply, 400, "validation_error")
    assert error["details"][0]["field"] == "Idempotency-Key"


def test_same_idempotency_key_with_another_body_is_422(aws):
    from chalicelib.domain.errors import RuleViolation
    from chalicelib.services.idempotency import replayable

    class LambdaContext:  # what Lambda hands a request: Powertools bounds an in-progress record by it
        def get_remaining_time_in_millis(self) -> int:
            return 30_000

    def once(*args, **kwargs):
        return replayable(*args, lambda_context=LambdaContext(), **kwargs)

    calls = []
    first = once("op", scope="m1", key="k1", payload={"a": 1}, produce=lambda: calls.append(1) or {"n": 1})
    again = once("op", scope="m1", key="k1", payload={"a": 1}, produce=lambda: calls.append(2) or {"n": 2})
    assert first == again == {"n": 1} and calls == [1]
    with pytest.raises(RuleViolation) as err:
        once("op", scope="m1", key="k1", payload={"a": 2}, produce=lambda: {"n": 3})
    assert err.value.code == "idempotency_key_reused"
    other_caller = once("op", scope="m2", key="k1", payload={"a": 2}, produce=lambda: {"n": 4})
    assert other_caller == {"n": 4}
