"""Telegram's parse_mode markup (HTML, MarkdownV2, Markdown): plain text, entities, errors."""

from sandbox.entities import (
    EntityParseError,
    FormattedText,
    UnsupportedParseModeError,
    byte_offset,
    trimmed,
    utf16_length,
)
from sandbox.html_markup import parse_html
from sandbox.markdown_markup import parse_markdown_legacy, parse_markdown_v2

__all__ = [
    "EntityParseError",
    "FormattedText",
    "UnsupportedParseModeError",
    "byte_offset",
    "format_text",
    "utf16_length",
]


def format_text(text: str, parse_mode: str | None) -> FormattedText:
    """Apply parse_mode to text the way Telegram does before storing a message."""
    mode = (parse_mode or "").lower()
    if mode == "":
        return trimmed(text, [])
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown_legacy(text)
    raise UnsupportedParseModeError(parse_mode)
