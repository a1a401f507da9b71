"""Telegram's flood limits and the faults a test can inject into the sandbox."""

from collections import deque
from dataclasses import dataclass
from http import HTTPStatus
from typing import TypeVar

from sandbox.clock import Clock
from sandbox.errors import ApiError, too_many_requests

ANY_METHOD = "*"


@dataclass(frozen=True)
class RateLimits:
    """How many messages the bot may send, as Telegram documents for bots."""

    overall_per_second: int = 30
    per_chat_per_second: int = 1
    per_group_per_minute: int = 20


TELEGRAM_RATE_LIMITS = RateLimits()


class _SlidingWindow:
    """At most `limit` events in any `seconds`-long window."""

    def __init__(self, limit: int, seconds: float) -> None:
        self._limit = limit
        self._seconds = seconds
        self._events: deque[float] = deque()

    def wait_needed(self, now: float) -> float:
        """Seconds until one more event fits; 0 when it fits now."""
        while self._events and self._events[0] <= now - self._seconds:
            self._events.popleft()
        if len(self._events) < self._limit:
            return 0.0
        return self._events[0] + self._seconds - now

    def record(self, now: float) -> None:
        """Count one event at `now`."""
        self._events.append(now)


@dataclass(frozen=True)
class FloodRefusal:
    """A message the flood limits turned away with a 429 (injected 429s are not these)."""

    chat_id: int
    at: float
    retry_after: int


class RateLimiter:
    """Answers 429 with retry_after when a message would break a flood limit."""

    def __init__(self, limits: RateLimits, clock: Clock) -> None:
        self._limits = limits
        self._clock = clock
        self.refusals: list[FloodRefusal] = []
        self._overall = _SlidingWindow(limits.overall_per_second, 1.0)
        self._per_chat: dict[int, _SlidingWindow] = {}
        self._per_group: dict[int, _SlidingWindow] = {}

    def admit(self, chat_id: int, is_group: bool) -> None:
        """Count a message to chat_id, or raise a 429 without counting it."""
        now = self._clock.monotonic()
        windows = [self._overall, self._chat_window(chat_id)]
        if is_group:
            windows.append(self._group_window(chat_id))
        wait = max(window.wait_needed(now) for window in windows)
        if wait > 0:
            error = too_many_requests(wait)
            self.refusals.append(FloodRefusal(chat_id, now, error.retry_after or 0))
            raise error
        for window in windows:
            window.record(now)

    def _chat_window(self, chat_id: int) -> _SlidingWindow:
        window = self._per_chat.get(chat_id)
        if window is None:
            window = _SlidingWindow(self._limits.per_chat_per_second, 1.0)
            self._per_chat[chat_id] = window
        return window

    def _group_window(self, chat_id: int) -> _SlidingWindow:
        window = self._per_group.get(chat_id)
        if window is None:
            window = _SlidingWindow(self._limits.per_group_per_minute, 60.0)
            self._per_group[chat_id] = window
        return window


@dataclass
class InjectedError:
    """An error answer to give instead of running the method."""

    error: ApiError
    remaining: int


@dataclass
class InjectedDelay:
    """Extra seconds before answering; remaining None means until cleared."""

    seconds: float
    remaining: int | None


@dataclass
class InjectedHold:
    """Keep the request open past the client's timeout, optionally after running it."""

    seconds: float
    executed: bool
    remaining: int


_Fault = TypeVar("_Fault", InjectedError, InjectedDelay, InjectedHold)


def _error_for(error_code: int, description: str | None, retry_after: int | None) -> ApiError:
    if error_code == 429:
        error = too_many_requests(retry_after or 1)
        if description:
            error.description = description
        return error
    if description is None:
        try:
            description = HTTPStatus(error_code).phrase
        except ValueError:
            description = "Unknown Error"
    return ApiError(error_code, description, retry_after)


class Faults:
    """Faults queued per method name ("*" for any); each is used up as calls arrive."""

    def __init__(self) -> None:
        self._errors: dict[str, list[InjectedError]] = {}
        self._delays: dict[str, list[InjectedDelay]] = {}
        self._holds: dict[str, list[InjectedHold]] = {}

    def fail_next(
        self,
        method: str,
        times: int = 1,
        error_code: int = 500,
        description: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` with this error instead of running them."""
        injected = InjectedError(_error_for(error_code, description, retry_after), times)
        self._errors.setdefault(method.lower(), []).append(injected)

    def slow_down(self, method: str, seconds: float, times: int | None = None) -> None:
        """Delay answers to `method` by `seconds` (for `times` calls, or until cleared)."""
        self._delays.setdefault(method.lower(), []).append(InjectedDelay(seconds, times))

    def time_out_next(
        self, method: str, times: int = 1, hold_seconds: float = 60.0, executed: bool = False
    ) -> None:
        """Hold the next calls open for `hold_seconds`; with `executed`, the call takes effect."""
        hold = InjectedHold(hold_seconds, executed, times)
        self._holds.setdefault(method.lower(), []).append(hold)

    def clear(self) -> None:
        """Forget every injected fault."""
        self._errors.clear()
        self._delays.clear()
        self._holds.clear()

    def take_error(self, method: str) -> ApiError | None:
        """The error to answer this call with, if one is queued."""
        queue = _queue_for(self._errors, method)
        if not queue:
            return None
        queue[0].remaining -= 1
        return (queue.pop(0) if queue[0].remaining <= 0 else queue[0]).error

    def take_delay(self, method: str) -> float:
        """Seconds to wait before handling this call."""
        queue = _queue_for(self._delays, method)
        if not queue:
            return 0.0
        delay = queue[0]
        if delay.remaining is not None:
            delay.remaining -= 1
            if delay.remaining <= 0:
                queue.pop(0)
        return delay.seconds

    def take_hold(self, method: str) -> InjectedHold | None:
        """The hold to apply to this call, if one is queued."""
        queue = _queue_for(self._holds, method)
        if not queue:
            return None
        queue[0].remaining -= 1
        return queue.pop(0) if queue[0].remaining <= 0 else queue[0]


def _queue_for(table: dict[str, list[_Fault]], method: str) -> list[_Fault] | None:
    """The queue for this method, else the one for any method; None when both are empty."""
    for key in (method.lower(), ANY_METHOD):
        if table.get(key):
            return table[key]
    return None
