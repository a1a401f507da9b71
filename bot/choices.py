"""Numbered choices for channels without buttons (Zalo): shown in the text, typed back.

A message's buttons become a legend ("Trả lời 1 = ✅ Hoàn thành, 2 = 🔄 Đang thực hiện, …");
what the person types back ("1", or "NV12 2" for one item of a reminder listing several) is
turned into the button's callback data, so the conversation handles it exactly like a press.

A number names one choice for as long as it is valid (OFFER_VALID_FOR), like a button on an
old message: numbers keep counting up while earlier ones are still valid, and start again at
1 only when none is. A reminder's item rows carry the item's code instead ("NV12 2"), which
never needs renumbering. While the bot waits for a typed answer that may be a number (a
percent, an indicator's value), a bare number is that answer, not a choice.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.keyboards import INDICATOR_BUTTONS, STATUS_BUTTONS, decode
from bot.messenger import Button, Buttons
from storage.chat import load_state
from storage.choices import load_offer, save_offer
from storage.db import transaction

OFFER_VALID_FOR = timedelta(days=7)
# Conversation steps whose answer is free text that may well be just a number.
AWAITING_TEXT = frozenset({"in_progress", "blocked", "extension", "indicator"})
_FULL_LABELS = dict(STATUS_BUTTONS) | dict(INDICATOR_BUTTONS)
_CODE = re.compile(r"(NV|CT)\d{1,6}")
_TYPED = re.compile(
    r"^\s*(?:#?\s*(nv|ct)\s*[-.]?\s*(\d{1,6})\s*[-:.,=]?\s*)?(\d{1,3})\s*[.)]?\s*$", re.I)
# Short labels ("✅ Hoàn thành") share one line; longer ones (an item's text) get one each.
ONE_LINE_CHARS = 160
SHORT_LABEL = 30


@dataclass(frozen=True)
class Numbered:
    """A message's buttons as a legend for its text and the tokens that answer it."""

    legend: str = ""
    tokens: dict[str, str] = field(default_factory=dict)
    numbers_used: int = 0

    def apply(self, text: str) -> str:
        """The message text with the legend after it."""
        return f"{text}\n\n{self.legend}" if self.legend else text


def _item_row(row: tuple[Button, ...]) -> tuple[str, tuple[str, ...]] | None:
    """(code, full option labels) for a row of one item's status buttons labelled with its code."""
    if len(row) < 2:
        return None
    choices = [decode(button.data) for button in row]
    if any(c is None or c.action not in ("status", "indicator") for c in choices):
        return None
    if len({c.target for c in choices if c is not None}) != 1:
        return None
    codes = {button.text.rsplit(" ", 1)[-1].strip() for button in row}
    code = codes.pop() if len(codes) == 1 else ""
    if not _CODE.fullmatch(code):
        return None
    return code, tuple(_FULL_LABELS.get(c.value, c.value) for c in choices if c is not None)


def _item_legend(labels: tuple[str, ...], numbers: dict[str, int], example: str) -> str:
    options = " · ".join(f"{numbers[label]} = {label}" for label in labels)
    noun = "chỉ tiêu" if example.startswith("CT") else "nhiệm vụ"
    return f"Trả lời mã {noun} kèm số: {options} (ví dụ: “{example} {numbers[labels[0]]}”)."


def number_buttons(buttons: Buttons, first: int = 1) -> Numbered:
    """A legend and tokens for a message's buttons; plain numbers start at `first`."""
    legends: list[str] = []
    tokens: dict[str, str] = {}
    by_options: dict[tuple[str, ...], list[str]] = {}
    numbers: dict[str, int] = {}
    plain: list[Button] = []
    for row in buttons:
        item = _item_row(row)
        if item is None:
            plain.extend(row)
            continue
        code, labels = item
        by_options.setdefault(labels, []).append(code)
        # One number, one meaning, across tasks and indicators of the whole message.
        for label, button in zip(labels, row, strict=True):
            number = numbers.setdefault(label, len(numbers) + 1)
            tokens[f"{code} {number}"] = button.data
    for labels, codes in by_options.items():
        legends.append(_item_legend(labels, numbers, codes[0]))
    pairs = [(str(number), button) for number, button in enumerate(plain, start=first)]
    tokens.update((number, button.data) for number, button in pairs)
    if pairs:
        one_line = "Trả lời " + ", ".join(f"{n} = {b.text}" for n, b in pairs)
        if len(one_line) <= ONE_LINE_CHARS and all(len(b.text) <= SHORT_LABEL for _, b in pairs):
            legends.append(one_line)
        else:
            legends.append("\n".join(["Trả lời bằng số:", *(f"{n} = {b.text}" for n, b in pairs)]))
    return Numbered("\n".join(legends), tokens, len(pairs))


