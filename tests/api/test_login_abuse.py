"""Login that strangers cannot abuse: SMS pumping meets limits per client (IP) and a global budget
besides the per-phone one; a stranger's requests and wrong guesses never keep the owner out; a failed
SMS send costs no quota. Clients are told apart by the API Gateway source IP, as Lambda sees it.
Every test here runs with the deployed stages' limits (the test stage opens the per-client ones, since
every other test logs in from 127.0.0.1)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from botocore.exceptions import ClientError

from tests.support.round_trips import measure

VICTIM_PHONE = "13700137000"
ATTACKER_IP, VICTIM_IP = "203.0.113.7", "198.51.100.2"


@pytest.fixture(autouse=True)
def deployed_limits(aws, clock):
    """The limits of dev/prod (Settings' defaults), whatever the test stage opens up."""
    from chalicelib.runtime import Runtime, install
    from chalicelib.settings import Settings

    d = Settings()
    install(
        Runtime(
            replace(
                aws.settings,
                otp_client_max_sends=d.otp_client_max_sends,
                otp_client_max_failures=d.otp_client_max_failures,
            ),
            clock=clock,
        )
    )
    yield
    install(aws)


def from_ip(api, ip: str):
    """Make the next requests come from `ip` (chalice's local gateway fills requestContext.identity)."""
    api.http._local_gateway.event_converter.LOCAL_SOURCE_IP = ip
    return api


def request_code(api, phone=VICTIM_PHONE, **kw):
    return api.post("/v1/auth/otp", {"phone": phone}, **kw)


def try_code(api, code, phone=VICTIM_PHONE, **kw):
    return api.post("/v1/auth/token", {"phone": phone, "code": code}, **kw)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def assert_limited(reply, code: str) -> int:
    """A 429 that says when to retry: the Retry-After header and a retry_after detail agree."""
    assert reply.status == 429, reply.json
    assert reply.json["error"]["code"] == code
    wait = int(reply.headers["Retry-After"])
    detail = reply.json["error"]["details"][0]
    assert detail["field"] == "retry_after" and str(wait) in detail["message"]
    return wait


def test_an_attacker_with_eight_requests_per_ten_minutes_never_keeps_the_victim_out(api, clock):
    """Each round: the victim asks for a code; while they type it, the attacker spends its whole budget
    of 8 requests on the victim's phone (code requests and wrong guesses); then the victim logs in."""
    for _round in range(6):  # an hour
        assert request_code(from_ip(api, VICTIM_IP)).status == 202
        code = api.last_code(VICTIM_PHONE)
        from_ip(api, ATTACKER_IP)
        for i in range(8):
            clock.advance(seconds=3)
            if i % 2 == 0:
                request_code(api)
            else:
                try_code(api, wrong(api.last_code(VICTIM_PHONE)))
        logged_in = try_code(from_ip(api, VICTIM_IP), code)
        assert logged_in.status == 200, logged_in.json
        clock.advance(minutes=10)


def test_the_attacker_itself_meets_the_limits(api, clock):
    from_ip(api, ATTACKER_IP)
    assert [request_code(api).status for _ in range(3)] == [202, 202, 202]
    assert_limited(request_code(api), "otp_rate_limited")
    assert request_code(from_ip(api, VICTIM_IP)).status == 202  # the owner's own quota is untouched


def test_wrong_guesses_past_the_client_limit_lock_that_client_even_for_the_right_code(api, clock):
    from_ip(api, ATTACKER_IP)
    statuses = []
    for _ in range(2):  # two codes, five wrong guesses each
        request_code(api)
        statuses += [try_code(api, wrong(api.last_code(VICTIM_PHONE))).status for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429] * 2
    request_code(api)
    wait = assert_limited(try_code(api, api.last_code(VICTIM_PHONE)), "otp_client_locked")
    assert 0 < wait <= 600
    # another client, the owner, is not locked out
    assert request_code(from_ip(api, VICTIM_IP)).status == 202
    assert try_code(api, api.last_code(VICTIM_PHONE)).status == 200
    # and the locked client may try again once its window has passed
    clock.advance(seconds=wait)
    from_ip(api, ATTACKER_IP)
    assert request_code(api, "13700137005").status == 202
    assert try_code(api, api.last_code("13700137005"), "13700137005").status == 200


def test_one_client_may_ask_codes_for_at_most_ten_phones_in_ten_minutes(api, clock):
    from_ip(api, ATTACKER_IP)
    assert [request_code(api, f"1370013710{i}").status for i in range(10)] == [202] * 10
    wait = assert_limited(request_code(api, "13700137110"), "otp_client_limited")
    assert request_code(from_ip(api, VICTIM_IP), "13700137110").status == 202  # other clients are served
    clock.advance(seconds=wait)
    assert request_code(from_ip(api, ATTACKER_IP), "13700137111").status == 202


def test_a_phone_is_sent_at_most_six_codes_in_ten_minutes_whoever_asks(api):
    replies = [request_code(from_ip(api, f"192.0.2.{i}")) for i in range(7)]
    assert [r.status for r in replies[:6]] == [202] * 6
    assert_limited(replies[6], "otp_rate_limited")


@pytest.fixture
def small_sms_budget(deployed_limits, clock):
    """The stage's global SMS budget set to 3 per hour."""
    from chalicelib.runtime import Runtime, install, runtime

    install(Runtime(replace(runtime().settings, otp_global_max_sends=3), clock=clock))


def test_the_global_sms_budget_stops_pumping_from_many_clients(api, clock, small_sms_budget):
    assert [request_code(from_ip(api, f"192.0.2.{i}"), f"1370013720{i}").status for i in range(3)] == [202] * 3
    refused = request_code(from_ip(api, "192.0.2.9"), "13700137209", headers={"Accept-Language": "en"})
    wait = assert_limited(refused, "sms_busy")
    assert f"{wait} s" in refused.json["error"]["message"]
    clock.advance(seconds=wait)
    assert request_code(api, "13700137209").status == 202


class _SnsDown:
    def publish(self, **_kw):
        raise ClientError({"Error": {"Code": "InternalError", "Message": "SNS is down"}}, "Publish")


class SnsDownRuntime:
    """Installs a runtime whose SNS client fails every publish (as a throttled or broken SMS gateway
    does); `back()` reinstalls the working one."""

    def __init__(self, clock) -> None:
        from chalicelib.runtime import Runtime, install, runtime

        class Failing(Runtime):
            def client(self, service):
                return _SnsDown() if service == "sns" else super().client(service)

        self.working = runtime()
        install(Failing(self.working.settings, clock=clock))

    def back(self) -> None:
        from chalicelib.runtime import install

        install(self.working)


def test_a_failed_sms_is_a_kind_503_and_costs_no_quota(api, clock):
    sns = SnsDownRuntime(clock)
    failed = [request_code(api) for _ in range(5)]
    assert [r.status for r in failed] == [503] * 5
    assert failed[0].json["error"]["code"] == "sms_unavailable"
    assert "稍后再试" in failed[0].json["error"]["message"]
    sns.back()
    assert [request_code(api).status for _ in range(3)] == [202, 202, 202]
    assert try_code(api, api.last_code(VICTIM_PHONE)).status == 200


def test_round_trips_of_a_code_request_and_a_wrong_guess(api, calls):
    """Code request: GetItem (the pair's code) + one TransactWriteItems (code + 3 budgets) + the local
    outbox PutItem; wrong guess: GetItem (client failures) + GetItem (code) + one TransactWriteItems."""
    calls.clear()
    assert request_code(api).status == 202
    assert dict(calls) == {"GetItem": 1, "TransactWriteItems": 1, "PutItem": 1}
    code = api.last_code(VICTIM_PHONE)
    calls.clear()
    assert try_code(api, wrong(code)).status == 400
    assert dict(calls) == {"GetItem": 2, "TransactWriteItems": 1}


def test_round_trips_of_logging_in_with_the_right_code(api, calls):
    """GetItem (client failures) + GetItem (code) + UpdateItem (use it) + Query (phone index) + first
    login's TransactWriteItems (member, phone claim, mirror) + GetItem (revocations) + GetItem (member,
    consistent) + PutItem (session) + UpdateItem (activity)."""
    request_code(api)
    code = api.last_code(VICTIM_PHONE)
    found = measure(calls, lambda: try_code(api, code))
    assert found == {"GetItem": 4, "UpdateItem": 2, "Query": 1, "TransactWriteItems": 1, "PutItem": 1}
