"""Telegram's MarkdownV2 and legacy Markdown parse modes, with their error messages."""

import re
from dataclasses import dataclass

from sandbox.entities import EntityParseError, FormattedText, TextBuilder, byte_offset

_MARKDOWN_V2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MARKDOWN_V2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
    "code": "Code",
    "pre": "Pre",
}


@dataclass
class _OpenMarker:
    kind: str
    start: int
    at: int


def _marker_at(text: str, i: int) -> tuple[str, int] | None:
    """The entity kind a MarkdownV2 marker at text[i] opens or closes, and its width."""
    pair = text[i : i + 2]
    if pair == "__":
        return "underline", 2
    if pair == "||":
        return "spoiler", 2
    return {"*": ("bold", 1), "_": ("italic", 1), "~": ("strikethrough", 1)}.get(text[i])


def _scan_escaped(text: str, i: int, terminator: str) -> tuple[str, int] | None:
    """Read until an unescaped terminator; return the unescaped content and the index after."""
    chunk: list[str] = []
    n = len(text)
    while i < n:
        if text[i] == "\\" and i + 1 < n:
            chunk.append(text[i + 1])
            i += 2
        elif text.startswith(terminator, i):
            return "".join(chunk), i + len(terminator)
        else:
            chunk.append(text[i])
            i += 1
    return None


def parse_markdown_v2(text: str) -> FormattedText:
    out = TextBuilder()
    stack: list[_OpenMarker] = []
    quote_start: int | None = None
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        at = byte_offset(text, i)
        if char == "\\" and i + 1 < n and 1 <= ord(text[i + 1]) <= 126:
            out.add(text[i + 1])
            i += 2
            continue
        if char == "\n" and quote_start is not None and not text.startswith(">", i + 1):
            out.entity("blockquote", quote_start)
            quote_start = None
        if char not in _MARKDOWN_V2_RESERVED:
            out.add(char)
            i += 1
            continue
        if char == ">" and (i == 0 or text[i - 1] == "\n"):
            if quote_start is None:
                quote_start = out.position
            i += 1
            continue
        if char == "`":
            is_pre = text.startswith("```", i)
            scanned = _scan_escaped(text, i + (3 if is_pre else 1), "```" if is_pre else "`")
            if scanned is None:
                raise EntityParseError(
                    f"Can't find end of {'Pre' if is_pre else 'Code'} entity at byte offset {at}"
                )
            content, i = scanned
            start = out.position
            if is_pre:
                first_line, newline, rest = content.partition("\n")
                language = first_line if newline and first_line and " " not in first_line else ""
                out.add(rest if language else content)
                out.entity("pre", start, **({"language": language} if language else {}))
            else:
                out.add(content)
                out.entity("code", start)
            continue
        if char == "]" and stack and stack[-1].kind in ("text_link", "custom_emoji"):
            opened = stack.pop()
            i += 1
            if text.startswith("(", i):
                scanned = _scan_escaped(text, i + 1, ")")
                if scanned is None:
                    url_at = byte_offset(text, i)
                    raise EntityParseError(f"Can't find end of a URL at byte offset {url_at}")
                url, i = scanned
                if opened.kind == "custom_emoji":
                    emoji_id = url.partition("id=")[2]
                    out.entity("custom_emoji", opened.start, custom_emoji_id=emoji_id)
                else:
                    out.entity("text_link", opened.start, url=url)
            continue
        marker = _marker_at(text, i)
        if marker is not None:
            kind, width = marker
            if stack and stack[-1].kind == kind:
                out.entity(kind, stack.pop().start)
            else:
                stack.append(_OpenMarker(kind, out.position, at))
            i += width
            continue
        if char == "[":
            stack.append(_OpenMarker("text_link", out.position, at))
            i += 1
            continue
        if char == "!" and text.startswith("![", i):
            stack.append(_OpenMarker("custom_emoji", out.position, at))
            i += 2
            continue
        raise EntityParseError(
            f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
        )
    if stack:
        opened = stack[-1]
        raise EntityParseError(
            f"Can't find end of {_MARKDOWN_V2_NAMES[opened.kind]} entity at byte offset {opened.at}"
        )
    if quote_start is not None:
        out.entity("blockquote", quote_start)
    return out.result()


_LEGACY_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_LEGACY_SIMPLE = {"*": "bold", "_": "italic", "`": "code"}


def parse_markdown_legacy(text: str) -> FormattedText:
    out = TextBuilder()
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if text.startswith("```", i):
            end = text.find("```", i + 3)
            if end < 0:
                raise EntityParseError(
                    f"Can't find end of the entity starting at byte offset {byte_offset(text, i)}"
                )
            content = text[i + 3 : end]
            first_line, newline, rest = content.partition("\n")
            start = out.position
            out.add(rest if newline and first_line else content)
            out.entity("pre", start, **({"language": first_line} if newline and first_line else {}))
            i = end + 3
            continue
        if char in _LEGACY_SIMPLE:
            end = text.find(char, i + 1)
            if end < 0:
                raise EntityParseError(
                    f"Can't find end of the entity starting at byte offset {byte_offset(text, i)}"
                )
            start = out.position
            out.add(text[i + 1 : end])
            out.entity(_LEGACY_SIMPLE[char], start)
            i = end + 1
            continue
        link = _LEGACY_LINK.match(text, i) if char == "[" else None
        if link is not None:
            start = out.position
            out.add(link.group(1))
            out.entity("text_link", start, url=link.group(2))
            i = link.end()
            continue
        out.add(char)
        i += 1
    return out.result()
