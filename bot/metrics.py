"""dondoc's Prometheus metrics, in one place; the code counts with one-line calls to these."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from prometheus_client import Counter, Gauge, Histogram

from bot import messenger as channels
from bot.messenger import Buttons, Messenger, Sent

SENDS = Counter("dondoc_sends", "Messages handed to a channel, by result (ok, 429, 5xx: a "
                "server error or time-out, permanent: blocked/not found/refused, error: ours)",
                ["channel", "result"])
UPDATES = Counter("dondoc_updates", "Chat updates handled, by outcome (replied, silent: a "
                  "redelivery or nothing to say, error)", ["channel", "outcome"])
PARSES = Counter("dondoc_reply_parses", "Free-text replies read, by what parse_reply made of "
                 "them (done, in_progress, blocked, unclear, …)", ["outcome"])
SCANS = Counter("dondoc_scans", "Daily scans run, by result (done, skipped: another instance "
                "held the lock, error)", ["result"])
SCAN_SECONDS = Histogram("dondoc_scan_duration_seconds", "Time one scan took",
                         buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800))
SCAN_STEPS = Counter("dondoc_scan_steps", "Reminder steps the scans recorded")
LAST_SCAN = Gauge("dondoc_last_scan_timestamp_seconds",
                  "When this process last finished a scan (Unix time)")
DIGESTS = Counter("dondoc_digest_runs", "Digest runs, by result (queued, skipped, error)",
                  ["result"])
TICK_FAILURES = Counter("dondoc_tick_failures", "Scheduler jobs that raised (logged; the next "
                        "tick tries again)", ["job"])
OUTBOX = Gauge("dondoc_outbox_rows", "Outbox rows by state, read at scrape time", ["state"])
OUTBOX_OLDEST = Gauge("dondoc_outbox_oldest_due_seconds",
                      "Age of the oldest queued row that is due (0 when none), read at scrape time")
READY = Gauge("dondoc_ready", "1 when /readyz last answered ready, else 0")

T = TypeVar("T")


def observe_parse(outcome: str) -> None:
    """Count one parse_reply result."""
    PARSES.labels(outcome).inc()


class MeteredMessenger:
    """A Messenger that counts each send by channel and result; everything else is passed on."""

    def __init__(self, inner: Messenger) -> None:
        self.inner = inner
        self.channel = inner.channel
        self.text_limit = inner.text_limit

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    async def _counted(self, call: Callable[[], Awaitable[T]]) -> T:
        try:
            result = await call()
        except channels.RateLimited:
            SENDS.labels(self.channel, "429").inc()
            raise
        except channels.TransientFailure:
            SENDS.labels(self.channel, "5xx").inc()
            raise
        except (channels.Unreachable, channels.Rejected):
            SENDS.labels(self.channel, "permanent").inc()
            raise
        except Exception:
            SENDS.labels(self.channel, "error").inc()
            raise
        SENDS.labels(self.channel, "ok").inc()
        return result

    async def send_text(self, chat_id: str, text: str, buttons: Buttons = ()) -> Sent:
        """Send a message, counted."""
        return await self._counted(lambda: self.inner.send_text(chat_id, text, buttons))

    async def send_document(self, chat_id: str, filename: str, data: bytes,
                            caption: str = "") -> Sent:
        """Send a file, counted."""
        return await self._counted(
            lambda: self.inner.send_document(chat_id, filename, data, caption))

    async def send_photo(self, chat_id: str, filename: str, data: bytes,
                         caption: str = "") -> Sent:
        """Send an image, counted."""
        return await self._counted(lambda: self.inner.send_photo(chat_id, filename, data, caption))
