"""Time sources for the sandbox: the real clock, and a manual one tests can move."""

import time
from typing import Protocol


class Clock(Protocol):
    """Where the sandbox reads time: monotonic seconds for limits, Unix seconds for dates."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards."""
        ...

    def time(self) -> float:
        """Seconds since the Unix epoch."""
        ...


class SystemClock:
    """The machine's clocks."""

    def monotonic(self) -> float:
        """Seconds on the machine's monotonic clock."""
        return time.monotonic()

    def time(self) -> float:
        """The machine's Unix time."""
        return time.time()


class ManualClock:
    """A clock that only moves when told to, so rate-limit tests need no sleeping."""

    def __init__(self, start_unix_time: float | None = None) -> None:
        self._unix_time = time.time() if start_unix_time is None else start_unix_time
        self._monotonic = 0.0

    def monotonic(self) -> float:
        """Seconds advanced since creation."""
        return self._monotonic

    def time(self) -> float:
        """The start time plus every advance."""
        return self._unix_time

    def advance(self, seconds: float) -> None:
        """Move both clocks forward."""
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        self._monotonic += seconds
        self._unix_time += seconds
