import pytest

from chalicelib.domain.errors import RateLimited
from chalicelib.domain.otp import (
    Budget,
    CodeExpired,
    CodeLocked,
    CodeWrong,
    OtpPolicy,
    OtpState,
    limited,
    sends_after_new_code,
    unusable,
    without_send,
    wrong_code,
)

POLICY = OtpPolicy(ttl=300, max_attempts=5, max_sends=3, window=600)


def test_three_codes_in_ten_minutes_then_wait_until_the_oldest_leaves_the_window():
    state = OtpState(sends=[1000, 1100, 1200])
    with pytest.raises(RateLimited) as err:
        sends_after_new_code(state, 1300, POLICY)
    assert err.value.retry_after == 300  # the send at 1000 leaves the window at 1600
    assert sends_after_new_code(state, 1601, POLICY) == [1100, 1200, 1601]


def test_old_sends_are_forgotten():
    assert sends_after_new_code(OtpState(sends=[0, 1, 2]), 10_000, POLICY) == [10_000]


def test_a_code_expires_after_its_ttl():
    state = OtpState(code_hash="h", expires_at=1300, attempts=0)
    assert unusable(state, 1299, POLICY) is None
    assert isinstance(unusable(state, 1300, POLICY), CodeExpired)


def test_no_code_at_all_reads_as_expired():
    assert isinstance(unusable(None, 0, POLICY), CodeExpired)


def test_fifth_wrong_try_locks_the_code():
    assert isinstance(wrong_code(4, POLICY), CodeWrong)
    assert isinstance(wrong_code(5, POLICY), CodeLocked)
    assert isinstance(unusable(OtpState(code_hash="h", expires_at=2000, attempts=5), 1000, POLICY), CodeLocked)


def test_a_fixed_window_budget_says_when_its_window_ends():
    budget = Budget("client_sends", "c1", 10, 600)
    assert budget.key(1199) == "client_sends#c1#1" and budget.key(1200) == "client_sends#c1#2"
    assert budget.retry_after(1000) == 200 and budget.window_end(1000) == 1200


def test_a_refused_limit_names_the_seconds_to_wait_in_both_languages():
    e = limited(POLICY.failures("c1").limit_name, 42)
    assert isinstance(e, RateLimited) and e.status == 429 and e.headers["Retry-After"] == "42"
    assert e.details[0].field == "retry_after" and "42" in e.details[0].zh and "42" in e.details[0].en


def test_a_failed_send_is_taken_back_and_its_code_dies():
    sent = OtpState(code_hash="h", expires_at=1300, attempts=0, sends=[900, 1000], version=4)
    back = without_send(sent, 1000)
    assert back.sends == [900] and back.code_hash is None and back.version == 4
