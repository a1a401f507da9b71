"""Properties of the reply parser over generated text (hypothesis).

Random text never crashes it; a completion that is negated, hedged, partial or asked about is
never "done"; any text up to 100 KB returns (beyond the cap, unread and flagged). Timing is
measured in bench/replies.py, never asserted here.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.replies import MAX_REPLY_CHARS, parse_reply
from domain.text import strip_diacritics
from tests.domain.reply_corpus import TODAY

COMPLETIONS = ["xong", "hoàn thành", "hoàn tất", "xong hết", "hoàn thành nhiệm vụ",
               "triển khai xong", "hoàn thành 100%", "xong 100%", "xog", "htành", "done"]
# Each wraps a completion so that the item is not (or not surely) done.
NOT_DONE = [
    "chưa {c}", "chx {c}", "chưa {c} được", "không {c} được", "ko {c}", "k {c} được",
    "chưa hẳn đã {c}", "chưa chắc đã {c}", "chắc gì đã {c}", "{c} chưa được",
    "{c} gì đâu", "đã {c} đâu", "có {c} đâu", "sắp {c}", "gần {c}", "dự kiến {c}",
    "sẽ {c} vào tháng sau", "vừa {c} khâu chuẩn bị thôi", "{c} phần A rồi, phần B chưa",
    "{c} bước 1", "cơ bản {c}", "{c} giai đoạn 1", "phấn đấu {c}",
    "{c} nhưng còn vướng", "{c}, nhưng không thuộc chức năng của Sở",
    "hình như {c} rồi", "em nghĩ là {c} rồi", "{c} hay chưa em cũng chưa rõ", "có lẽ đã {c}",
    "khi nào {c} em báo", "nếu {c} thì em báo", "{c} rồi thì em báo sau",
    "đã {c} kế hoạch, chưa triển khai thực hiện", "{c} thế nào được", "làm sao mà {c} được",
    "còn lâu mới {c}", "{c} cái gì mà {c}", "đâu đã {c}", "{c} phân nửa",
]
QUESTIONS = [
    "{c} chưa?", "{c} chưa", "{c} chưa ạ", "{c} rồi chưa", "đã {c} chưa anh", "{c} chưa em?",
    "đã {c}?", "{c} rồi à?", "cái này {c} chưa ạ?", "Đã {c}? Chưa", "{c} hết chưa nhỉ",
    "{c} rồi hả?", "đã {c} chưa vậy",
]
PREFIXES = ["", "NV12 ", "Dạ, ", "Báo cáo: ", "nv 3: ", "Em báo cáo "]
SUFFIXES = ["", " ạ", ".", " nhé", "!"]


def _typed(text: str, bare: bool, upper: bool) -> str:
    text = strip_diacritics(text) if bare else text
    return text.upper() if upper else text


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(NOT_DONE + QUESTIONS), st.sampled_from(COMPLETIONS),
       st.sampled_from(PREFIXES), st.sampled_from(SUFFIXES), st.booleans(), st.booleans())
def test_a_negated_hedged_partial_or_questioned_completion_is_never_done(
        form, completion, prefix, suffix, bare, upper):
    text = prefix + form.format(c=completion)
    if not text.endswith("?"):
        text += suffix
    reply = parse_reply(_typed(text, bare, upper), TODAY)
    assert reply.status != "done", (text, reply.why)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(QUESTIONS), st.sampled_from(COMPLETIONS), st.sampled_from(PREFIXES),
       st.booleans())
def test_a_question_says_nothing(form, completion, prefix, bare):
    reply = parse_reply(_typed(prefix + form.format(c=completion), bare, False), TODAY)
    assert reply.status == "unclear", reply.why


FRAGMENTS = ["đã", "xong", "hoàn thành", "chưa", "ko", "k", "r", "đg", "ht", "?", "??", ".",
             "...", ",", ":", "!", "-", "/", "%", "100%", "52%", "dân số", "chỉ tiêu", "vượt",
             "thứ Ba", "tuần tới", "khất", "sang", "lùi", "đến", "30/11", "Quý I/2026", "NV12",
             "1520/QĐ-UBND", "QĐ", "ký", "không thuộc", "phối hợp", "em đang bận", "chiều em nhắn",
             "đâu", "gì", "thôi", "phần", "tắc", "kẹt", "chờ Bộ", "hướng dẫn", "hòan", "\n", "😀"]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300),
                 st.lists(st.sampled_from(FRAGMENTS), max_size=25).map(" ".join),
                 st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join)))
def test_random_text_never_crashes_and_done_is_whole(text):
    reply = parse_reply(text, TODAY)
    if reply.status == "done":
        assert reply.percent in (None, 100)
        assert reply.new_due is None
    if reply.new_due is not None:
        assert reply.new_due >= TODAY
    if reply.percent is not None:
        assert 0 <= reply.percent <= 100
    assert reply.why


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from([*FRAGMENTS, " ", "."]), min_size=1, max_size=8).map("".join),
       st.sampled_from([MAX_REPLY_CHARS, 20_000, 100_000]))
def test_long_text_returns_and_beyond_the_cap_is_unread(fragment, size):
    text = (fragment * (size // len(fragment) + 1))[:size]
    reply = parse_reply(text, TODAY)
    assert reply.too_long == (len(reply.note) > MAX_REPLY_CHARS)
    if reply.too_long:
        assert reply.status == "unclear"
