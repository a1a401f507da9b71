"""Fakes at the edges: a clock tests move by hand and a messenger that records what it sends."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.messenger import Buttons, DeliveryError, Sent


class FakeClock:
    """Wall-clock and monotonic time that only move when told (or when someone sleeps)."""

    def __init__(self, start: datetime = datetime(2025, 9, 22, 1, 0, tzinfo=UTC)) -> None:
        self.start = start
        self.elapsed = 0.0
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.elapsed)

    def monotonic(self) -> float:
        return self.elapsed

    def advance(self, seconds: float) -> None:
        self.elapsed += seconds

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.elapsed += seconds
        await asyncio.sleep(0)


class Crash(BaseException):
    """Stands for the process dying: nothing of ours catches it."""


@dataclass
class Delivery:
    """One message the fake platform accepted."""

    chat_id: str
    text: str
    buttons: Buttons
    at: float
    filename: str | None = None


@dataclass
class RecordingMessenger:
    """A Messenger that records deliveries and raises scripted failures, per chat or in turn."""

    clock: FakeClock
    channel: str = "telegram"
    text_limit: int = 4096
    deliveries: list[Delivery] = field(default_factory=list)
    failures: dict[str, deque[BaseException]] = field(default_factory=dict)
    crash_after_send: set[str] = field(default_factory=set)

    def fail(self, chat_id: str, *errors: BaseException) -> None:
        """The next sends to this chat raise these, in order."""
        self.failures.setdefault(chat_id, deque()).extend(errors)

    def _deliver(self, chat_id: str, text: str, buttons: Buttons, filename: str | None) -> Sent:
        queue = self.failures.get(chat_id)
        if queue:
            raise queue.popleft()
        self.deliveries.append(Delivery(chat_id, text, buttons, self.clock.monotonic(), filename))
        if text in self.crash_after_send:
            self.crash_after_send.discard(text)
            raise Crash(f"process died after sending {text!r}")
        return Sent(str(len(self.deliveries)))

    async def send_text(self, chat_id: str, text: str, buttons: Buttons = ()) -> Sent:
        return self._deliver(chat_id, text, buttons, None)

    async def send_document(self, chat_id: str, filename: str, data: bytes,
                            caption: str = "") -> Sent:
        return self._deliver(chat_id, caption, (), filename)

    async def send_photo(self, chat_id: str, filename: str, data: bytes,
                         caption: str = "") -> Sent:
        return self._deliver(chat_id, caption, (), filename)

    def texts_to(self, chat_id: str) -> list[str]:
        return [d.text for d in self.deliveries if d.chat_id == chat_id]


__all__ = ["Crash", "DeliveryError", "FakeClock", "RecordingMessenger"]
