"""An indicator's value as a focal person reports it ("5G phủ khoảng 20% dân số" -> 20 %)."""

from __future__ import annotations

import re

from domain.text import tidy

_PERCENT = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s*(?:%|phần trăm|phan tram)", re.IGNORECASE)
_DECLINE = re.compile(r"^\s*(bỏ qua|bo qua|không|khong|chưa có|chua co|-)\s*[.!]?\s*$",
                      re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.,/-])(\d+(?:[.,]\d+)?)(?![\w/-])")


def parse_indicator_value(text: str) -> tuple[float | None, str | None]:
    """The reported number and its unit ("%" or None); a percentage wins over a bare number."""
    cleaned = tidy(text)
    for pattern, unit in ((_PERCENT, "%"), (_NUMBER, None)):
        found = pattern.search(cleaned)
        if found:
            return float(found.group(1).replace(",", ".")), unit
    return None, None


def declines_value(text: str) -> bool:
    """True for "bỏ qua", "chưa có", "-": the person has no figure to give yet."""
    return bool(_DECLINE.match(tidy(text)))
