"""The sender: claims due outbox rows and delivers them within the platform's limits."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.messenger import (
    Messenger,
    RateLimited,
    Rejected,
    Sent,
    TransientFailure,
    Unreachable,
)
from scheduler.delivery import DeliveryPolicy, DrainReport, LeadLost, to_buttons
from scheduler.limits import IN_FLIGHT_RECHECK_SECONDS, SendLimiter
from scheduler.undeliverable import give_up, record_unreachable
from storage.db import transaction
from storage.models import Outbox
from storage.outbox import (
    claim_ready,
    due_waiting,
    finish,
    log_attempt,
    next_retry,
    renew_claims,
)
from storage.send_lead import hand_back, take_lead

log = logging.getLogger(__name__)
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


# A claim takes the rows whose send can start within this many seconds: the claim's own
# round trip then overlaps the wait for the slot instead of adding to it.
LOOKAHEAD_SECONDS = 0.25
# Longest the sender waits for an answer before looking again at what could go.
RECHECK_SECONDS = 0.25


class Sender:
    """Delivers the outbox; several senders may run at once, each claim is exclusive."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        messengers: Mapping[str, Messenger],
        limiter: SendLimiter | Mapping[str, SendLimiter],
        *,
        worker: str,
        now: Callable[[], datetime],
        policy: DeliveryPolicy | None = None,
        rng: random.Random | None = None,
        admin_chats: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.sessions = sessions
        self.messengers = messengers
        # One limiter per channel's bot (Zalo has its own budget); one shared if given one.
        self.limiters = (dict(limiter) if isinstance(limiter, Mapping)
                         else dict.fromkeys(messengers, limiter))
        self.worker = worker
        self.now = now
        self.policy = policy or DeliveryPolicy()
        self.rng = rng or random.Random()
        self._unsettled = asyncio.Semaphore(self.policy.in_flight)
        self._leads: dict[str, datetime | None] = {}  # channel -> end of our lead
        # (channel, chat id) of DONDOC_ADMIN_CHAT_IDS: told when no secretariat chat is left.
        self.admin_chats = tuple(admin_chats)

    async def drain(self) -> DrainReport:
        """Send every row due now on each channel this sender leads, then hand the lead back.

        Rows are claimed as their chat's slot and the global budget allow, one per chat at a
        time, and each "sent" is committed as soon as the platform answers: a crash repeats at
        most the rows this sender was sending (one per chat). A channel another sender leads
        is left to it (`report.standby`).
        """
        report = DrainReport()
        handed = -1
        # A chat found blocked hands its message to the person's other chat, maybe on a channel
        # whose drain has already finished: one more round for each such hand-over.
        while report.unreachable != handed:
            handed = report.unreachable
            await asyncio.gather(*(self._drain_channel(channel, report)
                                   for channel in self.messengers))
        return report

    async def _drain_channel(self, channel: str, report: DrainReport) -> None:
        limiter = self.limiters[channel]
        self._leads[channel] = await self._lead(channel)
        if self._leads[channel] is None:
            report.standby.append(channel)
            return
        tasks: set[asyncio.Task[None]] = set()
        beat = self.policy.lease.total_seconds() / 3
        beat_at = limiter.clock() + beat
        # The heartbeat also runs on its own, so a loop held up by a slow database still
        # renews in time (and the loop renews on the limiter's clock, which tests drive).
        keep_alive = asyncio.create_task(self._keep_alive(channel, beat))
        try:
            while True:
                if limiter.clock() >= beat_at:
                    beat_at = limiter.clock() + beat
                    await self._heartbeat(channel)
                leading = self._may_send(channel)
                room = min(limiter.free_slots(LOOKAHEAD_SECONDS), self.policy.batch)
                claimed = await self._claim(channel, limiter, room) if leading and room > 0 \
                    else []
                for row in claimed:
                    tasks.add(asyncio.create_task(self._deliver(row, report)))
                if claimed and len(claimed) == room:
                    continue
                if tasks:
                    done, tasks = await _first_done(tasks, _timeout(limiter))
                    _raise_failures(done)
                    continue
                wait = await self._idle_wait(channel, limiter, leading, room)
                if wait is None:
                    break
                await limiter.sleep(wait)
        except BaseException:
            # A crash: stop everything here and keep the lead (it expires) as a dead process
            # would. Nothing else is recorded.
            for task in tasks:
                task.cancel()
            raise
        finally:
            keep_alive.cancel()
        if self._leads[channel] is not None:
            async with transaction(self.sessions) as session:
                await hand_back(channel, self.worker, self.now() + self.policy.guard,
                                session=session)

    def _may_send(self, channel: str) -> bool:
        """Whether this sender leads the channel with time to spare (the guard)."""
        lead = self._leads.get(channel)
        return lead is not None and self.now() < lead - self.policy.guard

    async def _lead(self, channel: str) -> datetime | None:
        """Take or renew the lead of this channel; its end, or None if another sender leads."""
        now = self.now()
        until = now + self.policy.lease
        async with transaction(self.sessions) as session:
            return until if await take_lead(channel, self.worker, now, until,
                                            session=session) else None

    async def _keep_alive(self, channel: str, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            await self._heartbeat(channel)

    async def _heartbeat(self, channel: str) -> None:
        """Renew the lead and the leases of the rows being sent, in one transaction."""
        now = self.now()
        until = now + self.policy.lease
        async with transaction(self.sessions) as session:
            led = await take_lead(channel, self.worker, now, until, session=session)
            await renew_claims(self.worker, channel, until, session=session)
        if not led and self._leads.get(channel) is not None:
            log.warning("%s: lost the lead of %s; sends not yet made go back to the queue",
                        self.worker, channel)
        self._leads[channel] = until if led else None

    async def _claim(self, channel: str, limiter: SendLimiter, room: int) -> list[Outbox]:
        prefix = f"{channel}:"
        busy = [chat.removeprefix(prefix) for chat in limiter.busy_chats(LOOKAHEAD_SECONDS)
                if chat.startswith(prefix)]
        async with transaction(self.sessions) as session:
            return await claim_ready(self.now(), self.worker, self.policy.lease, room, channel,
                                     busy, session=session)

    async def _idle_wait(self, channel: str, limiter: SendLimiter, leading: bool,
                         room: int) -> float | None:
        """Nothing in flight and nothing claimed: how long to wait, or None when done."""
        if not leading:
            return None
        if room <= 0:
            return max(limiter.next_slot_in() - LOOKAHEAD_SECONDS, 0.0) or \
                IN_FLIGHT_RECHECK_SECONDS
        async with self.sessions() as session:
            if not await due_waiting(self.now(), channel, session=session):
                return None
        # Rows are due for chats whose slot is not free yet; others' leased rows are not ours.
        wait = limiter.next_chat_in()
        if wait is None:
            return None
        return max(wait - LOOKAHEAD_SECONDS, IN_FLIGHT_RECHECK_SECONDS)

    async def _attempt(self, row: Outbox) -> Sent:
        messenger = self.messengers[row.channel]
        limiter = self.limiters[row.channel]
        chat = f"{row.channel}:{row.chat_id}"
        await limiter.acquire(chat, (row.priority, row.next_attempt_at, row.id))
        try:
            # Sends answered but not yet recorded are what a crash repeats: at most `in_flight`
            # of them at once, however slowly the database records (the slot is given back
            # once the "sent" is committed, by _deliver).
            await self._unsettled.acquire()
            try:
                if not self._may_send(row.channel):
                    raise LeadLost(row.channel)
                return await self._send(messenger, row)
            except BaseException:
                self._unsettled.release()
                raise
        finally:
            limiter.release(chat)

    @staticmethod
    async def _send(messenger: Messenger, row: Outbox) -> Sent:
        if row.attachment is not None and row.attachment_name:
            if row.attachment_name.lower().endswith(_IMAGE_SUFFIXES):
                return await messenger.send_photo(row.chat_id, row.attachment_name,
                                                  row.attachment, row.text)
            return await messenger.send_document(row.chat_id, row.attachment_name,
                                                 row.attachment, row.text)
        return await messenger.send_text(row.chat_id, row.text, to_buttons(row.buttons))

    async def _deliver(self, row: Outbox, report: DrainReport) -> None:
        assert row.id is not None
        for _ in range(self.policy.rate_limit_retries + 1):
            try:
                sent = await self._attempt(row)
            except LeadLost:
                # Another sender leads now (we stalled past our lease): it sends this row.
                await self._settle(row, {"status": "queued", "lease_until": None,
                                         "claimed_by": None}, "lead_lost", report)
                return
            except RateLimited as exc:
                # Wait exactly what the platform asked, for this chat only, then try again.
                self.limiters[row.channel].pause_chat(f"{row.channel}:{row.chat_id}",
                                                      exc.retry_after)
                await self._log(row, "rate_limited", retry_after=exc.retry_after, error=str(exc))
                continue
            except TransientFailure as exc:
                self.limiters[row.channel].pause_chat(f"{row.channel}:{row.chat_id}",
                                                      self.policy.unanswered_hold.total_seconds())
                await self._retry_later(row, str(exc), report)
                return
            except Unreachable as exc:
                await self._unreachable(row, exc, report)
                return
            except Rejected as exc:
                log.error("outbox %s rejected by %s: %s", row.id, row.channel, exc)
                await self._settle(row, {"status": "failed", "last_error": str(exc)},
                                   "rejected", report, error=str(exc))
                report.failed += 1
                return
            except Exception as exc:
                # A fault of ours: keep the message, log with context, and try again later.
                log.exception("outbox %s: unexpected error while sending", row.id)
                await self._retry_later(row, f"{type(exc).__name__}: {exc}", report)
                return
            try:
                await self._settle(row, {"status": "sent", "sent_at": self.now(),
                                         "platform_message_id": sent.message_id,
                                         "last_error": None},
                                   "sent", report, platform_message_id=sent.message_id)
            finally:
                self._unsettled.release()
            report.sent += 1
            return
        await self._retry_later(row, "still rate limited", report)

    async def _retry_later(self, row: Outbox, error: str, report: DrainReport) -> None:
        if row.attempts >= self.policy.max_attempts:
            await self._give_up(row, error, report)
            return
        retry_at = next_retry(self.now(), row.attempts, self.policy.retry_base,
                              self.policy.retry_bound, self.rng.random())
        log.warning("outbox %s (%s%s to %s:%s) attempt %d of %d failed: %s; again at %s",
                    row.id, row.kind, f" {row.attachment_name}" if row.attachment_name else "",
                    row.channel, row.chat_id, row.attempts, self.policy.max_attempts, error,
                    retry_at.isoformat(timespec="seconds"))
        await self._settle(row, {"status": "queued", "next_attempt_at": retry_at,
                                 "lease_until": None, "last_error": error},
                           "retry", report, error=error)
        report.retried += 1

    async def _unreachable(self, row: Outbox, exc: Unreachable, report: DrainReport) -> None:
        await record_unreachable(self.sessions, self.worker, self.now(), row, exc, report,
                                 self.admin_chats)

    async def _settle(self, row: Outbox, values: dict[str, object], result: str,
                      report: DrainReport, **details: object) -> None:
        async with transaction(self.sessions) as session:
            held = await finish(row.id or 0, self.worker, values, session=session)
            await log_attempt(row.id or 0, self.worker, self.now(), result, session=session,
                              **details)  # type: ignore[arg-type]
        if not held:
            # Our lease ran out and another sender took the row: it will settle it.
            log.warning("outbox %s: lease lost before recording %s", row.id, result)
            report.lost_lease += 1

    async def _give_up(self, row: Outbox, error: str, report: DrainReport) -> None:
        await give_up(self.sessions, self.worker, self.now(), row, error, report)

    async def _log(self, row: Outbox, result: str, **details: object) -> None:
        async with transaction(self.sessions) as session:
            await log_attempt(row.id or 0, self.worker, self.now(), result, session=session,
                              **details)  # type: ignore[arg-type]


def _timeout(limiter: SendLimiter) -> float:
    """How long to wait for an answer before a slot or a chat may free up for a claim."""
    waits = [RECHECK_SECONDS, limiter.next_slot_in() - LOOKAHEAD_SECONDS]
    chat = limiter.next_chat_in()
    if chat is not None:
        waits.append(chat - LOOKAHEAD_SECONDS)
    return max(min(waits), IN_FLIGHT_RECHECK_SECONDS)


async def _first_done(tasks: set[asyncio.Task[None]],
                      timeout: float) -> tuple[set[asyncio.Task[None]], set[asyncio.Task[None]]]:
    done, pending = await asyncio.wait(tasks, timeout=timeout,
                                       return_when=asyncio.FIRST_COMPLETED)
    return done, pending


def _raise_failures(done: set[asyncio.Task[None]]) -> None:
    """A send task never fails on a platform error (it records it); anything else is a crash."""
    for task in done:
        error = task.exception()
        if error is not None:
            raise error
