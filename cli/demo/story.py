"""The demo's story: the cast joins, then working day after working day the real jobs run.

Each simulated day: the 08:00 reminder scan queues the day's reminders and the sender delivers
them through the channel; the people act as the script says (button presses and typed replies
through the platform stand-in, which dondoc's adapter receives by polling); every notice the
conversation queues for someone else (an extension request for the secretariat, its decision
for the requester) is delivered by the next drain; and on the digest's slot (Friday 16:00 by
default) `send_digest` queues the weekly digest, which the sender delivers too.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.keyboards import INDICATOR_BUTTONS, STATUS_BUTTONS, row_label_for
from cli.demo.cast import (
    CAST,
    SCRIPT,
    SECRETARIAT,
    Act,
    Decide,
    Person,
    Press,
    SendFile,
    Unblock,
    Write,
)
from cli.demo.channels import ChatMessage, DemoChannel
from cli.demo.clock import SimulatedClock
from cli.demo.transcript import Transcript
from config import Settings
from domain.calendar import WorkCalendar
from domain.reminders import ReminderPolicy
from scheduler.digest_job import send_digest
from scheduler.scan import scan
from scheduler.sender import Sender
from storage.db import transaction
from storage.invites import create_invite
from storage.models import Agency, Assignment, Item

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
REGISTER_AT = time(7, 30)
SCAN_AT = time(8, 0)  # the default DONDOC_WORKDAY_START, when `dondoc run` scans
# The first line of a roll-up (domain.rollup), told apart from the digest's own parts.
ROLLUP_HEADING = "Ban Chỉ đạo cấp dưới"
DIGEST_CRON = str(Settings.model_fields["digest_cron"].default)
REPLY_TIMEOUT = 15.0  # seconds of real time for the bot to answer one action
QUIET = 0.1  # seconds without a new message that mean the bot has said all it will say
LABELS = {choice: label for choice, label in (*STATUS_BUTTONS, *INDICATOR_BUTTONS)}
_INVITE_CODE = re.compile(r"^Mã mời cho .*: ([A-Z0-9]+)$", re.MULTILINE)


def local(day: date, at: time) -> datetime:
    """A moment of a simulated day in the committee's time zone."""
    return datetime.combine(day, at, tzinfo=TZ)


def working_days(first: date, last: date, calendar: WorkCalendar) -> list[date]:
    """The days the story visits: weekends and Vietnamese holidays are skipped."""
    days, day = [], first
    while day <= last:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def digest_slot(day: date) -> time | None:
    """When the digest job fires on `day`, if it does (the default schedule)."""
    trigger = CronTrigger.from_crontab(DIGEST_CRON, timezone=TZ)
    fire = trigger.get_next_fire_time(None, local(day, time(0)))
    if fire is None or fire.astimezone(TZ).date() != day:
        return None
    return fire.astimezone(TZ).time()


@dataclass
class DigestDelivery:
    """What the secretariat's chat received from one run of the digest job."""

    day: date
    texts: list[str] = field(default_factory=list)
    chart: bytes | None = None
    workbook: bytes | None = None
    workbook_name: str | None = None
    # A parent committee's roll-up of its children (demo --committees 2).
    rollup: str | None = None


