"""parse_mode markup: the text Telegram stores, its entities, and its refusals."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.formatting import (
    EntityParseError,
    UnsupportedParseModeError,
    format_text,
    utf16_length,
)


def entity_spans(text: str, mode: str) -> list[tuple[str, str]]:
    formatted = format_text(text, mode)
    encoded = formatted.text.encode("utf-16-le")
    return [
        (e["type"], encoded[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le"))
        for e in formatted.entities
    ]


def test_html_tags_become_entities_over_the_visible_text() -> None:
    text = '<b>Hạn</b> <i>30/09</i> &lt;gấp&gt; <a href="https://x.vn">chi tiết</a>'

    assert format_text(text, "HTML").text == "Hạn 30/09 <gấp> chi tiết"
    assert entity_spans(text, "HTML") == [
        ("bold", "Hạn"),
        ("italic", "30/09"),
        ("text_link", "chi tiết"),
    ]


def test_html_pre_with_language_is_one_entity() -> None:
    formatted = format_text('<pre><code class="language-python">x = 1</code></pre>', "HTML")

    assert formatted.entities == [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]


def test_entity_offsets_count_utf16_code_units() -> None:
    formatted = format_text("📌 <b>Nhắc</b>", "HTML")

    assert formatted.entities == [{"type": "bold", "offset": 3, "length": 4}]
    assert utf16_length("📌") == 2


def test_surrounding_whitespace_is_trimmed_and_entities_shifted() -> None:
    formatted = format_text("  \n<b>x</b> ", "HTML")

    assert formatted.text == "x"
    assert formatted.entities == [{"type": "bold", "offset": 0, "length": 1}]


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("ả <b", "Unclosed start tag at byte offset 4"),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
def test_html_errors_use_telegrams_wording(markup: str, error: str) -> None:
    with pytest.raises(EntityParseError) as raised:
        format_text(markup, "HTML")
    assert str(raised.value) == error


def test_markdown_v2_entities() -> None:
    text = r"*đậm* _nghiêng_ __gạch__ ~xoá~ ||ẩn|| [link](https://a.vn/\)) `mã` 1\.5"

    assert format_text(text, "MarkdownV2").text == "đậm nghiêng gạch xoá ẩn link mã 1.5"
    assert entity_spans(text, "MarkdownV2") == [
        ("bold", "đậm"),
        ("italic", "nghiêng"),
        ("underline", "gạch"),
        ("strikethrough", "xoá"),
        ("spoiler", "ẩn"),
        ("text_link", "link"),
        ("code", "mã"),
    ]
    assert format_text(text, "MarkdownV2").entities[5]["url"] == "https://a.vn/)"


def test_markdown_v2_blockquote_and_pre() -> None:
    assert entity_spans(">dòng 1\n>dòng 2\nsau", "MarkdownV2") == [("blockquote", "dòng 1\ndòng 2")]
    assert format_text("```python\nx = 1```", "MarkdownV2").entities == [
        {"type": "pre", "offset": 0, "length": 5, "language": "python"}
    ]


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        ("Xong.", "Character '.' is reserved and must be escaped with the preceding '\\'"),
        ("1-2", "Character '-' is reserved and must be escaped with the preceding '\\'"),
        ("(ghi chú)", "Character '(' is reserved and must be escaped with the preceding '\\'"),
        ("ả *đậm", "Can't find end of Bold entity at byte offset 4"),
        ("`mã", "Can't find end of Code entity at byte offset 0"),
        ("[x](http://a", "Can't find end of a URL at byte offset 3"),
    ],
)
def test_markdown_v2_errors_use_telegrams_wording(markup: str, error: str) -> None:
    with pytest.raises(EntityParseError) as raised:
        format_text(markup, "MarkdownV2")
    assert str(raised.value) == error


def test_legacy_markdown() -> None:
    assert entity_spans("*a* _b_ `c` [d](http://e)", "Markdown") == [
        ("bold", "a"),
        ("italic", "b"),
        ("code", "c"),
        ("text_link", "d"),
    ]
    with pytest.raises(EntityParseError, match="byte offset 0"):
        format_text("*a", "Markdown")


def test_parse_mode_is_case_insensitive_and_checked() -> None:
    assert format_text("<b>x</b>", "html").text == "x"
    with pytest.raises(UnsupportedParseModeError):
        format_text("x", "BBCode")


_PLAIN = st.text(alphabet=st.characters(exclude_characters="<>&", exclude_categories=["Cs"]))


@given(_PLAIN, _PLAIN)
def test_html_bold_round_trips_any_plain_text(before: str, inside: str) -> None:
    formatted = format_text(f"{before}<b>{inside}</b>", "HTML")

    assert formatted.text == (before + inside).strip()
    for entity in formatted.entities:
        assert entity["offset"] >= 0 and entity["offset"] + entity["length"] <= utf16_length(
            formatted.text
        )
