"""Answers to the bot's own questions: a date after "until when?", a number after "how many %?".

Read for what was asked: after the extension question any date phrase is the requested date
("30/11/2025", "đến 15/01/2026", "thứ Ba tuần tới"); after the percent question a bare number
is the percent ("45", "45 %", "khoảng 45").
"""

from __future__ import annotations

import re
from datetime import date

from domain.replies import MAX_REPLY_CHARS, read_view
from domain.reply_dates import new_due
from domain.text import tidy


def requested_date(text: str, today: date) -> date | None:
    """The date answering "until when?" ("30/11/2025", "đến 15/01/2026", "thứ Ba tuần tới")."""
    note = tidy(text)
    if len(note) > MAX_REPLY_CHARS:
        return None
    return new_due(read_view(note), today, for_extension=True, assume_request=True)


_BARE_PERCENT = re.compile(r"\s*(?:khoảng |khoang |được |duoc |đạt |dat )?(\d{1,3})"
                           r"(?:[.,]\d{1,2})?\s*(?:%|phần trăm|phan tram)?\s*[.!]?\s*", re.I)


def percent_answer(text: str) -> int | None:
    """A bare number answering "how many percent?" ("45", "45 %", "khoảng 45") -> 45."""
    found = _BARE_PERCENT.fullmatch(text)
    if found is None or int(found.group(1)) > 100:
        return None
    return int(found.group(1))
