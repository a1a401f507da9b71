"""The demo's clock: the story sets it; afterwards (--web) it runs on in real time."""

from __future__ import annotations

import time
from datetime import datetime, timedelta


class SimulatedClock:
    """Wall time for dondoc and the sandbox that moves only forward, when the story says."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the demo clock needs an aware datetime")
        self._start = start
        self._at = start
        self._free_since: float | None = None

    def now(self) -> datetime:
        """The simulated moment (dondoc's `now`)."""
        if self._free_since is None:
            return self._at
        return self._at + timedelta(seconds=time.monotonic() - self._free_since)

    def set(self, moment: datetime) -> None:
        """Jump forward to `moment`; going back would break the outbox's and history's order."""
        if moment < self.now():
            raise ValueError(f"the demo clock cannot go back from {self.now()} to {moment}")
        self._at = moment

    def run_free(self) -> None:
        """From now on, advance with real time (a person continues by hand)."""
        if self._free_since is None:
            self._free_since = time.monotonic()

    # The sandbox's Clock protocol: message dates show the simulated day.
    def time(self) -> float:
        """Unix seconds of the simulated moment."""
        return self.now().timestamp()

    def monotonic(self) -> float:
        """Simulated seconds since the start."""
        return (self.now() - self._start).total_seconds()
