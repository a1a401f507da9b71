"""Telegram's HTML parse_mode: supported tags, character references, error messages."""

import re
from dataclasses import dataclass
from typing import Any

from sandbox.entities import EntityParseError, FormattedText, TextBuilder, byte_offset

_HTML_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
}
_NAMED_CHARACTERS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_CHARACTER_REFERENCE = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);")
_TAG_NAME = re.compile(r"[a-zA-Z0-9-]*")
_ATTRIBUTE = re.compile(r"\s*([a-zA-Z0-9-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")


def _decode_references(text: str) -> str:
    """Replace the character references Telegram understands; leave others as written."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return _NAMED_CHARACTERS.get(name, match.group(0))

    return _CHARACTER_REFERENCE.sub(replace, text)


@dataclass
class _OpenTag:
    name: str
    start: int
    attributes: dict[str, str]
    at: int


def _html_entity_extra(tag: _OpenTag) -> dict[str, Any] | None:
    """Extra entity fields for a tag, or None when the tag makes no entity."""
    attributes, at = tag.attributes, tag.at
    if tag.name == "span" and attributes.get("class") != "tg-spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
    if tag.name == "a":
        url = attributes.get("href", "")
        return {"url": url} if url else None
    if tag.name == "tg-emoji":
        if "emoji-id" not in attributes:
            raise EntityParseError(
                f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {at}'
            )
        return {"custom_emoji_id": attributes["emoji-id"]}
    if tag.name == "tg-time":
        unix = attributes.get("unix", "")
        if not unix.isdigit():
            raise EntityParseError(f'Tag "tg-time" must have attribute "unix" at byte offset {at}')
        return {"unix_time": int(unix)}
    if tag.name == "blockquote" and "expandable" in attributes:
        return {"type": "expandable_blockquote"}
    return {}


def parse_html(text: str) -> FormattedText:
    out = TextBuilder()
    stack: list[_OpenTag] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "&":
            match = _CHARACTER_REFERENCE.match(text, i)
            if match:
                out.add(_decode_references(match.group(0)))
                i = match.end()
                continue
            out.add(char)
            i += 1
            continue
        if char != "<":
            out.add(char)
            i += 1
            continue
        at = byte_offset(text, i)
        if text.startswith("</", i):
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {at}")
            name_match = _TAG_NAME.match(text, i + 2)
            assert name_match is not None  # the pattern accepts the empty string
            name = name_match.group(0).lower()
            close = text.find(">", name_match.end())
            if close < 0 or text[name_match.end() : close].strip():
                raise EntityParseError(f"Unclosed end tag at byte offset {at}")
            tag = stack.pop()
            if name and name != tag.name:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {at}, expected "</{tag.name}>", '
                    f'found "</{name}>"'
                )
            _close_html_tag(out, tag, stack)
            i = close + 1
            continue
        name_match = _TAG_NAME.match(text, i + 1)
        assert name_match is not None
        name = name_match.group(0).lower()
        if name not in _HTML_ENTITY_TYPES:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {at}')
        attributes: dict[str, str] = {}
        j = name_match.end()
        while True:
            while j < n and text[j].isspace():
                j += 1
            if j >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {at}")
            if text[j] == ">":
                break
            attribute = _ATTRIBUTE.match(text, j)
            if attribute is None:
                raise EntityParseError(f"Unclosed start tag at byte offset {at}")
            value = attribute.group(2) or ""
            if value[:1] in ("'", '"'):
                value = value[1:-1]
            attributes[attribute.group(1).lower()] = _decode_references(value)
            j = attribute.end()
        opened = _OpenTag(name, out.position, attributes, at)
        _html_entity_extra(opened)  # refuses bad attributes where the tag starts
        stack.append(opened)
        i = j + 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return out.result()


def _close_html_tag(out: TextBuilder, tag: _OpenTag, stack: list[_OpenTag]) -> None:
    extra = _html_entity_extra(tag)
    if extra is None:
        return
    entity_type = extra.pop("type", _HTML_ENTITY_TYPES[tag.name])
    language = tag.attributes.get("class", "")
    # <pre><code class="language-x"> is one pre entity with a language, not two entities.
    inside_pre = bool(stack) and stack[-1].name == "pre"
    if tag.name == "code" and inside_pre and language.startswith("language-"):
        stack[-1].attributes["language"] = language.removeprefix("language-")
        return
    if tag.name == "pre" and tag.attributes.get("language"):
        extra["language"] = tag.attributes["language"]
    out.entity(entity_type, tag.start, **extra)
