"""Reply rules the second mutation run found unpinned (docs/MUTATION.md): one row per survivor."""

from __future__ import annotations

from datetime import date

import pytest

from domain.replies import MAX_REPLY_CHARS, Reply, parse_reply
from domain.reply_normalise import normalise
from domain.reply_patterns import document_spans
from domain.reply_text import aligned_views

TODAY = date(2025, 11, 21)  # a Friday


@pytest.mark.parametrize(("text", "status", "percent", "values"), [
    # A completion word within three words before a percent governs it: the work's progress,
    # even when the reply also says the work is done ("hoàn thành được 80%").
    ("Đã hoàn thành. Hoàn thành được 80% số hộ", "in_progress", 80, ()),
    # Four words before, it does not: "80% dân số" is a measured value of a done item.
    ("Xong. Hoàn thành cấp nước 80% dân số", "in_progress", None, ()),
    # The measured noun is looked for in the three words after the percent, not four.
    ("Đã hoàn thành, đạt 80% cho toàn bộ dân", "in_progress", 80, ()),
    # "số" counts only as the first word after the percent ("80% số xã", not "80% tổng số").
    ("Đã hoàn thành, đạt 80% số xã", "done", None, ("đạt 80% số xã",)),
    ("Đã hoàn thành, đạt 80% tổng số", "in_progress", 80, ()),
    # "tỷ lệ" makes a rate when it lies within the twelve words before the percent, not 13.
    ("Đã hoàn thành, tỷ lệ giải quyết đúng hạn của toàn tỉnh trong tháng này đạt 80%",
     "in_progress", 80, ()),
    # A percent asked about is skipped; the percents after it are still read.
    ("Đã hoàn thành 100% chưa, đạt 60%", "in_progress", 60, ()),
    # One "đạt 120%" is a completion; a later percent over 100 without "đạt" does not undo it.
    ("Đạt 120% kế hoạch, bằng 130% cùng kỳ", "done", None, ()),
    # A measured value does not end the reading: a later percent below 100 is progress.
    ("Đã hoàn thành, đạt 80% dân số, 50% kế hoạch vốn", "in_progress", 50, ()),
])
def test_percents_governed_measured_and_read_in_turn(text, status, percent, values):
    reply = parse_reply(text, TODAY)
    assert (reply.status, reply.percent, reply.values) == (status, percent, values)


@pytest.mark.parametrize(("text", "status", "why"), [
    ("Nhiệm vụ này không thuộc chức năng của Sở", "disputed", "the assignment is disputed"),
    ("Xin gia hạn đến 30/12", "extension", "an extension is requested"),
    ("Đã xong nhưng còn vướng", "unclear", "completion next to an obstacle"),
    ("Vướng mắc về mặt bằng", "blocked", "an obstacle"),
    # Completion, obstacle and work under way: the obstacle decides, not "next to an obstacle".
    ("Đã hoàn thành, đang vướng mặt bằng", "blocked", "an obstacle"),
    ("Đã xây dựng xong kế hoạch, chưa triển khai", "in_progress",
     "partial work: part done, part not started"),
    # A negated obstacle does not hide an affirmed one in a later sentence.
    ("Không có khó khăn gì. Tuy nhiên vướng mắc về mặt bằng", "blocked", "an obstacle"),
    ("Không xin gia hạn. Đề nghị cho gia hạn đến 30/12", "extension",
     "an extension is requested"),
    # "chưa … xong được" five words apart (beyond the obstacle table's "chưa … được"): the
    # trailing "được" makes it cannot, not "not yet".
    ("Chưa thẩm định hồ sơ xong được", "blocked", "an obstacle"),
    ("Chưa triển khai", "not_started", "reported not started"),
    # Not started beside a percent reached: the percent is progress, not "not started".
    ("Chưa triển khai, đạt 30%", "in_progress", "partial work: percent below 100"),
    ("Đang làm", "in_progress", "work under way"),
    ("Hình như xong rồi", "unclear", "completion said without certainty"),
    # A formal report's closing outranks the progress before it, and says so; with no
    # progress words before it, it is a plain completion.
    ("Đang triển khai các bước, nhiệm vụ hoàn thành.", "done",
     "a clear completion (report's conclusion)"),
    ("Sở đã tổ chức hội nghị, nhiệm vụ hoàn thành.", "done", "a clear completion"),
])
def test_the_status_and_why_of_each_rule(text, status, why):
    reply = parse_reply(text, TODAY)
    assert (reply.status, reply.why) == (status, why)


