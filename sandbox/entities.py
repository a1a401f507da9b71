"""Text with entities: the result of parsing parse_mode markup, and the pieces parsers share."""

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
class TextBuilder:
    """Accumulates plain text and the entities found in it."""

    parts: list[str] = field(default_factory=list)
    position: int = 0
    entities: list[JsonDict] = field(default_factory=list)

    def add(self, chunk: str) -> None:
        """Append visible text."""
        self.parts.append(chunk)
        self.position += utf16_length(chunk)

    def entity(self, entity_type: str, start: int, **extra: Any) -> None:
        """Record an entity from start to the current position; empty ones are dropped."""
        if self.position > start:
            self.entities.append(
                {"type": entity_type, "offset": start, "length": self.position - start, **extra}
            )

    def result(self) -> FormattedText:
        """The trimmed text and its entities."""
        return trimmed("".join(self.parts), self.entities)


def trimmed(text: str, entities: list[JsonDict]) -> FormattedText:
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
