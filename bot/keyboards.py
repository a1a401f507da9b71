"""Buttons and their callback data (at most 64 bytes, Telegram's limit)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.messenger import Button, Buttons

STATUS_BUTTONS = (("done", "✅ Hoàn thành"), ("in_progress", "🔄 Đang thực hiện"),
                  ("blocked", "⚠️ Vướng mắc"), ("extension", "📅 Xin gia hạn"))
INDICATOR_BUTTONS = (("achieved", "✅ Đạt/vượt"), ("not_achieved", "❌ Chưa đạt"),
                     ("not_assessable", "❓ Chưa đánh giá được"))
_SHORT = {"done": "d", "in_progress": "p", "blocked": "b", "extension": "e",
          "achieved": "a", "not_achieved": "n", "not_assessable": "u"}
_LONG = {short: long for long, short in _SHORT.items()}
MAX_CALLBACK_BYTES = 64
MAX_ROW_ID = 2**31 - 1  # INTEGER on PostgreSQL (int4) and the ids we hand out


@dataclass(frozen=True)
class Choice:
    """What a pressed button means."""

    action: str  # "status", "indicator", "extension_decision", "pick", "evidence", "blocker"
    target: int
    value: str = ""


def encode(choice: Choice) -> str:
    """Callback data for a choice."""
    prefix = {"status": "s", "indicator": "i", "extension_decision": "x", "pick": "p",
              "evidence": "m", "blocker": "k"}[choice.action]
    value = _SHORT.get(choice.value, choice.value)
    data = f"{prefix}|{choice.target}|{value}"
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def decode(data: str) -> Choice | None:
    """The choice behind callback data, or None for data we did not make."""
    parts = data.split("|")
    # ASCII digits only ("²".isdigit() is true), and an id the database's INTEGER can hold.
    if len(parts) != 3 or not (parts[1].isascii() and parts[1].isdigit()) \
            or len(parts[1]) > 10 or int(parts[1]) > MAX_ROW_ID:
        return None
    action = {"s": "status", "i": "indicator", "x": "extension_decision", "p": "pick",
              "m": "evidence", "k": "blocker"}.get(parts[0])
    if action is None:
        return None
    return Choice(action, int(parts[1]), _LONG.get(parts[2], parts[2]))


# In a row of several items the label is short, but a word stays beside the emoji so
# nobody has to learn what the emoji means: "✅ Xong NV12".
SHORT_WORDS = {"done": "Xong", "in_progress": "Đang làm", "blocked": "Vướng",
               "extension": "Gia hạn", "achieved": "Đạt", "not_achieved": "Chưa đạt",
               "not_assessable": "Chưa rõ"}
# An ongoing item ("Thường xuyên") is reported on periodically, never finished.
ONGOING = "ongoing"


def buttons_kind(item_kind: str, deadline_kind: str | None) -> str:
    """The kind status_row takes: ONGOING for a task that is never finished (no "done")."""
    return ONGOING if item_kind == "task" and deadline_kind == "recurring" else item_kind


_FULL: dict[str, str] = dict((*STATUS_BUTTONS, *INDICATOR_BUTTONS))
_VALUE_OF_FULL = {label: value for value, label in _FULL.items()}


def row_label(value: str, code: str) -> str:
    """The label of one choice in a row of several items."""
    return f"{_FULL[value].split(' ', 1)[0]} {SHORT_WORDS[value]} {code}"


def row_label_for(full_label: str, code: str) -> str:
    """row_label of the choice a single item's button (full label) stands for."""
    return row_label(_VALUE_OF_FULL[full_label], code)


def full_label_of(label: str) -> str | None:
    """The single-item label a row label ("✅ Xong NV12") stands for; None if not one."""
    prefix = label.rsplit(" ", 1)[0]
    for value, word in SHORT_WORDS.items():
        if prefix == f"{_FULL[value].split(' ', 1)[0]} {word}":
            return _FULL[value]
    return None


def status_row(assignment_id: int, kind: str, code: str | None = None) -> tuple[Button, ...]:
    """One row of status buttons for an item; with a code, labels carry it (several items).

    `kind` is the item's kind, or ONGOING for a task that is never finished (no "done").
    """
    options: tuple[tuple[str, str], ...] = (
        INDICATOR_BUTTONS if kind == "indicator" else STATUS_BUTTONS)
    if kind == ONGOING:
        options = tuple(option for option in STATUS_BUTTONS if option[0] != "done")
    action = "indicator" if kind == "indicator" else "status"
    return tuple(
        Button(row_label(value, code) if code else label,
               encode(Choice(action, assignment_id, value)))
        for value, label in options
    )


def item_buttons(items: Sequence[tuple[int, str, str]]) -> Buttons:
    """Status buttons for each (assignment id, kind, code): full labels when there is one item."""
    if len(items) == 1:
        assignment_id, kind, _code = items[0]
        return tuple((button,) for button in status_row(assignment_id, kind))
    return tuple(status_row(assignment_id, kind, code) for assignment_id, kind, code in items)


def as_json(buttons: Buttons) -> list[list[dict[str, str]]]:
    """Buttons as the outbox stores them."""
    return [[{"text": b.text, "data": b.data} for b in row] for row in buttons]
