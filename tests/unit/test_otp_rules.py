import pytest

from chalicelib.domain.errors import RateLimited
from chalicelib.domain.otp import (
    CodeExpired,
    CodeLocked,
    CodeWrong,
    OtpPolicy,
    OtpState,
    check_usable,
    sends_after_new_code,
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
    assert check_usable(state, 1299, POLICY) is state
    with pytest.raises(CodeExpired):
        check_usable(state, 1300, POLICY)


def test_no_code_at_all_reads_as_expired():
    with pytest.raises(CodeExpired):
        check_usable(None, 0, POLICY)


def test_fifth_wrong_try_locks_the_code():
    assert isinstance(wrong_code(4, POLICY), CodeWrong)
    assert isinstance(wrong_code(5, POLICY), CodeLocked)
    with pytest.raises(CodeLocked):
        check_usable(OtpState(code_hash="h", expires_at=2000, attempts=5), 1000, POLICY)
