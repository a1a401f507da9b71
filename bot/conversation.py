"""The conversation, channel-neutral: an incoming chat event in, the replies out.

Telegram and Zalo adapters turn their updates into `Incoming` and send back the `Outgoing`
list; everything else (roles, status recording, invites) happens here, in one transaction per
update. Messages for other chats (the secretariat, a requester) go through the outbox.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import texts
from bot.commands import handle_command
from bot.error_notices import ErrorNotices, OverLimit, Verdict
from bot.status_flow import handle_button, handle_file, handle_text
from bot.turn import (
    ID_LENGTH,
    ConversationConfig,
    Incoming,
    Outgoing,
    Turn,
    notify,
    storable,
)
from storage.chat import (
    agency_name,
    find_person_and_state,
    first_time,
    load_state,
    save_state,
)
from storage.committees import secretariat_about_chat
from storage.db import is_unavailable, transaction
from storage.invites import InviteError, recent_failures, redeem_invite
from storage.models import FocalPerson

log = logging.getLogger(__name__)
THROTTLE_WINDOW = timedelta(hours=1)
THROTTLE_ATTEMPTS = 5

__all__ = ["Conversation", "ConversationConfig", "Incoming", "Outgoing"]


class Conversation:
    """Handles chat events for every channel."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 config: ConversationConfig) -> None:
        self.sessions = sessions
        self.config = config
        self.error_notices = ErrorNotices()

    async def handle(self, incoming: Incoming) -> list[Outgoing]:
        """Handle one update exactly once; a redelivery gets no reply and changes nothing."""
        now = self.config.now()
        today = now.astimezone(self.config.tz).date()
        incoming = storable(incoming)
        if len(incoming.chat_id) > ID_LENGTH:
            log.warning("update %s:%s refused: chat id longer than %d characters",
                        incoming.channel, incoming.update_id, ID_LENGTH)
            return []
        async with transaction(self.sessions) as session:
            if not await first_time(incoming.channel, incoming.update_id, now, session=session):
                # Never silent: a new update wrongly taken for an old one would show here.
                log.warning("update %s:%s (chat %s) already handled: a redelivery, ignored",
                            incoming.channel, incoming.update_id, incoming.chat_id)
                return []
            person, state = await self._person(incoming, now, session)
            if incoming.command == "start":
                return await self._start(incoming, person, now, session)
            if person is None:
                log.info("refused %s chat %s: not registered", incoming.channel,
                         incoming.chat_id)
                return [Outgoing(texts.STRANGER)]
            if person.identity_id is not None:
                person.last_seen_at = now  # a linked person is reminded where they write last
            turn = Turn(session, person, incoming, now, today, state)
            if incoming.command == "huy":
                await save_state(incoming.channel, incoming.chat_id, {}, now, session=session)
                return turn.say(texts.CANCELLED)
            if incoming.callback is not None:
                return await handle_button(self.config, turn)
            if incoming.command:
                return await handle_command(self.config, turn)
            if incoming.file is not None:
                return await handle_file(self.config, turn)
            return await handle_text(self.config, turn)

    async def _person(self, incoming: Incoming, now: datetime,
                      session: AsyncSession) -> tuple[FocalPerson | None, dict[str, Any]]:
        person, state = await find_person_and_state(incoming.channel, incoming.chat_id, now,
                                                    session=session)
        configured = f"{incoming.channel}:{incoming.chat_id}" in self.config.admin_chat_ids
        if person is None and configured:
            person = FocalPerson(role="secretariat", channel=incoming.channel,
                                 chat_id=incoming.chat_id, name=incoming.sender_name,
                                 linked_at=now)
            session.add(person)
            await session.flush()
            state = await load_state(incoming.channel, incoming.chat_id, now, session=session)
            log.info("secretariat chat %s:%s linked from configuration", incoming.channel,
                     incoming.chat_id)
        return person, state

    async def _start(self, incoming: Incoming, person: FocalPerson | None, now: datetime,
                     session: AsyncSession) -> list[Outgoing]:
        code = incoming.args.strip()
        if not code:
            if person is None:
                return [Outgoing(texts.STRANGER)]
            name = await agency_name(person.agency_id, session=session)
            return [Outgoing(texts.welcome(person.role, name))]
        failures = await recent_failures(incoming.channel, incoming.chat_id,
                                         now - THROTTLE_WINDOW, session=session)
        if failures >= THROTTLE_ATTEMPTS:
            log.warning("invite throttled for %s chat %s", incoming.channel, incoming.chat_id)
            return [Outgoing(texts.THROTTLED)]
        try:
            linked = await redeem_invite(code, incoming.channel, incoming.chat_id,
                                         incoming.sender_name, now, session=session)
        except InviteError as refusal:
            log.info("invite refused for %s chat %s: %s", incoming.channel, incoming.chat_id,
                     refusal)
            return [Outgoing(str(refusal))]
        name = await agency_name(linked.agency_id, session=session)
        log.info("chat %s:%s linked as %s of %s", incoming.channel, incoming.chat_id,
                 linked.role, name)
        welcome = texts.welcome(linked.role, name)
        if linked.identity_id is not None:
            welcome += "\n" + texts.CHANNELS_LINKED
        return [Outgoing(welcome)]

    async def report_error(self, channel: str, update_id: object,
                           error: BaseException | None, chat_id: str | None = None) -> bool:
        """Tell the secretariat an update failed (no personal data: the type and the id): that
        of the committees the chat's person serves, every one for a chat of nobody.

        True when the secretariat has been told, now or by an earlier notice about the same
        chat; False when the notice could not be stored or the hourly bound held it back. The
        bound keeps one person from flooding the secretariat by repeating a failing message.
        """
        now = self.config.now()
        if is_unavailable(error):
            log.warning("update %s:%s not handled: the database is unavailable (%s)", channel,
                        update_id, type(error).__name__)
            return False
        text = (f"⚠️ Lỗi hệ thống khi xử lý một tin nhắn ({channel}, cập nhật {update_id}: "
                f"{type(error).__name__}). Chi tiết trong nhật ký máy chủ.")
        verdict: Verdict
        try:
            # The bound and the notices in one transaction: a notice not stored is not counted.
            async with transaction(self.sessions) as session:
                verdict = await self.error_notices.admit(f"{channel}:{chat_id}", now,
                                                         session=session)
                if verdict == "notify":
                    for person in await secretariat_about_chat(channel, chat_id,
                                                               session=session):
                        await notify(session, person,
                                     f"error:{channel}:{update_id}:{person.id}", text, now)
        except OverLimit:
            verdict = "over_limit"  # rolled back: this chat is not marked as told
        except Exception:
            log.exception("could not report failed update %s to the secretariat", update_id)
            return False
        if verdict != "notify":
            log.warning("error notice for update %s:%s not sent: %s", channel, update_id,
                        verdict)
            return verdict == "repeat"
        return True

    async def failure_text(self, channel: str, chat_id: str | None, update_id: object,
                           error: BaseException | None) -> str:
        """Report a failed update and return the true sentence to tell its chat."""
        reported = await self.report_error(channel, update_id, error, chat_id)
        return texts.failure(reported, is_unavailable(error))
