"""Flood limits over sliding windows, and injected faults being used up."""

import pytest

from sandbox import ApiError, Faults, ManualClock, RateLimits
from sandbox.limits import RateLimiter


def admitted(limiter: RateLimiter, chat_id: int, is_group: bool = False) -> int | None:
    """None when admitted, else the retry_after of the 429."""
    try:
        limiter.admit(chat_id, is_group)
    except ApiError as error:
        assert error.error_code == 429
        assert error.description == f"Too Many Requests: retry after {error.retry_after}"
        return error.retry_after
    return None


def test_one_message_per_second_per_chat_in_a_sliding_window() -> None:
    clock = ManualClock()
    limiter = RateLimiter(RateLimits(), clock)

    assert admitted(limiter, 1) is None
    clock.advance(0.5)
    assert admitted(limiter, 1) == 1
    assert admitted(limiter, 2) is None
    clock.advance(0.5)
    assert admitted(limiter, 1) is None


def test_refused_messages_do_not_count() -> None:
    clock = ManualClock()
    limiter = RateLimiter(RateLimits(per_chat_per_second=2), clock)
    limiter.admit(1, False)
    limiter.admit(1, False)

    for _ in range(5):
        assert admitted(limiter, 1) == 1
    clock.advance(1)
    assert admitted(limiter, 1) is None


def test_thirty_per_second_overall() -> None:
    clock = ManualClock()
    limiter = RateLimiter(RateLimits(), clock)

    assert [admitted(limiter, chat) for chat in range(30)] == [None] * 30
    assert admitted(limiter, 30) == 1
    clock.advance(1)
    assert admitted(limiter, 30) is None


def test_twenty_per_minute_in_a_group() -> None:
    clock = ManualClock()
    limiter = RateLimiter(RateLimits(), clock)
    for _ in range(20):
        assert admitted(limiter, -5, is_group=True) is None
        clock.advance(1)

    assert admitted(limiter, -5, is_group=True) == 40
    clock.advance(40)
    assert admitted(limiter, -5, is_group=True) is None


def test_manual_clock_only_moves_forward() -> None:
    clock = ManualClock(start_unix_time=100.0)
    clock.advance(2.5)

    assert (clock.time(), clock.monotonic()) == (102.5, 2.5)
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_faults_are_used_up_per_method() -> None:
    faults = Faults()
    faults.fail_next("sendMessage", times=2, error_code=502)
    faults.slow_down("*", 0.5, times=1)
    faults.time_out_next("getMe", executed=True)

    first, second = faults.take_error("sendmessage"), faults.take_error("sendMessage")
    assert first is not None and second is not None
    assert (first.error_code, first.description) == (502, "Bad Gateway")
    assert faults.take_error("sendMessage") is None
    assert faults.take_delay("getFile") == 0.5
    assert faults.take_delay("getFile") == 0.0
    hold = faults.take_hold("getMe")
    assert hold is not None and hold.executed
    assert faults.take_hold("getMe") is None


def test_cleared_faults_are_gone() -> None:
    faults = Faults()
    faults.slow_down("sendMessage", 1.0)
    faults.fail_next("sendMessage", times=3)

    faults.clear()

    assert faults.take_delay("sendMessage") == 0.0
    assert faults.take_error("sendMessage") is None
