"""Everything is wired here: settings -> policy, calendar, messengers, sender."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.messenger import Messenger
from config import Settings
from domain.calendar import WorkCalendar, WorkingHours
from domain.reminders import ReminderPolicy
from scheduler.holidays_vn import vietnam_calendar
from scheduler.limits import SendLimiter
from scheduler.sender import DeliveryPolicy, Sender


def reminder_policy(settings: Settings) -> ReminderPolicy:
    """The reminder policy from the DONDOC_* knobs."""
    return ReminderPolicy(
        before_days=tuple(settings.remind_before),
        weekly_weekday=("mon", "tue", "wed", "thu", "fri").index(settings.weekly_day),
        escalate_after=settings.escalate_after,
        escalate_every=settings.escalate_every,
        report_quiet_days=settings.report_quiet_days,
        blocked_checkin_after=settings.blocked_checkin_after,
        recurring_default=settings.ongoing_every,
        dependent_every=settings.dependent_every,
        indicator_every=settings.indicator_every,
    )


def working_hours(settings: Settings) -> WorkingHours:
    """Office hours in the committee's time zone."""
    return WorkingHours(settings.workday_start, settings.workday_end, settings.tz)


def calendar_around(now: datetime) -> WorkCalendar:
    """Vietnam's working calendar for last year, this year and next (deadlines cross years)."""
    year = now.year
    return vietnam_calendar([year - 1, year, year + 1])


def service_clock(settings: Settings) -> Callable[[], datetime]:
    """The service's now: the real time, or DONDOC_CLOCK_START running on in real time."""
    if settings.clock_start is None:
        return lambda: datetime.now(UTC)
    offset = settings.clock_start - datetime.now(UTC)
    return lambda: datetime.now(UTC) + offset


def worker_name() -> str:
    """A name for this process in the outbox's claims and logs."""
    return f"{socket.gethostname()}:{os.getpid()}"


def make_sender(settings: Settings, sessions: async_sessionmaker[AsyncSession],
                messengers: dict[str, Messenger]) -> Sender:
    """The outbox sender with the configured limits."""
    # Each bot its own budget: Zalo's messages never spend Telegram's.
    budgets = {"telegram": (settings.send_per_second, settings.send_per_chat_seconds),
               "zalo": (settings.zalo_send_per_second, settings.zalo_send_per_chat_seconds)}
    limiters = {channel: SendLimiter(*budgets.get(channel, budgets["telegram"]))
                for channel in messengers}
    policy = DeliveryPolicy(lease=timedelta(seconds=settings.send_lease_seconds),
                            max_attempts=settings.send_max_attempts)
    admin_chats = [("telegram", str(chat)) for chat in settings.admin_chat_ids] + [
        ("zalo", chat) for chat in settings.zalo_admin_chat_ids]
    return Sender(sessions, messengers, limiters, worker=worker_name(),
                  now=service_clock(settings), policy=policy, admin_chats=admin_chats)
