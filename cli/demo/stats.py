"""How often each person of the demo was contacted: messages and contact days per week."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from cli.demo.cast import CAST, Person
from cli.demo.channels import ChatMessage

UNANSWERED = "chưa nhận được phản hồi"


@dataclass(frozen=True)
class Contact:
    """What one person received from the bot without asking, over the run."""

    person: Person
    messages: int
    days: int
    weeks_reached: int
    weeks: int

    @property
    def days_per_week(self) -> float:
        """Contact days per week of the run."""
        return self.days / self.weeks if self.weeks else 0.0


def contacts(messages: Sequence[ChatMessage], first: date, last: date,
             tz: tzinfo) -> list[Contact]:
    """Per person: the bot's messages that answer nothing they just sent (parts counted once)."""
    weeks = len({_monday(first + timedelta(days=n)) for n in range((last - first).days + 1)})
    found = []
    for person in CAST:
        chat = [m for m in messages if m.chat_id == person.chat_id]
        asked_at = {m.at for m in chat if not m.from_bot}
        own = [m for m in chat if m.from_bot and m.at not in asked_at
               and first <= m.at.astimezone(tz).date() <= last]
        # A long message split in parts, or a digest with its files, arrives at one moment.
        moments = {m.at for m in own}
        days = {moment.astimezone(tz).date() for moment in moments}
        found.append(Contact(person, len(moments), len(days),
                             len({_monday(day) for day in days}), weeks))
    return found


def render_contacts(found: Sequence[Contact]) -> list[str]:
    """The table printed at the demo's end, and the focal persons' average."""
    lines = ["Số lần liên hệ (tin chủ động của hệ thống, mỗi thời điểm tính một tin):"]
    for row in found:
        lines.append(f"  {row.person.label}: {row.messages} tin, {row.days} ngày liên hệ trong"
                     f" {row.weeks} tuần = {row.days_per_week:.1f} ngày/tuần; có tin trong"
                     f" {row.weeks_reached}/{row.weeks} tuần")
    focal = [row for row in found if row.person.role == "focal"]
    if focal:
        average = sum(row.days_per_week for row in focal) / len(focal)
        lines.append(f"  Bình quân cán bộ đầu mối: {average:.2f} ngày liên hệ/tuần")
    return lines


def unanswered_claims(messages: Sequence[ChatMessage]) -> int:
    """How many bot messages say that no answer came (checked against the script by eye)."""
    return sum(1 for m in messages if m.from_bot and UNANSWERED in m.text)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
