"""The demo run: a fresh world, the story, then the digest in full and checked."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from rich.text import Text

from bot.conversation import Conversation, ConversationConfig
from cli.demo.cast import CAST, FIRST_DAY, LAST_DAY, SECRETARIAT
from cli.demo.channels import DemoChannel, open_channel
from cli.demo.check import all_match, compare, recorded_replies, task_classes
from cli.demo.clock import SimulatedClock
from cli.demo.command import DATABASE, LOG
from cli.demo.commune import add_commune
from cli.demo.console_web import console_server, secretariat_link
from cli.demo.stats import contacts, render_contacts
from cli.demo.story import REGISTER_AT, TZ, DigestDelivery, Story, local, working_days
from cli.demo.transcript import Transcript
from domain.digest_inputs import digest_period
from domain.import_report import render_import_summary
from domain.reminders import ReminderPolicy
from scheduler.holidays_vn import vietnam_calendar
from scheduler.limits import SendLimiter
from scheduler.sender import Sender
from storage.agencies import import_registry, read_registry
from storage.db import make_engine, session_factory, transaction
from storage.importer import import_appendix
from storage.migrate import upgrade_async

REPO = Path(__file__).resolve().parents[2]
APPENDIX = REPO / "examples" / "phu-luc-4362-CV-TU.txt"
REGISTRY = REPO / "examples" / "agencies.csv"


@dataclass(frozen=True)
class Outcome:
    """What the run leaves behind."""

    matches: bool
    chart: Path
    workbook: Path
    text: Path


def _fresh_database(folder: Path) -> str:
    """A new SQLite file in the output folder (a previous demo's is replaced: `--force`)."""
    path = folder / DATABASE
    for stale in (path, path.with_name(DATABASE + "-journal"), path.with_name(DATABASE + "-wal"),
                  path.with_name(DATABASE + "-shm")):
        stale.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _write_digest(delivery: DigestDelivery, folder: Path) -> tuple[Path, Path, Path]:
    """The digest as the secretariat's chat received it: text, PNG chart, XLSX workbook."""
    period = digest_period(delivery.day)
    if delivery.chart is None or delivery.workbook is None:
        raise RuntimeError("the digest's chart or workbook did not reach the secretariat")
    text = folder / f"bao-cao-tien-do-{period.key}.txt"
    chart = folder / f"bieu-do-tien-do-{period.key}.png"
    workbook = folder / (delivery.workbook_name or f"tien-do-nhiem-vu-{period.key}.xlsx")
    text.write_text("\n\n".join(delivery.texts) + "\n", encoding="utf-8")
    chart.write_bytes(delivery.chart)
    workbook.write_bytes(delivery.workbook)
    return text, chart, workbook


async def _keep_serving(story: Story, channel: DemoChannel, transcript: Transcript,
                        console_root: str) -> None:
    """--web: the clock runs on in real time; deliver and print until Ctrl-C."""
    story.clock.run_free()
    transcript.print("")
    transcript.print(f"Web chat: {channel.web_chat_url}  (Ctrl-C để dừng)", style="bold")
    link = await secretariat_link(story.sessions, console_root, story.clock.now())
    if link is not None:
        transcript.print(f"Bảng điều khiển (đăng nhập sẵn là Cơ quan thường trực, dùng một lần): "
                         f"{link}", style="bold")
    transcript.print("Chọn một người trong danh sách để tiếp tục thay họ; tin nhắn mới in ở đây.")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    while not stop.is_set():
        await story.drain()  # notices the conversation queued (extension requests, decisions)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)
    transcript.print("Đã dừng bot và máy chủ giả lập.")


async def run_demo(folder: Path, console: Console, channel_name: str, web: bool,
                   port: int, committees: int = 1) -> Outcome:
    """The whole demo; returns where the digest went and whether its figures checked out."""
    started = time.monotonic()
    url = _fresh_database(folder)
    await upgrade_async(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    calendar = vietnam_calendar([FIRST_DAY.year - 1, FIRST_DAY.year, FIRST_DAY.year + 1])
    days = working_days(FIRST_DAY, LAST_DAY, calendar)
    clock = SimulatedClock(local(FIRST_DAY, REGISTER_AT) - timedelta(minutes=30))
    try:
        async with transaction(sessions) as session:
            await import_registry(read_registry(REGISTRY), session=session)
            report = await import_appendix(APPENDIX, FIRST_DAY.year, clock.now(),
                                           session=session)
        commune = (await add_commune(sessions, folder, clock.now()) if committees > 1
                   else None)
        async with AsyncExitStack() as stack:
            root = (await stack.enter_async_context(console_server(sessions, TZ, clock.now))
                    if web else None)
            conversation = Conversation(sessions, ConversationConfig(
                tz=TZ, now=clock.now,
                link_for=lambda code: f"https://t.me/dondoc_bot?start={code}",
                console_link_for=lambda token: f"{root}/dangnhap#{token}" if root else None))
            names = {person.chat_id: person.label for person in CAST}
            channel = await stack.enter_async_context(
                open_channel(channel_name, conversation, clock, port))
            sender = Sender(sessions, channel.messengers(),
                            SendLimiter(per_second=30, per_chat_interval=0),
                            worker="demo", now=clock.now)
            transcript = Transcript(console, TZ, names)
            _header(transcript, channel, folder, days, render_import_summary(report))
            if commune:
                transcript.print(commune)
            story = Story(sessions, clock, channel, transcript, sender, calendar,
                          ReminderPolicy())
            with transcript:
                await story.register(FIRST_DAY)
                await story.run_days(days)
            outcome = await _finish(story, folder, time.monotonic() - started)
            if root is not None:
                await _keep_serving(story, channel, transcript, root)
        return outcome
    finally:
        await engine.dispose()


def _header(transcript: Transcript, channel: DemoChannel, folder: Path, days: list[date],
            summary: str) -> None:
    transcript.print(f"dondoc demo · kênh {channel.name} (máy chủ giả lập cục bộ, không cần token)",
                     style="bold")
    transcript.print(
        f"Thời gian mô phỏng: {days[0]:%d/%m/%Y} → {days[-1]:%d/%m/%Y}, {len(days)} ngày làm việc "
        "(bỏ qua cuối tuần và ngày lễ); giới hạn tốc độ gửi tin: tắt.",
        f"Cơ sở dữ liệu mới: {folder / DATABASE} · nhật ký: {folder / LOG}",
        f"Web chat trong lúc chạy (giữ lại sau đó với --web): {channel.web_chat_url}",
        style="dim")
    transcript.print("")
    transcript.print(*summary.split("\n"))


async def _finish(story: Story, folder: Path, elapsed: float) -> Outcome:
    """The last digest in full, its files, the database's record and the check."""
    transcript = story.transcript
    if not story.digests:
        raise RuntimeError("no digest was delivered")
    last = story.digests[-1]
    text, chart, workbook = _write_digest(last, folder)
    transcript.print("")
    transcript.print(f"═══ Báo cáo tuần cuối cùng, như Cơ quan thường trực nhận được "
                     f"({SECRETARIAT.name}) ═══", style="bold")
    transcript.print(*"\n\n".join(last.texts).split("\n"))
    if last.rollup:
        transcript.print("")
        transcript.print(f"═══ Tổng hợp các Ban Chỉ đạo cấp dưới, như Cơ quan thường trực nhận "
                         f"được ({SECRETARIAT.name}) ═══", style="bold")
        transcript.print(*last.rollup.split("\n"))
    transcript.print("")
    transcript.print("Tệp đính kèm của báo cáo:", style="bold")
    transcript.print(f"  PNG:  {chart}", f"  XLSX: {workbook}", f"  Văn bản: {text}")
    transcript.print("")
    transcript.print("Cơ sở dữ liệu ghi nhận các cập nhật sau:", style="bold")
    transcript.print(*(f"  {line}" for line in await recorded_replies(story.sessions, TZ)))
    comparisons = compare("\n".join(last.texts), await task_classes(story.sessions, last.day))
    matches = all_match(comparisons)
    transcript.print("")
    transcript.print(f"Đối chiếu số liệu báo cáo với cơ sở dữ liệu (ngày {last.day:%d/%m/%Y}):",
                     style="bold")
    for row in comparisons:
        mark = "✓" if row.matches else "✗"
        named = f" ({', '.join(row.codes)})" if row.codes else ""
        transcript.print(Text(f"  {mark} {row.label}: báo cáo {row.digest}, CSDL {row.database}"
                              f"{named}", style="green" if row.matches else "bold red"))
    transcript.print(Text("Khớp: số liệu của báo cáo đúng với cơ sở dữ liệu." if matches else
                          "KHÔNG KHỚP: số liệu của báo cáo khác cơ sở dữ liệu.",
                          style="bold green" if matches else "bold red"))
    transcript.print("")
    transcript.print(*render_contacts(contacts(story.channel.messages(), FIRST_DAY, LAST_DAY,
                                               TZ)))
    transcript.print("")
    transcript.print(f"Tổng kết: {len(story.digests)} báo cáo tuần, {story.reminders_sent} tin "
                     f"nhắc việc và báo cáo quá hạn; xong sau {elapsed:.1f} giây thật.",
                     style="bold")
    return Outcome(matches, chart, workbook, text)
