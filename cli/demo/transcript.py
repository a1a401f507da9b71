"""The demo's transcript: who received what, who answered what, shortened to a line or two."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, tzinfo

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.text import Text

from cli.demo.cast import SECRETARIAT
from cli.demo.channels import ChatMessage
from domain.reminder_text import shorten

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
LINE = 110
CODES_PER_GROUP = 6
INDENT = " " * 9
SECRETARIAT_CHAT = SECRETARIAT.chat_id
_ITEM = re.compile(r"^• (\S+) – .*\(([^()]*)\)$")
_HEADING = re.compile(r"^[^•].{0,80}:$")  # an agency's name heading its items
_CLOSING = ("Trả lời tin nhắn này", "Đề nghị đôn đốc", "Cán bộ đầu mối của đơn vị đã được nhắc")


_AGAIN = "chưa nhận được phản hồi cho lần nhắc trước"
_EXPECTED = "đã đến ngày dự kiến hoàn thành"
_GROUPS = "giao cho nhóm đơn vị"


def timing(text: str, again: bool = False, expected: bool = False) -> str:
    """A reminder line's bracket, shortened: "quá hạn 79 ngày", "còn 9 ngày", "chỉ tiêu"."""
    suffix = " (nhắc lại)" if again else " (hỏi đúng ngày dự kiến xong)" if expected else ""
    if text.startswith("hạn "):
        text = text.split(", ", 1)[-1]
    elif "chỉ tiêu" in text:
        text = "chỉ tiêu"
    elif text.startswith("định kỳ"):
        text = "định kỳ"
    elif text.startswith("theo tiến độ"):
        text = "theo tiến độ TW"
    return shorten(text, 40) + suffix


def item_codes(lines: Sequence[str]) -> list[str]:
    """Listed items as codes grouped by timing: "NV2, NV27: quá hạn 79 ngày · NV47: còn 9 ngày"."""
    groups: dict[str, list[str]] = {}
    for number, line in enumerate(lines):
        match = _ITEM.match(line)
        if match:
            # The line under an item says why it is asked: again, for want of an answer?
            below = lines[number + 1] if number + 1 < len(lines) else ""
            said = below.casefold() if not below.startswith("•") else ""
            groups.setdefault(timing(match.group(2), _AGAIN in said, _EXPECTED in said),
                              []).append(match.group(1))
    pieces = []
    for when, codes in groups.items():
        shown = ", ".join(codes[:CODES_PER_GROUP])
        more = f" +{len(codes) - CODES_PER_GROUP}" if len(codes) > CODES_PER_GROUP else ""
        pieces.append(f"{shown}{more}: {when}")
    return _wrap(pieces, " · ")


def _wrap(pieces: Sequence[str], joint: str) -> list[str]:
    lines: list[str] = []
    for piece in pieces:
        if lines and len(lines[-1]) + len(joint) + len(piece) <= LINE:
            lines[-1] += joint + piece
        else:
            lines.append(piece)
    return lines


