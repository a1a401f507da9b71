"""The sender: claims due outbox rows and delivers them within the platform's limits."""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.messenger import (
    Button,
    Buttons,
    Messenger,
    RateLimited,
    Rejected,
    Sent,
    TransientFailure,
    Unreachable,
)
from domain.notices import GIVEN_UP_NOTICE, given_up_notice, unreachable_notice
from scheduler.limits import SendLimiter
from storage.db import transaction
from storage.models import Outbox
from storage.outbox import NewMessage, claim_due, enqueue, finish, log_attempt, next_retry
from storage.people import mark_unreachable, secretariat_chats

log = logging.getLogger(__name__)
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


@dataclass(frozen=True)
class DeliveryPolicy:
    """How the sender claims and retries."""

    lease: timedelta = timedelta(minutes=5)
    batch: int = 200
    retry_base: timedelta = timedelta(seconds=30)
    retry_bound: timedelta = timedelta(minutes=30)
    rate_limit_retries: int = 5
    # Attempts before a message that keeps failing (5xx, time-outs, our faults) is given up and
    # the secretariat told: with the back-off above, about six hours.
    max_attempts: int = 16


@dataclass
class DrainReport:
    """What one drain did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    unreachable: int = 0
    lost_lease: int = 0
    errors: list[str] = field(default_factory=list)


def to_buttons(raw: list[list[dict[str, str]]] | None) -> Buttons:
    """Outbox JSON buttons -> Messenger buttons."""
    return tuple(tuple(Button(b["text"], b["data"]) for b in row) for row in raw or [])


class Sender:
    """Delivers the outbox; several senders may run at once, each claim is exclusive."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        messengers: Mapping[str, Messenger],
        limiter: SendLimiter,
        *,
        worker: str,
        now: Callable[[], datetime],
        policy: DeliveryPolicy | None = None,
        rng: random.Random | None = None,
        admin_chats: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.sessions = sessions
        self.messengers = messengers
        self.limiter = limiter
        self.worker = worker
        self.now = now
        self.policy = policy or DeliveryPolicy()
        self.rng = rng or random.Random()
        # (channel, chat id) of DONDOC_ADMIN_CHAT_IDS: told when no secretariat chat is left.
        self.admin_chats = tuple(admin_chats)

    async def drain(self) -> DrainReport:
        """Send every due row, batch after batch, until none is left to claim."""
        report = DrainReport()
        while True:
            async with transaction(self.sessions) as session:
                rows = await claim_due(self.now(), self.worker, self.policy.lease,
                                       self.policy.batch, list(self.messengers), session=session)
            if not rows:
                return report
            by_chat: dict[tuple[str, str], list[Outbox]] = defaultdict(list)
            for row in rows:
                by_chat[(row.channel, row.chat_id)].append(row)
            await asyncio.gather(*(self._send_chat(chat_rows, report)
                                   for chat_rows in by_chat.values()))

    async def _send_chat(self, rows: list[Outbox], report: DrainReport) -> None:
        for row in rows:
            await self._deliver(row, report)

    async def _attempt(self, row: Outbox) -> Sent:
        messenger = self.messengers[row.channel]
        chat = f"{row.channel}:{row.chat_id}"
        await self.limiter.acquire(chat)
        try:
            if row.attachment is not None and row.attachment_name:
                if row.attachment_name.lower().endswith(_IMAGE_SUFFIXES):
                    return await messenger.send_photo(row.chat_id, row.attachment_name,
                                                      row.attachment, row.text)
                return await messenger.send_document(row.chat_id, row.attachment_name,
                                                     row.attachment, row.text)
            return await messenger.send_text(row.chat_id, row.text, to_buttons(row.buttons))
        finally:
            self.limiter.release(chat)

    async def _deliver(self, row: Outbox, report: DrainReport) -> None:
        assert row.id is not None
        for _ in range(self.policy.rate_limit_retries + 1):
            try:
                sent = await self._attempt(row)
            except RateLimited as exc:
                # Wait exactly what the platform asked, for this chat only, then try again.
                self.limiter.pause_chat(f"{row.channel}:{row.chat_id}", exc.retry_after)
                await self._log(row, "rate_limited", retry_after=exc.retry_after, error=str(exc))
                continue
            except TransientFailure as exc:
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
            await self._settle(row, {"status": "sent", "sent_at": self.now(),
                                     "platform_message_id": sent.message_id, "last_error": None},
                               "sent", report, platform_message_id=sent.message_id)
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
        now = self.now()
        async with transaction(self.sessions) as session:
            held = await finish(row.id or 0, self.worker,
                                {"status": "failed", "last_error": str(exc)}, session=session)
            await log_attempt(row.id or 0, self.worker, now, "unreachable", error=str(exc),
                              session=session)
            if not held:
                report.lost_lease += 1
                return
            report.unreachable += 1
            if row.focal_person_id is None:
                return
            person = await mark_unreachable(row.focal_person_id, str(exc), session=session)
            if person is not None and person.elsewhere is not None:
                # The same person linked another channel: the message goes there instead.
                channel, chat_id, other_id = person.elsewhere
                await enqueue(NewMessage(
                    key=f"{row.key}:to:{channel}:{chat_id}"[:200], kind=row.kind,
                    channel=channel, chat_id=chat_id, text=row.text, focal_person_id=other_id,
                    buttons=row.buttons, attachment_name=row.attachment_name,
                    attachment=row.attachment), now, session=session)
                return
            if person is None:
                return
            text = unreachable_notice(person.name, person.agency_name, exc.reason,
                                      secretariat=person.role == "secretariat")
            recipients: list[tuple[str, str, int | None]] = [
                (channel, chat_id, person_id) for channel, chat_id, person_id
                in await secretariat_chats(session=session)
                if (channel, chat_id) != (row.channel, row.chat_id)]
            if not recipients:
                # No secretariat chat left: the configured admin chats are the last resort.
                recipients = [(channel, chat_id, None) for channel, chat_id in self.admin_chats
                              if (channel, chat_id) != (row.channel, row.chat_id)]
            if not recipients:
                log.error("%s chat %s:%s (person %s, %s) is unreachable (%s) and no secretariat "
                          "or admin chat is left to tell: set DONDOC_ADMIN_CHAT_IDS or link "
                          "another secretariat chat", person.role, row.channel, row.chat_id,
                          row.focal_person_id, person.name or person.agency_name or "?", exc)
                return
            log.warning("%s chat %s:%s is unreachable (%s); telling %d chat(s)", person.role,
                        row.channel, row.chat_id, exc, len(recipients))
            for channel, chat_id, recipient_id in recipients:
                await enqueue(NewMessage(
                    key=f"unreachable:{row.focal_person_id}:{now.date().isoformat()}:{chat_id}",
                    kind="unreachable_notice", channel=channel, chat_id=chat_id, text=text,
                    focal_person_id=recipient_id), now, session=session)

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

    async def _log(self, row: Outbox, result: str, **details: object) -> None:
        async with transaction(self.sessions) as session:
            await log_attempt(row.id or 0, self.worker, self.now(), result, session=session,
                              **details)  # type: ignore[arg-type]

    async def _give_up(self, row: Outbox, error: str, report: DrainReport) -> None:
        """Fail a message that kept failing, and tell the secretariat (not about its notices)."""
        what = row.attachment_name or row.kind
        log.error("outbox %s (%s to %s:%s) given up after %d attempts: %s", row.id, what,
                  row.channel, row.chat_id, row.attempts, error)
        now = self.now()
        async with transaction(self.sessions) as session:
            held = await finish(row.id or 0, self.worker, {
                "status": "failed", "last_error": f"gave up after {row.attempts} attempts: "
                                                  f"{error}"[:1000]}, session=session)
            await log_attempt(row.id or 0, self.worker, now, "given_up", error=error,
                              session=session)
            if held and row.kind != GIVEN_UP_NOTICE:
                text = given_up_notice(what, row.channel, row.attempts, error)
                for channel, chat_id, person_id in await secretariat_chats(session=session):
                    await enqueue(NewMessage(
                        key=f"given-up:{row.id}:{channel}:{chat_id}"[:200], kind=GIVEN_UP_NOTICE,
                        channel=channel, chat_id=chat_id, text=text, focal_person_id=person_id),
                        now, session=session)
        report.failed += 1