@pytest.mark.parametrize(("text", "due"), [
    # After a weekday, the words right after it are still read for a date, and a later date
    # in the same clause wins.
    ("Thứ Sáu tuần sau hoặc chậm nhất 30/12 sẽ xong", date(2025, 12, 30)),
    ("Thứ Sáu tuần sau 30/12 sẽ xong", date(2025, 12, 30)),
    ("Thứ 6 12/1 sẽ xong", date(2026, 1, 12)),
    # "Thứ 6" is the weekday; "tháng 1" after it is January, not "6 tháng 1".
    ("Thứ 6 tháng 1 sẽ xong", date(2026, 1, 31)),
])
def test_a_date_after_a_weekday(text, due):
    assert parse_reply(text, TODAY).new_due == due


@pytest.mark.parametrize(("text", "status", "evidence"), [
    # A negator before an official document refuses it, with no negator after it needed.
    ("Vẫn chưa được UBND tỉnh ký QĐ", "unclear", ()),
    # A "Chưa"/"Không" answering something else at the start does not refuse a later document.
    ("Chưa ạ, hôm qua UBND tỉnh đã ký QĐ", "done", ("hôm qua UBND tỉnh đã ký QĐ",)),
    ("Không, UBND tỉnh đã ký QĐ rồi", "done", ("UBND tỉnh đã ký QĐ rồi",)),
])
def test_an_official_document_negated_before_or_not(text, status, evidence):
    reply = parse_reply(text, TODAY)
    assert (reply.status, reply.evidence) == (status, evidence)


@pytest.mark.parametrize(("note", "spans"), [
    # A bare official number is a document only when its first letter is a capital.
    ("Theo 12/QĐ-UBND", [(5, 15)]),
    ("Theo 12/Qđ-ubnd", [(5, 15)]),
    ("theo 12/qđ-ubnd", []),
])
def test_a_bare_document_number_starts_with_a_capital(note, spans):
    assert document_spans(note, aligned_views(note)[1]) == spans


@pytest.mark.parametrize(("typed", "normal"), [
    # A full stop glued to a letter after it is part of a code: "ko" stays as typed.
    ("số ko.X", "số ko.X"),
    ("ko.X xong", "ko.X xong"),
])
def test_ko_glued_by_a_full_stop_to_a_letter(typed, normal):
    assert normalise(typed) == normal


def test_a_reply_too_long_is_not_read():
    note = "x" * (MAX_REPLY_CHARS + 1)
    reply = parse_reply(note, TODAY)
    # Reply's equality leaves `why` out: compare it on its own.
    assert reply == Reply("unclear", None, None, note, (), (), too_long=True)
    assert reply.why == "longer than 3000 characters: not read"


@pytest.mark.parametrize(("text", "status", "due", "why"), [
    # A completion dated ahead is a promise; dated today it is done.
    ("Hoàn thành trước 30/11", "in_progress", date(2025, 11, 30),
     "a completion dated ahead, not said as done"),
    ("Hoàn thành ngày 21/11", "done", None, "a clear completion"),
    # A blocked reply keeps the date it gives.
    ("Vướng mặt bằng, dự kiến xong 30/12", "blocked", date(2025, 12, 30), "an obstacle"),
    # An extension request takes a bare date as the date asked for; work under way does not.
    ("Xin gia hạn, 30/12", "extension", date(2025, 12, 30), "an extension is requested"),
    ("Đang làm, 30/12", "in_progress", None, "work under way"),
])
def test_the_date_each_status_keeps(text, status, due, why):
    reply = parse_reply(text, TODAY)
    assert (reply.status, reply.new_due, reply.why) == (status, due, why)


@pytest.mark.parametrize("text", [
    # "đã" right before the completion, or one word before it, stops an earlier negator.
    "Không nhắc nữa đã xong",
    "Không nhắc đã làm xong",
])
def test_an_aspect_word_stops_an_earlier_negator(text):
    assert parse_reply(text, TODAY).status == "done"
