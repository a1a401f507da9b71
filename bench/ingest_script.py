"""Status replies as Telegram delivers them: per-chat conversations, interleaved across chats.

Each chat runs whole exchanges in order (a press of 🔄 is followed by the percent, a "done" by
its evidence), so what the bot must record is known in advance and checked after the run.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from bench.ingest_world import ChatPlan
from bot.keyboards import Choice, encode
from domain.replies import parse_reply

BOT = {"id": 1234567890, "is_bot": True, "first_name": "dondoc", "username": "dondoc_bot"}
# Query ids the benchmark makes, far from the sandbox's own (which start at 2**62).
FIRST_QUERY_ID = 5_000_000_000_000_000_000
TODAY = date(2025, 9, 22)

IN_PROGRESS = ("{code} đang thực hiện {p}%",
               "{code} dang thuc hien {p}%, du kien xong trong thang 11",
               "{code} chưa hoàn thành, đạt khoảng {p}%",
               "{code} đã trình UBND tỉnh, chờ phê duyệt")
DONE_WITH_PROOF = ("{code} da hoan thanh, QĐ {n}/QĐ-UBND",
                   "{code} đã hoàn thành, Quyết định số {n}/QĐ-UBND ngày 12/9/2025")
DONE_BARE = ("{code} xong roi", "{code} đã hoàn thành")
BLOCKED = ("{code} vướng mắc do chưa được bố trí kinh phí",
           "{code} gap kho khan: chua co huong dan cua Bo")
EXTENSION = ("{code} xin gia hạn đến 30/11/2025 do chờ kinh phí",
             "{code} đề nghị gia hạn đến 31/12/2025 vì chưa có hướng dẫn của Bộ")
UNCLEAR = ("{code} ok, đã nhận", "{code} đơn vị đã nắm thông tin")
PERCENT = ("{p}%, đang trình UBND tỉnh phê duyệt", "Được khoảng {p}%", "đạt {p}% khối lượng")
OBSTACLE = ("Chưa bố trí được kinh phí", "Đang chờ hướng dẫn của Bộ Khoa học và Công nghệ")
PROOF = ("Báo cáo số {n}/BC-UBND ngày 15/9/2025", "Quyết định số {n}/QĐ-UBND ngày 10/9/2025")
INDICATOR_VALUE = ("Đạt khoảng {p}%", "5G phủ khoảng {p}% dân số")

# (what the step sends, its text or callback data, the rows it adds)
Step = tuple[str, str, dict[str, int]]
Episode = Callable[[int, str, random.Random], list[Step]]


def _fill(template: str, code: str, rng: random.Random) -> str:
    return template.format(code=code, p=rng.randrange(10, 96, 5), n=rng.randrange(100, 9999))


def _text(rng: random.Random, templates: tuple[str, ...], code: str = "") -> str:
    return _fill(rng.choice(templates), code, rng)


def _button(assignment: int, value: str, action: str = "status") -> str:
    return encode(Choice(action, assignment, value))


def _typed_in_progress(a: int, code: str, rng: random.Random) -> list[Step]:
    return [("text", _text(rng, IN_PROGRESS, code), {"status_changes": 1})]


def _typed_done(a: int, code: str, rng: random.Random) -> list[Step]:
    proof = rng.random() < 0.5
    text = _text(rng, DONE_WITH_PROOF if proof else DONE_BARE, code)
    return [("text", text, {"status_changes": 1, "evidence": int(proof)}),
            ("text", _text(rng, PROOF), {"evidence": 1})]


def _typed_blocked(a: int, code: str, rng: random.Random) -> list[Step]:
    return [("text", _text(rng, BLOCKED, code), {"status_changes": 1})]


def _typed_extension(a: int, code: str, rng: random.Random) -> list[Step]:
    # The request waits for the secretariat: one notice to its one chat, through the outbox.
    return [("text", _text(rng, EXTENSION, code),
             {"extension_requests": 1, "outbox_notices": 1})]


def _pressed_in_progress(a: int, code: str, rng: random.Random) -> list[Step]:
    return [("button", _button(a, "in_progress"), {}),
            ("text", _text(rng, PERCENT), {"status_changes": 1})]


def _pressed_blocked(a: int, code: str, rng: random.Random) -> list[Step]:
    return [("button", _button(a, "blocked"), {}),
            ("text", _text(rng, OBSTACLE), {"status_changes": 1})]


def _pressed_done(a: int, code: str, rng: random.Random) -> list[Step]:
    return [("button", _button(a, "done"), {"status_changes": 1}),
            ("text", _text(rng, PROOF), {"evidence": 1})]


def _unclear_then_pressed(a: int, code: str, rng: random.Random) -> list[Step]:
    return [("text", _text(rng, UNCLEAR, code), {}), *_pressed_in_progress(a, code, rng)]


def _indicator(a: int, code: str, rng: random.Random) -> list[Step]:
    value = rng.choice(("achieved", "not_achieved"))
    return [("button", _button(a, value, "indicator"), {}),
            ("text", _text(rng, INDICATOR_VALUE), {"indicator_reports": 1})]


TASK_EPISODES: tuple[tuple[Episode, int], ...] = (
    (_typed_in_progress, 25), (_typed_done, 15), (_typed_blocked, 8), (_typed_extension, 5),
    (_pressed_in_progress, 20), (_pressed_blocked, 7), (_pressed_done, 10),
    (_unclear_then_pressed, 5))
INDICATOR_SHARE = 0.1


def _check_templates() -> None:
    """Every template must read as the benchmark assumes, or the expected counts are wrong."""
    rng = random.Random(0)
    wanted = [(IN_PROGRESS, "in_progress", None), (DONE_WITH_PROOF, "done", 1),
              (DONE_BARE, "done", 0), (BLOCKED, "blocked", None), (EXTENSION, "extension", None),
              (UNCLEAR, "unclear", None), (PERCENT, "in_progress", None), (PROOF, None, 1)]
    for templates, status, proofs in wanted:
        for template in templates:
            reply = parse_reply(_fill(template, "NV12", rng), TODAY)
            if status is not None and reply.status != status:
                raise AssertionError(f"{template!r} reads as {reply.status}, not {status}")
            if proofs is not None and len(reply.evidence) != proofs:
                raise AssertionError(f"{template!r} has {len(reply.evidence)} references")


@dataclass(frozen=True)
class Planned:
    """One update ready to POST."""

    update_id: int
    chat_id: int
    kind: str
    body: bytes


@dataclass(frozen=True)
class Query:
    """A callback query the sandbox must know, so the bot's answerCallbackQuery succeeds."""

    id: str
    chat_id: int
    message_id: int
    data: str