@dataclass
class Story:
    """The cast, the clock and the jobs, driven one simulated moment at a time."""

    sessions: async_sessionmaker[AsyncSession]
    clock: SimulatedClock
    channel: DemoChannel
    transcript: Transcript
    sender: Sender
    calendar: WorkCalendar
    policy: ReminderPolicy
    people: dict[str, Person] = field(default_factory=lambda: {p.key: p for p in CAST})
    digests: list[DigestDelivery] = field(default_factory=list)
    reminders_sent: int = 0

    # --- the system's jobs ---------------------------------------------------------------

    async def drain(self) -> None:
        """Deliver whatever the outbox holds now, and print it."""
        await self.sender.drain()
        self.transcript.messages(self.channel.messages())

    async def morning_scan(self) -> None:
        """The daily reminder scan, then a drain (as the ticker does at the start of the day)."""
        report = await scan(self.sessions, self.clock.now(), TZ, self.calendar, self.policy)
        self.reminders_sent += report.messages
        if report.messages or report.unreachable:
            self.transcript.event(self.clock.now(), (
                f"Quét nhắc việc: {report.messages} tin nhắc/báo cáo quá hạn"
                + (f", {report.unreachable} tin về đơn vị chưa có đầu mối"
                   if report.unreachable else "")))
        else:
            self.transcript.event(self.clock.now(), "Quét nhắc việc: hôm nay không có gì phải nhắc")
        await self.drain()

    async def weekly_digest(self) -> None:
        """The digest job, then a drain that delivers it to the secretariat's chat."""
        report = await send_digest(self.sessions, self.clock.now(), TZ)
        self.transcript.event(self.clock.now(), f"Báo cáo tuần: {report.messages} tin (văn bản, "
                              "biểu đồ PNG, bảng Excel) xếp hàng gửi Cơ quan thường trực")
        mark = self._last_sequence()
        await self.sender.drain()
        await self.channel.open_files(SECRETARIAT.chat_id)
        delivery = DigestDelivery(self.clock.now().astimezone(TZ).date())
        arrived = [m for m in self.channel.messages(SECRETARIAT.chat_id)
                   if m.sequence > mark and m.from_bot]
        files = []
        for message in arrived:
            if message.file_name and message.file_name.endswith(".xlsx"):
                delivery.workbook, delivery.workbook_name = message.file_data, message.file_name
                files.append(message.file_name)
            elif message.file_data is not None:
                delivery.chart = message.file_data
                files.append("biểu đồ PNG")
            elif ROLLUP_HEADING in message.text.split("\n", 1)[0]:
                delivery.rollup = message.text
            else:
                delivery.texts.append(message.text)
        self.digests.append(delivery)
        ours = {m.sequence for m in arrived}
        self.transcript.messages(m for m in self.channel.messages() if m.sequence not in ours)
        if arrived:
            self.transcript.digest(arrived[0].at, delivery.texts, files, arrived[-1].sequence)

    # --- the people ------------------------------------------------------------------------

    async def register(self, day: date) -> None:
        """The secretariat links with a bootstrap code, then invites each agency's people."""
        self.clock.set(local(day, REGISTER_AT))
        self.transcript.print("")
        self.transcript.print(f"── {day:%d/%m/%Y}, trước giờ làm việc: Cơ quan thường trực mời cán "
                              "bộ đầu mối và lãnh đạo " + "─" * 20, style="bold cyan")
        async with transaction(self.sessions) as session:
            bootstrap = await create_invite(None, "secretariat", self.clock.now(),
                                            timedelta(days=7), session=session)
        self.transcript.event(self.clock.now(), "Mã quản trị cho Cơ quan thường trực "
                              "(như `dondoc admin bootstrap`)")
        await self._join(SECRETARIAT, bootstrap.code)
        for person in CAST:
            if person.role == "secretariat":
                continue
            assert person.agency is not None
            suffix = " lanhdao" if person.role == "leader" else ""
            invite = await self._say(SECRETARIAT, f"/moi {person.agency}{suffix}")
            found = _INVITE_CODE.search(invite.text)
            if found is None:
                raise RuntimeError(f"no invite code in the bot's answer: {invite.text!r}")
            await self._join(person, found.group(1))

    async def _join(self, person: Person, code: str) -> None:
        self.channel.add_person(person.chat_id, person.name)
        welcome = await self._say(person, f"/start {code}")
        if not welcome.text.startswith("Đã liên kết"):
            raise RuntimeError(f"{person.name} could not link: {welcome.text!r}")

    async def perform(self, act: Act) -> None:
        """One person's scripted actions about one item, each answered by the bot."""
        person = self.people[act.who]
        code = await self.code_of(person, act.item) if act.item else ""
        for step in act.steps:
            if isinstance(step, Write):
                reply_to = self._newest_reminder(person) if step.reply else None
                await self._say(person, step.text.format(code=code), reply_to)
            elif isinstance(step, Press):
                message, label = await self._button(person, code, LABELS[step.choice])
                await self._press(person, message, label)
            elif isinstance(step, SendFile):
                before = self._last_sequence()
                self.channel.send_file(person.chat_id, step.name, step.content)
                await self._answered(person, before)
            elif isinstance(step, Decide):
                notice = self._newest(person, lambda m: m.text.startswith("📅 Đề nghị gia hạn"))
                if notice is None:
                    raise RuntimeError("the secretariat has no extension request to decide")
                await self._press(person, notice, "✅ Đồng ý" if step.approve
                                  else "❌ Không đồng ý")
            elif isinstance(step, Unblock):
                await self._unblock(person, step)
        await self.drain()

    async def _unblock(self, person: Person, step: Unblock) -> None:
        """Press "forward" (then name the agency) or "handled" under the newest blocker notice."""
        notice = self._newest(person, lambda m: m.text.startswith("⚠️ Vướng mắc cần xử lý"))
        if notice is None:
            raise RuntimeError("the secretariat has no blocker notice to act on")
        if step.forward_to is None:
            await self._press(person, notice, "✅ Đã xử lý")
            return
        await self._press(person, notice, "➡️ Chuyển cơ quan phối hợp")
        await self._say(person, step.forward_to)

    async def code_of(self, person: Person, start: str) -> str:
        """The code of the person's agency's item whose wording starts with `start`."""
        async with self.sessions() as session:
            found = (await session.exec(
                select(Item.code).join(Assignment, col(Assignment.item_id) == col(Item.id))
                .join(Agency, col(Agency.id) == col(Assignment.agency_id))
                .where(Agency.name == person.agency, col(Item.text).startswith(start)))).first()
        if not found:
            raise RuntimeError(f"no item “{start}…” for {person.agency}")
        return found

    async def _button(self, person: Person, code: str, label: str) -> tuple[ChatMessage, str]:
        """The newest message with this item's button; else the item's card (/capnhat)."""
        # A reminder of several items labels each button with its code; one of one item, not.
        short = row_label_for(label, code)
        message = self._newest(person, lambda m: short in m.buttons or (
            label in m.buttons and f" {code} – " in m.text))
        if message is not None:
            return message, short if short in message.buttons else label
        card = await self._say(person, f"/capnhat {code}")
        if label not in card.buttons:
            raise RuntimeError(f"no button {label!r} for {code}: {card.text!r}")
        return card, label

    async def _press(self, person: Person, message: ChatMessage, label: str) -> None:
        before = self._last_sequence()
        self.transcript.press(self.clock.now(), person.chat_id, label,
                              typed=self.channel.typed_choices)
        self.channel.press(person.chat_id, message, label)
        await self._answered(person, before)

    async def _say(self, person: Person, text: str,
                   reply_to: ChatMessage | None = None) -> ChatMessage:
        """Send a message and return the bot's first answer to it."""
        before = self._last_sequence()
        self.channel.send_text(person.chat_id, text, reply_to)
        return await self._answered(person, before)

    async def _answered(self, person: Person, before: int) -> ChatMessage:
        """Wait for the bot's answer in the person's chat, print the exchange, return it."""
        await self.channel.wait_for_bot(person.chat_id, before, REPLY_TIMEOUT)
        count = -1
        while count != len(self.channel.messages(person.chat_id)):
            count = len(self.channel.messages(person.chat_id))
            await asyncio.sleep(QUIET)
        self.transcript.messages(self.channel.messages())
        return next(m for m in self.channel.messages(person.chat_id)
                    if m.from_bot and m.sequence > before)

    def _newest(self, person: Person,
                wanted: Callable[[ChatMessage], bool]) -> ChatMessage | None:
        for message in reversed(self.channel.messages(person.chat_id)):
            if message.from_bot and wanted(message):
                return message
        return None

    def _newest_reminder(self, person: Person) -> ChatMessage:
        found = self._newest(person, lambda m: "Ban Chỉ đạo đề nghị đồng chí cập nhật" in m.text)
        if found is None:
            raise RuntimeError(f"{person.name} has no reminder to reply to")
        return found

    def _last_sequence(self) -> int:
        messages = self.channel.messages()
        return messages[-1].sequence if messages else 0

    # --- the days --------------------------------------------------------------------------

    async def run_days(self, days: list[date]) -> None:
        """Every working day: the scan, the script's acts, the digest on its slot, in time order."""
        self.transcript.days(len(days))
        for number, day in enumerate(days, start=1):
            self.transcript.day(day, number, len(days))
            events: list[tuple[time, int, Act | str]] = [(SCAN_AT, 0, "scan")]
            events += [(act.at, 1, act) for act in SCRIPT if act.day == day]
            slot = digest_slot(day)
            if slot is not None:
                events.append((slot, 2, "digest"))
            for at, _, event in sorted(events, key=lambda e: (e[0], e[1])):
                self.clock.set(local(day, at))
                if event == "scan":
                    await self.morning_scan()
                elif event == "digest":
                    await self.weekly_digest()
                else:
                    assert isinstance(event, Act)
                    await self.perform(event)
            self.transcript.day_done(number)