_ITEM_LEGEND = re.compile(r"^Trả lời mã (?:nhiệm vụ|chỉ tiêu) kèm số: (.*) \(ví dụ")
_PAIR = re.compile(r"^(\d+) = (.*)$")


def read_legends(text: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """What a person sees offered (number_buttons read back): item options, plain pairs.

    Item options map a label to its number ("Hoàn thành" -> "1", typed as "NV12 1"); plain
    choices are (number, label) pairs. Simulated people (the demo, tests) answer through it.
    """
    item: dict[str, str] = {}
    plain: list[tuple[str, str]] = []
    lines = text.split("\n")
    for index, line in enumerate(lines):
        found = _ITEM_LEGEND.match(line)
        if found:
            for pair in found.group(1).split(" · "):
                number, _, label = pair.partition(" = ")
                item[label] = number
        elif line == "Trả lời bằng số:":
            plain += [(m.group(1), m.group(2)) for m in map(_PAIR.match, lines[index + 1:]) if m]
        elif line.startswith("Trả lời ") and " = " in line:
            pairs = re.split(r", (?=\d+ = )", line.removeprefix("Trả lời "))
            plain += [(m.group(1), m.group(2)) for m in map(_PAIR.match, pairs) if m]
    return item, plain


def typed_token(text: str) -> str | None:
    """The choice a typed message names: "2", "NV12 2" (any case, "nv12-2", "NV 12: 2")."""
    found = _TYPED.match(text)
    if found is None:
        return None
    letters, digits, number = found.groups()
    number = str(int(number))
    return f"{letters.upper()}{int(digits)} {number}" if letters else number


def _live(offer: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {token: entry for token, entry in offer.items()
            if datetime.fromisoformat(entry["until"]) > now}


def next_number(offer: dict[str, Any], now: datetime) -> int:
    """The first plain number free to offer: after every one still valid."""
    numbers = [int(token) for token in _live(offer, now) if token.isdigit()]
    return max(numbers, default=0) + 1


def merged(offer: dict[str, Any], tokens: dict[str, str], now: datetime,
           valid_for: timedelta = OFFER_VALID_FOR) -> dict[str, Any]:
    """The offer with new tokens added (valid from now) and expired ones dropped."""
    until = (now + valid_for).isoformat()
    return {**_live(offer, now), **{t: {"data": d, "until": until} for t, d in tokens.items()}}


def choice_for(offer: dict[str, Any], token: str, now: datetime) -> str | None:
    """The callback data a token stands for, if it was offered and is still valid."""
    entry = _live(offer, now).get(token)
    return str(entry["data"]) if entry is not None else None


class ChoiceBook:
    """Numbers a chat's choices and reads typed ones back, one channel's chats at a time."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], channel: str,
                 now: Callable[[], datetime], valid_for: timedelta = OFFER_VALID_FOR) -> None:
        self.sessions = sessions
        self.channel = channel
        self.now = now
        self.valid_for = valid_for
        # Numbering reads then writes the chat's offer: one send per chat at a time.
        self._locks: dict[str, asyncio.Lock] = {}

    def lock(self, chat_id: str) -> asyncio.Lock:
        """The lock a sender holds from numbering a chat's message to recording its offer."""
        return self._locks.setdefault(chat_id, asyncio.Lock())

    async def number(self, chat_id: str,
                     messages: Sequence[tuple[str, Buttons]]) -> list[Numbered]:
        """Legends and tokens for messages sent together; plain numbers continue across them."""
        first = 1
        if any(number_buttons(buttons).numbers_used for _, buttons in messages):
            async with self.sessions() as session:
                first = next_number(await load_offer(self.channel, chat_id, session=session),
                                    self.now())
        numbered = []
        for _, buttons in messages:
            numbered.append(number_buttons(buttons, first))
            first += numbered[-1].numbers_used
        return numbered

    async def offer(self, chat_id: str, tokens: dict[str, str]) -> None:
        """Remember tokens shown to a chat (once the message carrying them was delivered)."""
        if not tokens:
            return
        async with transaction(self.sessions) as session:
            offer = await load_offer(self.channel, chat_id, session=session)
            await save_offer(self.channel, chat_id,
                             merged(offer, tokens, self.now(), self.valid_for), session=session)

    async def resolve(self, chat_id: str, text: str) -> str | None:
        """The callback data a typed message chooses, or None when it is not a choice."""
        token = typed_token(text)
        if token is None:
            return None
        now = self.now()
        async with self.sessions() as session:
            data = choice_for(await load_offer(self.channel, chat_id, session=session),
                              token, now)
            if data is None or not token.isdigit():
                return data
            state = await load_state(self.channel, chat_id, now, session=session)
        return None if state.get("await") in AWAITING_TEXT else data
