"""A parsed deadline in the Vietnamese a secretariat reads ("ngày 25 hằng tháng", "30/11/2025")."""

from __future__ import annotations

from domain.deadline_model import Deadline, Every, PeriodDay
from domain.text import tidy

_CADENCE_WORDS: dict[Every, str] = {
    "weekly": "hằng tuần",
    "biweekly": "2 tuần một lần",
    "monthly": "hằng tháng",
    "quarterly": "hằng quý",
    "half_yearly": "6 tháng một lần",
    "yearly": "hằng năm",
}
_WEEKDAY_WORDS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
_MONTH_OF_PERIOD: dict[Every, str] = {"quarterly": "quý", "half_yearly": "kỳ 6 tháng"}


def describe_deadline(deadline: Deadline) -> str:
    """What the deadline means, said plainly; the raw text for anything not understood."""
    if deadline.kind == "date" and deadline.due is not None:
        said = deadline.due.strftime("%d/%m/%Y")
        if deadline.every is not None:
            said += ", sau đó " + describe_cadence(deadline.every, deadline.on)
        return said
    if deadline.kind == "recurring" and deadline.every is not None:
        return "định kỳ " + describe_cadence(deadline.every, deadline.on)
    if deadline.kind == "dependent":
        return f"không có ngày cố định, phụ thuộc: “{tidy(deadline.raw)}”"
    return f"chưa rõ: “{tidy(deadline.raw)}”"


def describe_cadence(every: Every, on: PeriodDay | None) -> str:
    """ "hằng tháng, ngày 25", "hằng tuần, thứ Hai", "hằng quý, ngày 10 tháng thứ 3 của quý"."""
    words = _CADENCE_WORDS[every]
    if on is None:
        return words
    if on.weekday is not None:
        return f"{words}, {_WEEKDAY_WORDS[on.weekday - 1]}"
    if every == "yearly" and on.month is not None:
        day = f"ngày {on.day:02d}/{on.month:02d}" if on.day else f"tháng {on.month}"
        return f"{words}, {day}"
    parts = [f"ngày {on.day}"] if on.day is not None else []
    if on.month is not None and every in _MONTH_OF_PERIOD:
        parts.append(f"tháng thứ {on.month} của {_MONTH_OF_PERIOD[every]}")
    return f"{words}, {' '.join(parts)}" if parts else words