class Script:
    """The stream of updates, the callback queries in it, and the rows it should leave."""

    def __init__(self, chats: list[ChatPlan], rng: random.Random) -> None:
        _check_templates()
        self.rng = rng
        self.chats = chats
        self.expected: Counter[str] = Counter()
        self.queries: list[Query] = []
        self._steps = {chat.chat_id: self._chat_steps(chat) for chat in chats}
        self._message_ids: Counter[int] = Counter()
        self._next_update = 1

    def _chat_steps(self, chat: ChatPlan) -> Iterator[Step]:
        episodes, weights = zip(*TASK_EPISODES, strict=True)
        while True:
            if chat.indicators and (not chat.tasks or self.rng.random() < INDICATOR_SHARE):
                assignment, code = self.rng.choice(chat.indicators)
                yield from _indicator(assignment, code, self.rng)
                continue
            assignment, code = self.rng.choice(chat.tasks)
            episode = self.rng.choices(episodes, weights)[0]
            yield from episode(assignment, code, self.rng)

    def take(self, count: int) -> list[Planned]:
        """The next `count` updates, each from a chat picked at random."""
        planned = []
        for _ in range(count):
            chat = self.rng.choice(self.chats)
            kind, content, effect = next(self._steps[chat.chat_id])
            self.expected.update(effect)
            planned.append(self._update(chat, kind, content))
        return planned

    def _update(self, chat: ChatPlan, kind: str, content: str) -> Planned:
        update_id, self._next_update = self._next_update, self._next_update + 1
        self._message_ids[chat.chat_id] += 1
        message_id = self._message_ids[chat.chat_id]
        person = {"id": chat.chat_id, "is_bot": False, "first_name": chat.name}
        where = {"id": chat.chat_id, "type": "private", "first_name": chat.name}
        now = int(time.time())
        update: dict[str, object] = {"update_id": update_id}
        if kind == "text":
            update["message"] = {"message_id": message_id, "date": now, "chat": where,
                                 "from": person, "text": content}
        else:
            query = Query(str(FIRST_QUERY_ID + update_id), chat.chat_id, message_id, content)
            self.queries.append(query)
            # The press comes from a reminder the bot sent earlier in this chat.
            reminder = {"message_id": message_id, "date": now - 3600, "chat": where,
                        "from": BOT, "text": "Kính gửi đồng chí, đề nghị cập nhật tiến độ."}
            update["callback_query"] = {"id": query.id, "from": person, "message": reminder,
                                        "chat_instance": str(chat.chat_id * 1_000_003),
                                        "data": content}
        body = json.dumps(update, ensure_ascii=False).encode()
        return Planned(update_id, chat.chat_id, "button" if kind == "button" else "text", body)