def summarize(text: str) -> list[str]:
    """A bot message in a few lines: its gist, and the items it lists as codes."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return []
    if lines[0].startswith("Báo cáo tiến độ"):
        # A digest: its title and the sentences that sum it up.
        return [lines[0], *(line for line in lines if line.startswith(("Đã hoàn thành",)))]
    if len(lines) > 1 and lines[0].startswith("Kính gửi"):
        lines = lines[1:]  # whom it went to is on the arrow already
    groups = next((n for n, line in enumerate(lines) if _GROUPS in line), None)
    if groups is not None:  # the list's second part: items led by a group, not an agency
        led = summarize("\n".join(lines[groups + 1:])) if lines[groups + 1:] else []
        head = summarize("\n".join(lines[:groups])) if groups else []
        named = [line.replace(" đơn vị: ", " nhóm cần phân công cụ thể: ", 1)
                 for line in led[-1:] if " đơn vị: " in line]
        return [*head, *named] if head else [shorten(lines[groups], LINE), *named]
    listed = [line for line in lines if line.startswith("•")]
    items = [line for line in lines if not _HEADING.match(line)]
    if not listed:
        return [shorten(line, LINE) for line in lines[:3]]
    shown = [] if lines[0].startswith("•") else [shorten(lines[0], LINE)]
    agencies = [line for line in lines[1:] if _HEADING.match(line)]
    if not agencies:
        return shown + item_codes(items)
    # The secretariat's lists are grouped by agency: name the agencies, count their items.
    counts: dict[str, int] = {}
    current = ""
    for line in lines:
        if line in agencies:
            current = line.removesuffix(":")
        elif line.startswith("•") and current:
            counts[current] = counts.get(current, 0) + 1
    pieces = [f"{name} ({count})" for name, count in counts.items()]
    if not pieces:  # a part that holds only headings (its items are in the next part)
        return shown or [shorten(lines[0], LINE)]
    first = _wrap(pieces, ", ")[0]
    more = len(pieces) - first.count(" (")
    tail = f", … và {more} đơn vị khác" if more else ""
    return [*shown, f"{len(pieces)} đơn vị: {first}{tail}"]


def _continues(first: ChatMessage, later: ChatMessage) -> bool:
    """Whether `later` is the next part of a long message the bot split (no greeting again)."""
    return (first.from_bot and later.from_bot and first.chat_id == later.chat_id
            and first.text.startswith("Kính gửi") and not later.text.startswith("Kính gửi")
            and first.file_name is None and later.file_name is None
            and (later.text.startswith(("•", *_CLOSING)) or bool(_HEADING.match(
                later.text.split("\n", 1)[0]))))


class Transcript:
    """Prints the story as it happens, above a progress bar of the simulated days."""

    def __init__(self, console: Console, tz: tzinfo, names: Mapping[int, str]) -> None:
        self.console = console
        self.tz = tz
        self.names = dict(names)
        self.seen = 0
        self.progress = Progress(
            TextColumn("[bold]Ngày mô phỏng"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.description}"), console=console, transient=True,
            disable=not console.is_terminal)
        self._task = self.progress.add_task("", total=None)

    def __enter__(self) -> Transcript:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def print(self, *lines: str | Text, style: str = "") -> None:
        """Lines of the frame (never read as markup: Vietnamese text has brackets too)."""
        for line in lines:
            text = line if isinstance(line, Text) else Text(line, style=style)
            self.console.print(text, soft_wrap=True)

    def days(self, total: int) -> None:
        """How many simulated days the bar spans."""
        self.progress.update(self._task, total=total, completed=0)

    def day(self, day: date, number: int, total: int) -> None:
        """A new simulated working day begins."""
        self.progress.update(self._task, completed=number - 1, description=f"{day:%d/%m/%Y}")
        self.print("")
        self.print(f"── {WEEKDAYS[day.weekday()]} {day:%d/%m/%Y} · ngày {number}/{total} "
                   + "─" * 40, style="bold cyan")

    def day_done(self, number: int) -> None:
        """The bar moves on."""
        self.progress.update(self._task, completed=number)

    def event(self, at: datetime, text: str) -> None:
        """Something the system did (a scan, a digest), at a simulated time."""
        self.print(Text.assemble((self._clock(at), "dim"), ("⏰ " + text, "yellow")))

    def press(self, at: datetime, chat_id: int, label: str, typed: bool = False) -> None:
        """A person pressed a button (not a message, so told here), or typed its number."""
        action = (f" chọn [{label}] bằng cách gõ số (Zalo không có nút)" if typed
                  else f" bấm nút [{label}]")
        self.print(Text.assemble((self._clock(at), "dim"), (self._name(chat_id), "bold green"),
                                 action))

    def messages(self, messages: Iterable[ChatMessage]) -> None:
        """Print the messages not printed yet, in the order they happened.

        The parts of one long message (the platform's length limit split it) print as one.
        """
        fresh = sorted((m for m in messages if m.sequence > self.seen),
                       key=lambda m: m.sequence)
        groups: list[list[ChatMessage]] = []
        for message in fresh:
            earlier = next((g for g in reversed(groups) if g[0].chat_id == message.chat_id),
                           None)
            if earlier is not None and _continues(earlier[0], message):
                earlier.append(message)
            else:
                groups.append([message])
        for group in groups:
            self._message(group)
        if fresh:
            self.seen = fresh[-1].sequence

    def digest(self, at: datetime, texts: Sequence[str], files: Sequence[str],
               upto: int) -> None:
        """A digest as the secretariat received it: its gist and its attachments."""
        lines = summarize("\n".join(texts))
        lines.append(f"({len(texts)} tin văn bản; tệp kèm: {', '.join(files)})")
        self.print(Text.assemble((self._clock(at), "dim"), "🤖 → ",
                                 (self._name(SECRETARIAT_CHAT), "bold"), ": ", lines[0]))
        for line in lines[1:]:
            self.print(Text(INDENT + line, style="dim"))
        self.seen = max(self.seen, upto)

    def _message(self, parts: Sequence[ChatMessage]) -> None:
        first = parts[0]
        who = self._name(first.chat_id)
        text = "\n".join(part.text for part in parts)
        lines = summarize(text) if first.from_bot else [
            shorten(line, LINE) for line in text.split("\n") if line.strip()][:2]
        if first.file_name:
            lines = [f"📎 {first.file_name}", *lines]
        if len(parts) > 1:
            lines.append(f"(chia thành {len(parts)} tin do giới hạn độ dài)")
        head, rest = (lines[0], lines[1:]) if lines else ("", [])
        if first.from_bot:
            self.print(Text.assemble((self._clock(first.at), "dim"), "🤖 → ", (who, "bold"),
                                     ": ", head))
        else:
            self.print(Text.assemble((self._clock(first.at), "dim"), (who, "bold green"), ": ",
                                     (head, "green")))
        for line in rest:
            self.print(Text(INDENT + line, style="dim" if first.from_bot else "green"))

    def _name(self, chat_id: int) -> str:
        return self.names.get(chat_id, f"người dùng {chat_id}")

    def _clock(self, at: datetime) -> str:
        return f"  {at.astimezone(self.tz):%H:%M}  "
