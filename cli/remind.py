"""`dondoc remind`: one scan and drain by hand, or a dry run that shows every message and why."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.messenger import Messenger
from cli.committee_choice import chosen_committee, several
from cli.database import open_database
from cli.wiring import (
    calendar_around,
    make_sender,
    reminder_policy,
    service_clock,
    working_hours,
)
from config import Settings
from domain.calendar import WorkCalendar
from domain.committee_policy import policy_of
from domain.reminder_committee import committee_plan
from domain.reminder_reasons import explain
from domain.reminder_text import render_escalation, render_focal_message, render_unreachable
from domain.reminders import PlanResult, ReminderMessage, ReminderPolicy
from scheduler.scan import plan_day, scan
from storage.committee_settings import committee_policies


def _describe(message: ReminderMessage, body: str, policy: ReminderPolicy,
              policies: Mapping[int, ReminderPolicy] | None = None) -> str:
    person = message.recipient
    lines = [f"=== {person.role} #{person.person_id} {person.name} · {person.chat_ref}", body,
             "--- vì sao:"]
    lines += [f"  {item.item_code}: "
              f"{explain(item, policy_of(item.assignment.committee_id, policy, policies))}"
              f" [{item.kind}]" for item in message.items]
    return "\n".join(lines)


def render_plan(plan: PlanResult, secretariat_refs: list[str],
                policy: ReminderPolicy | None = None,
                policies: Mapping[int, ReminderPolicy] | None = None) -> str:
    """The dry run: every message the scan would queue, with the rule behind each line (by
    each item's committee's policy)."""
    policy = policy or ReminderPolicy()
    blocks = [_describe(m, render_focal_message(m, policy, policies=policies), policy, policies)
              for m in plan.messages]
    blocks += [_describe(m, render_escalation(m), policy, policies) for m in plan.escalations]
    listed = render_unreachable(plan.unreachable, plan.on)
    if listed:
        blocks.append(f"=== secretariat · {', '.join(secretariat_refs) or '(none registered)'}\n"
                      f"{listed}")
    blocks += [f"! {warning}" for warning in plan.warnings]
    if not blocks:
        return f"Ngày {plan.on:%d/%m/%Y}: không có tin nhắc việc nào."
    return "\n\n".join(blocks)


def configured_messengers(settings: Settings) -> dict[str, Messenger]:
    """The channels that have a token; none means messages wait in the outbox."""
    if not settings.telegram_token:
        return {}
    from telegram import Bot

    from bot.telegram_messenger import TelegramMessenger

    bot = Bot(settings.telegram_token, base_url=settings.telegram_base_url)
    return {"telegram": TelegramMessenger(bot)}


async def dry_run_text(sessions: async_sessionmaker[AsyncSession], day: date, settings: Settings,
                       calendar: WorkCalendar, committee: str | None) -> str:
    """The dry run of one committee (`--committee`, default the only one)."""
    policy = reminder_policy(settings)
    async with sessions() as session:
        owner = await chosen_committee(committee, session=session)
        shared = await several(session=session)
        plan, secretariat = await plan_day(day, settings.tz, calendar, policy, session=session)
        policies = await committee_policies(policy, session=session)
    if not shared:
        return render_plan(plan, [p.chat_ref for p in secretariat], policy, policies)
    # The scan plans every committee at once (one message a person); this shows one's part.
    cut = committee_plan(plan, owner.id or 0, secretariat)
    lines = [f"Ban Chỉ đạo: {owner.name} (mã {owner.code})"]
    if cut.shared_messages:
        lines.append(f"Lưu ý: {cut.shared_messages} tin nhắn gửi cơ quan còn gồm việc của Ban "
                     f"Chỉ đạo khác; ở đây chỉ hiện các dòng của {owner.name}.")
    refs = [p.chat_ref for p in secretariat if p.committee_id == owner.id]
    return "\n".join(lines) + "\n\n" + render_plan(cut.plan, refs, policy, policies)


async def remind(settings: Settings, day: date, dry_run: bool,
                 committee: str | None = None) -> None:
    """Plan (and unless dry, queue and send) the day's reminders."""
    # DONDOC_CLOCK_START (rehearsals) moves this clock as it moves the service's.
    now = service_clock(settings)()
    calendar = calendar_around(now)
    policy = reminder_policy(settings)
    async with open_database(settings) as sessions:
        if dry_run:
            print(await dry_run_text(sessions, day, settings, calendar, committee))
            return
        report = await scan(sessions, now, settings.tz, calendar, policy)
        print(f"Quét ngày {report.day:%d/%m/%Y}: {report.steps} bước nhắc, "
              f"{report.messages} tin ({report.parts} phần), "
              f"{report.unreachable} tin báo đơn vị chưa có đầu mối.")
        hours = working_hours(settings)
        if not hours.is_open(now, calendar):
            opening = hours.next_opening(now, calendar)
            print(f"Ngoài giờ làm việc: tin nhắn chờ gửi lúc {opening:%H:%M %d/%m/%Y}.")
            return
        messengers = configured_messengers(settings)
        if not messengers:
            print("Chưa cấu hình DONDOC_TELEGRAM_TOKEN: tin nhắn nằm chờ trong hàng đợi.")
            return
        sent = await make_sender(settings, sessions, messengers).drain()
        print(f"Đã gửi {sent.sent}, thử lại sau {sent.retried}, lỗi {sent.failed}, "
              f"không liên lạc được {sent.unreachable}.")
        if sent.standby:
            # Another instance (`dondoc run`) leads the sending for this bot: it sends them.
            print(f"Một phiên dondoc khác đang gửi qua {', '.join(sent.standby)}: "
                  "tin nhắn còn lại do phiên đó gửi.")
