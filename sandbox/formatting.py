"""Telegram's parse_mode markup (HTML, MarkdownV2, Markdown): plain text, entities, errors."""

import re
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]


class EntityParseError(ValueError):
    """Markup Telegram refuses with "can't parse entities: ..."."""


class UnsupportedParseModeError(ValueError):
    """A parse_mode Telegram does not know."""


@dataclass(frozen=True)
class FormattedText:
    """Text as the recipient sees it, with entity offsets in UTF-16 code units."""

    text: str
    entities: list[JsonDict]


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def byte_offset(text: str, index: int) -> int:
    """UTF-8 byte offset of text[index], the unit of Telegram's error positions."""
    return len(text[:index].encode())


@dataclass
class _Builder:
    """Accumulates plain text and the entities found in it."""

    parts: list[str] = field(default_factory=list)
    position: int = 0
    entities: list[JsonDict] = field(default_factory=list)

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.position += utf16_length(chunk)

    def entity(self, entity_type: str, start: int, **extra: Any) -> None:
        if self.position > start:
            self.entities.append(
                {"type": entity_type, "offset": start, "length": self.position - start, **extra}
            )

    def result(self) -> FormattedText:
        return _trimmed("".join(self.parts), self.entities)


def _trimmed(text: str, entities: list[JsonDict]) -> FormattedText:
    """Drop surrounding whitespace as Telegram does, shifting and clipping entities."""
    stripped = text.strip()
    if not stripped:
        return FormattedText("", [])
    lead = utf16_length(text[: len(text) - len(text.lstrip())])
    end = lead + utf16_length(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"], lead)
        stop = min(entity["offset"] + entity["length"], end)
        if stop > start:
            kept.append({**entity, "offset": start - lead, "length": stop - start})
    kept.sort(key=lambda e: (e["offset"], -e["length"]))
    return FormattedText(stripped, kept)


def format_text(text: str, parse_mode: str | None) -> FormattedText:
    """Apply parse_mode to text the way Telegram does before storing a message."""
    mode = (parse_mode or "").lower()
    if mode == "":
        return _trimmed(text, [])
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown_v2(text)
    if mode == "markdown":
        return _parse_markdown_legacy(text)
    raise UnsupportedParseModeError(parse_mode)


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


def _html_entity_extra(tag: _OpenTag, at: int) -> dict[str, Any] | None:
    """Extra entity fields for a tag, or None when the tag makes no entity."""
    attributes = tag.attributes
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


def _parse_html(text: str) -> FormattedText:
    out = _Builder()
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
            _close_html_tag(out, tag, stack, at)
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
        stack.append(_OpenTag(name, out.position, attributes))
        i = j + 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return out.result()


def _close_html_tag(out: _Builder, tag: _OpenTag, stack: list[_OpenTag], at: int) -> None:
    extra = _html_entity_extra(tag, at)
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


def _parse_markdown_v2(text: str) -> FormattedText:
    out = _Builder()
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


def _parse_markdown_legacy(text: str) -> FormattedText:
    out = _Builder()
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
