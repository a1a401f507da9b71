"""Numbered choices: what a message offers in words, and what a typed answer chooses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.choices import (
    OFFER_VALID_FOR,
    choice_for,
    merged,
    next_number,
    number_buttons,
    typed_token,
)
from bot.keyboards import ONGOING, Choice, encode, item_buttons
from bot.messenger import Button

NOW = datetime(2025, 9, 22, 1, 30, tzinfo=UTC)


def test_one_items_buttons_are_numbered_in_one_line():
    numbered = number_buttons(item_buttons([(7, "task", "NV12")]))
    assert numbered.legend == ("Trả lời 1 = ✅ Hoàn thành, 2 = 🔄 Đang thực hiện, "
                               "3 = ⚠️ Vướng mắc, 4 = 📅 Xin gia hạn")
    assert numbered.tokens == {"1": "s|7|d", "2": "s|7|p", "3": "s|7|b", "4": "s|7|e"}
    assert numbered.apply("NV12 – Hồ sơ").endswith("\n\nTrả lời 1 = ✅ Hoàn thành, 2 = "
                                                   "🔄 Đang thực hiện, 3 = ⚠️ Vướng mắc, "
                                                   "4 = 📅 Xin gia hạn")


def test_several_items_are_answered_by_code_and_number_with_one_legend_per_kind():
    # One digit, one meaning in the whole message: the indicators' choices come after the
    # tasks'; an ongoing item has no "done" and keeps the others' numbers.
    numbered = number_buttons(item_buttons([(7, "task", "NV12"), (8, "task", "NV13"),
                                            (9, "indicator", "CT3"), (10, ONGOING, "NV14")]))
    assert numbered.legend.split("\n") == [
        "Trả lời mã nhiệm vụ kèm số: 1 = ✅ Hoàn thành · 2 = 🔄 Đang thực hiện · "
        "3 = ⚠️ Vướng mắc · 4 = 📅 Xin gia hạn (ví dụ: “NV12 1”).",
        "Trả lời mã chỉ tiêu kèm số: 5 = ✅ Đạt/vượt · 6 = ❌ Chưa đạt · "
        "7 = ❓ Chưa đánh giá được (ví dụ: “CT3 5”).",
        "Trả lời mã nhiệm vụ kèm số: 2 = 🔄 Đang thực hiện · 3 = ⚠️ Vướng mắc · "
        "4 = 📅 Xin gia hạn (ví dụ: “NV14 2”).",
    ]
    assert numbered.tokens["NV13 2"] == "s|8|p" and numbered.tokens["CT3 7"] == "i|9|u"
    assert "NV14 1" not in numbered.tokens and numbered.tokens["NV14 2"] == "s|10|p"
    assert "CT3 1" not in numbered.tokens
    assert numbered.numbers_used == 0  # codes need no numbering


def test_telegram_rows_of_several_items_carry_a_word_beside_the_emoji():
    rows = item_buttons([(7, "task", "NV12"), (9, "indicator", "CT3"), (10, ONGOING, "NV14")])
    assert [button.text for button in rows[0]] == [
        "✅ Xong NV12", "🔄 Đang làm NV12", "⚠️ Vướng NV12", "📅 Gia hạn NV12"]
    assert [button.text for button in rows[1]] == ["✅ Đạt CT3", "❌ Chưa đạt CT3",
                                                   "❓ Chưa rõ CT3"]
    assert [button.text for button in rows[2]] == [
        "🔄 Đang làm NV14", "⚠️ Vướng NV14", "📅 Gia hạn NV14"]


def test_plain_numbers_start_where_told_and_long_labels_get_a_line_each():
    picks = tuple((Button(f"NV{n} – {'Xây dựng kế hoạch chuyển đổi số' * 2}",
                          encode(Choice("pick", n))),) for n in (12, 13))
    numbered = number_buttons(picks, first=5)
    assert numbered.legend.split("\n")[0] == "Trả lời bằng số:"
    assert numbered.legend.split("\n")[1].startswith("5 = NV12 – ")
    assert numbered.tokens == {"5": "p|12|", "6": "p|13|"} and numbered.numbers_used == 2


@pytest.mark.parametrize(("typed", "token"), [
    ("1", "1"), (" 2. ", "2"), ("03", "3"), ("NV12 2", "NV12 2"), ("nv12-2", "NV12 2"),
    ("NV 12: 2", "NV12 2"), ("#ct3 1", "CT3 1"), ("NV012 1", "NV12 1"),
    ("đã hoàn thành", None), ("NV12 đã xong", None), ("60%", None), ("1 2", None), ("", None),
])
def test_what_a_typed_message_chooses(typed, token):
    assert typed_token(typed) == token


def test_a_number_means_one_choice_while_valid_then_numbering_starts_again():
    offer = merged({}, {"1": "s|7|d", "2": "s|7|p", "NV12 1": "s|7|d"}, NOW)
    assert next_number(offer, NOW) == 3
    later = NOW + timedelta(hours=1)
    offer = merged(offer, {"3": "x|4|y", "4": "x|4|n"}, later)
    assert (choice_for(offer, "1", later), choice_for(offer, "4", later)) == ("s|7|d", "x|4|n")
    past = NOW + OFFER_VALID_FOR + timedelta(minutes=1)
    assert choice_for(offer, "1", past) is None and choice_for(offer, "3", past) == "x|4|y"
    gone = later + OFFER_VALID_FOR
    assert next_number(offer, gone) == 1 and choice_for(offer, "NV12 1", gone) is None
    assert merged(offer, {}, gone) == {}
