"""Vietnamese reminder wording, and splitting long messages under the chat's limit."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import date
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.deadlines import Deadline, DeadlineKind, Every, PeriodDay
from domain.reminder_steps import ItemKind
from domain.reminder_text import (
    describe_timing,
    format_date,
    item_line,
    render_escalation,
    render_focal_message,
    render_unreachable,
    shorten,
    split_message,
)
from domain.reminders import AssignmentState, DueReminder, Recipient, ReminderMessage

D = date.fromisoformat
TODAY = D("2025-09-22")
LONG_TEXT = (
    "Xây dựng chương trình chuyên biệt về khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi"
    " số trên báo, truyền hình, phát thanh và mạng xã hội"
)


def recurring_on(raw: str, every: Every, on: PeriodDay) -> DueReminder:
    """A check-in of a recurring item whose cell names the day of the period."""
    plain = item(due=None, deadline_kind="recurring", kind="checkin_recurring", raw=raw)
    deadline = Deadline(raw, "recurring", every=every, on=on)
    return replace(plain, assignment=replace(plain.assignment, deadline=deadline))


def item(
    code: str = "NV12",
    *,
    due: str | None = "2025-09-25",
    kind: str = "before_3",
    deadline_kind: DeadlineKind = "date",
    raw: str = "Quý III",
    item_kind: ItemKind = "task",
    text: str = "Tiếp tục thực hiện Đề án phát triển y tế thông minh",
    agency: tuple[int, str] = (1, "Sở Y tế"),
) -> DueReminder:
    deadline = Deadline(raw, deadline_kind, D(due) if due else None)
    state = AssignmentState(
        assignment_id=int(code[2:]),
        item_code=code,
        item_kind=item_kind,
        item_text=text,
        agency_id=agency[0],
        agency_name=agency[1],
        deadline=deadline,
        status="in_progress",
    )
    days_left = (D(due) - TODAY).days if due else None
    return DueReminder(state, kind, D(due) if due else TODAY, "test", days_left)


@pytest.mark.parametrize(
    ("due", "expected"),
    [("2025-09-05", "05/09/2025"), ("2025-12-31", "31/12/2025"), ("2026-02-17", "17/02/2026")],
)
def test_dates_read_dd_mm_yyyy(due, expected):
    assert format_date(D(due)) == expected


@pytest.mark.parametrize(
    ("reminder", "expected"),
    [
        (item(due="2025-09-25"), "hạn 25/09/2025, còn 3 ngày"),
        (item(due="2025-09-23"), "hạn 23/09/2025, còn 1 ngày"),
        (item(due="2025-09-22", kind="due_today"), "hạn 22/09/2025, đến hạn hôm nay"),
        (item(due="2025-09-17", kind="overdue_4"), "hạn 17/09/2025, quá hạn 5 ngày"),
        (
            item(due=None, deadline_kind="recurring", kind="checkin_recurring"),
            "định kỳ: cập nhật tiến độ",
        ),
        (
            recurring_on("hằng quý, trước ngày 10 tháng cuối quý", "quarterly",
                         PeriodDay(month=3, day=10)),
            "định kỳ hằng quý, ngày 10 tháng thứ 3 của quý: cập nhật tiến độ",
        ),
        (
            recurring_on("thứ Hai hằng tuần", "weekly", PeriodDay(weekday=1)),
            "định kỳ hằng tuần, thứ Hai: cập nhật tiến độ",
        ),
        (
            item(due=None, deadline_kind="dependent", kind="checkin_dependent",
                 raw="Theo tiến độ TW"),
            "theo tiến độ của Trung ương: đề nghị cập nhật tiến độ",
        ),
        (
            item(due=None, deadline_kind="dependent", kind="checkin_dependent",
                 raw="Theo hướng dẫn của Bộ Khoa học và Công nghệ"),
            "thời hạn “Theo hướng dẫn của Bộ Khoa học và Công nghệ”: đề nghị cập nhật tiến độ",
        ),
        (
            # Waiting for an event, not for the centre: its own words, nothing untrue.
            item(due=None, deadline_kind="dependent", kind="checkin_dependent",
                 raw="Sau khi Bộ ban hành hướng dẫn"),
            "thời hạn “Sau khi Bộ ban hành hướng dẫn”: đề nghị cập nhật tiến độ",
        ),
        (
            item(due=None, deadline_kind="unknown", raw="Sau khi  có hướng dẫn"),
            "thời hạn “Sau khi có hướng dẫn”: đề nghị cập nhật tiến độ",
        ),
        (
            item(due=None, deadline_kind="unknown", item_kind="indicator"),
            "đề nghị cập nhật giá trị và đánh giá chỉ tiêu",
        ),
        (
            item(due="2025-12-31", item_kind="indicator", kind="checkin_indicator"),
            "đề nghị cập nhật giá trị và đánh giá chỉ tiêu, hạn 31/12/2025",
        ),
        (
            item(due="2025-09-17", kind="follow_up"),
            "hạn 17/09/2025, quá hạn 5 ngày",  # why it is asked again: on the line below
        ),
    ],
)
def test_timing_in_natural_vietnamese(reminder, expected):
    assert describe_timing(reminder) == expected


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Thành lập Hội đồng tư vấn", 120, "Thành lập Hội đồng tư vấn"),
        ("  Thành lập\u00a0Hội đồng\n tư vấn ", 120, "Thành lập Hội đồng tư vấn"),
        (unicodedata.normalize("NFD", "Đề án"), 120, "Đề án"),
        ("một hai ba", 10, "một hai ba"),  # exactly at the limit: kept whole
        ("một hai ba bốn", 10, "một hai…"),  # "ba" would be cut: dropped
        ("một hai ba bốn", 11, "một hai ba…"),  # "ba" ends right at the cut: kept
        ("khoa học, công nghệ, đổi mới", 16, "khoa học, công…"),
        ("khoa học, công nghệ, đổi mới", 21, "khoa học, công nghệ…"),  # no "," before "…"
        ("a" * 200, 120, "a" * 119 + "…"),  # no space at all: cut inside the word
        (
            LONG_TEXT,
            120,
            "Xây dựng chương trình chuyên biệt về khoa học, công nghệ, đổi mới sáng tạo và"
            " chuyển đổi số trên báo, truyền hình, phát…",
        ),
    ],
)
def test_shorten(text, limit, expected):
    assert shorten(text, limit) == expected


@given(st.text(), st.integers(min_value=2, max_value=200))
def test_shorten_never_exceeds_its_limit(text, limit):
    assert len(shorten(text, limit)) <= limit


def test_focal_message():
    message = ReminderMessage(
        Recipient(10, "focal", "tg:10", 1),
        (
            item("NV3", due="2025-09-17", kind="overdue_4", text=LONG_TEXT),
            item("NV12", due="2025-09-25"),
            item("NV7", due=None, deadline_kind="recurring", kind="checkin_recurring"),
            item("NV9", due=None, deadline_kind="unknown", item_kind="indicator", text="Tỷ lệ 5G"),
        ),
        TODAY,
    )
    assert render_focal_message(message).split("\n") == [
        "Kính gửi đồng chí cán bộ đầu mối của Sở Y tế,",
        "Ban Chỉ đạo đề nghị đồng chí cập nhật tình hình thực hiện 3 nhiệm vụ và 1 chỉ tiêu sau:",
        f"• NV3 – {shorten(LONG_TEXT)} (hạn 17/09/2025, quá hạn 5 ngày)",
        "   Chưa có báo cáo. Đã quá hạn: đề nghị báo cáo kết quả hoặc xin gia hạn.",
        "• NV12 – Tiếp tục thực hiện Đề án phát triển y tế thông minh (hạn 25/09/2025, còn 3 ngày)",
        "   Chưa có báo cáo. Sắp đến hạn: đề nghị cho biết tiến độ, hoặc xin gia hạn nếu cần.",
        "• NV7 – Tiếp tục thực hiện Đề án phát triển y tế thông minh (định kỳ: cập nhật tiến độ)",
        "   Chưa có báo cáo. Nhiệm vụ thường xuyên: đề nghị báo cáo kết quả thực hiện định kỳ.",
        "• NV9 – Tỷ lệ 5G (đề nghị cập nhật giá trị và đánh giá chỉ tiêu)",
        "   Chưa có báo cáo. Sắp đến hạn: đề nghị cho biết tiến độ, hoặc xin gia hạn nếu cần.",
        "Trả lời tin nhắn này hoặc gõ mã nhiệm vụ kèm tình trạng, ví dụ: NV3 đã hoàn thành",
    ]


@pytest.mark.parametrize(
    ("name", "items", "greeting", "count"),
    [
        (
            "Nguyễn Văn An",
            (item("NV1"),),
            "Kính gửi đồng chí Nguyễn Văn An, cán bộ đầu mối của Sở Y tế,",
            "1 nhiệm vụ",
        ),
        (
            "",
            (item("NV1"), item("NV2", agency=(2, "Sở Nội vụ"))),
            "Kính gửi đồng chí cán bộ đầu mối của Sở Y tế, Sở Nội vụ,",
            "2 nhiệm vụ",
        ),
        (
            "",
            (item("CT4", due=None, deadline_kind="unknown", item_kind="indicator"),),
            "Kính gửi đồng chí cán bộ đầu mối của Sở Y tế,",
            "1 chỉ tiêu",
        ),
    ],
)
def test_focal_greeting_and_count(name, items, greeting, count):
    text = render_focal_message(ReminderMessage(Recipient(1, "focal", "tg", 1, name), items, TODAY))
    lines = text.split("\n")
    assert lines[0] == greeting
    assert f" {count} sau:" in lines[1]
    assert lines[-1].endswith(f"ví dụ: {items[0].item_code} đã hoàn thành")


def test_leader_escalation():
    overdue = item("NV3", due="2025-08-29", kind="escalation_10")
    text = render_escalation(
        ReminderMessage(Recipient(20, "leader", "tg:20", 1), (overdue,), TODAY)
    )
    assert text.split("\n") == [
        "Kính gửi đồng chí lãnh đạo Sở Y tế,",
        "Ban Chỉ đạo thông báo: Sở Y tế có 1 nhiệm vụ quá hạn từ 10 ngày làm việc trở lên,"
        " đề nghị đồng chí quan tâm chỉ đạo thực hiện:",
        item_line(overdue),
        "Cán bộ đầu mối của đơn vị đã được nhắc việc qua hệ thống.",
    ]
    assert "quá hạn 24 ngày" in item_line(overdue)


def test_secretariat_escalation_is_grouped_by_agency():
    items = (
        item("NV3", due="2025-08-01", kind="escalation_20"),
        item("NV8", due="2025-08-29", kind="escalation_10", agency=(2, "Sở Nội vụ")),
        item("NV4", due="2025-09-01", kind="escalation_10"),
    )
    text = render_escalation(ReminderMessage(Recipient(30, "secretariat", "tg:30"), items, TODAY))
    assert text.split("\n") == [
        "Kính gửi Cơ quan thường trực Ban Chỉ đạo,",
        "Hệ thống đôn đốc báo cáo: có 3 nhiệm vụ quá hạn từ 10 ngày làm việc trở lên"
        " (đã thông báo tới lãnh đạo các đơn vị đã đăng ký):",
        "Sở Y tế:",
        item_line(items[0]),
        item_line(items[2]),
        "Sở Nội vụ:",
        item_line(items[1]),
    ]


@pytest.mark.parametrize(("agencies", "said"), [
    # One item led by three agencies: one "nhiệm vụ", three "lượt phân công" (never 3 nhiệm vụ).
    ([(1, "Sở Y tế"), (2, "Sở Nội vụ"), (3, "Sở Tài chính")],
     "có 1 nhiệm vụ (3 lượt phân công) quá hạn từ 10 ngày làm việc trở lên"),
    ([(1, "Sở Y tế")], "có 1 nhiệm vụ quá hạn từ 10 ngày làm việc trở lên"),
])
def test_escalation_counts_items_and_says_assignments_apart(agencies, said):
    shared = item("NV3", due="2025-08-29", kind="escalation_10")
    items = tuple(replace(shared, assignment=replace(shared.assignment, assignment_id=n,
                                                     agency_id=agency[0], agency_name=agency[1]))
                  for n, agency in enumerate(agencies, start=1))
    text = render_escalation(ReminderMessage(Recipient(30, "secretariat", "tg:30"), items, TODAY))
    assert said in text.split("\n")[1]


def test_unreachable_list_for_the_secretariat():
    police = item("NV23", due="2025-12-31", kind="before_14", agency=(3, "Công an tỉnh"))
    lines = render_unreachable([police], TODAY).split("\n")
    assert lines[1] == (
        "Các đơn vị sau chưa đăng ký cán bộ đầu mối nên chưa nhận được nhắc việc ngày 22/09/2025:"
    )
    assert lines[2:4] == ["Công an tỉnh:", item_line(police)]
    assert render_unreachable([], TODAY) == ""


@pytest.mark.parametrize(
    ("text", "limit", "parts"),
    [
        ("", 10, []),
        ("abc", 10, ["abc"]),
        ("aaa\nbbb\nccc", 7, ["aaa\nbbb", "ccc"]),
        ("aaa\nbbb\nccc", 11, ["aaa\nbbb\nccc"]),
        ("aaa\n\nbbb", 4, ["aaa", "bbb"]),  # no empty part, no blank edge line
        ("một hai ba bốn", 7, ["một hai", "ba bốn"]),  # a long line: between words
        ("abcdefghij", 4, ["abcd", "efgh", "ij"]),  # one huge word: cut inside, last resort
        ("😀😀😀", 4, ["😀😀", "😀"]),  # Telegram counts UTF-16 units: an emoji is two
    ],
)
def test_split_message_cases(text, limit, parts):
    assert split_message(text, limit) == parts


def test_a_long_focal_message_splits_between_item_lines():
    items = tuple(item(f"NV{n}", text=LONG_TEXT) for n in range(1, 81))
    text = render_focal_message(ReminderMessage(Recipient(1, "focal", "tg", 1), items, TODAY))
    parts = split_message(text)
    assert len(parts) == -(-len(text) // 4096)  # ~150 characters a line: 4 parts, none spare
    assert all(len(part) <= 4096 for part in parts)
    assert "\n".join(parts) == text
    for part, following in pairwise(parts):
        # Each part is filled, but an item's line and the line under it stay together.
        first, second = following.split("\n")[:2]
        assert len(part) + 1 + len(first) + 1 + len(second) > 4096
        assert first.startswith("•") and second.startswith("   ")


def test_split_message_refuses_a_limit_too_small_for_any_character():
    with pytest.raises(ValueError):
        split_message("abc", 1)


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


WORD = st.text(alphabet="aăâbđêôơưáàảãạếềểễệ😀NV0123456789.,", min_size=1, max_size=12)
LINE = st.lists(WORD, min_size=1, max_size=12).map(" ".join)
TEXT = st.lists(LINE, min_size=1, max_size=40).map("\n".join)


@given(st.text(), st.integers(min_value=2, max_value=80))
def test_every_part_fits_and_none_is_empty(text, limit):
    for part in split_message(text, limit):
        assert 0 < utf16(part) <= limit
        assert part.strip()


@given(TEXT, st.integers(min_value=2, max_value=300))
def test_lines_that_fit_are_never_cut(text, limit):
    lines = text.split("\n")
    parts = split_message(text, limit)
    if all(utf16(line) <= limit for line in lines):
        assert "\n".join(parts) == text
        for part in parts:
            assert set(part.split("\n")) <= set(lines)
    else:
        assert all(utf16(part) <= limit for part in parts)


@given(TEXT, st.integers(min_value=24, max_value=120))
def test_long_lines_are_cut_between_words_only(text, limit):
    # Words are at most 12 characters (24 UTF-16 units), so no word needs cutting.
    parts = split_message(text, limit)
    assert [word for part in parts for word in part.split()] == text.split()
    assert all(utf16(part) <= limit for part in parts)


def _in(committee: int, reminder: DueReminder) -> DueReminder:
    return replace(reminder, assignment=replace(reminder.assignment, committee_id=committee))


@pytest.mark.parametrize(("committees", "several", "labels", "marked"), [
    ((1,), frozenset(), None, False),  # one committee in the deployment: never marked
    ((1,), frozenset({1}), None, False),
    ((1,), frozenset(), {1: "BCĐ", 2: "Xã"}, False),  # Sở Y tế works for one committee only
    ((1,), frozenset({1}), {1: "BCĐ", 2: "Xã"}, True),  # it serves two: marked, even alone
    ((1, 2), frozenset(), {1: "BCĐ", 2: "Xã"}, True),  # a message spanning two
])
def test_items_are_marked_with_their_committee_when_the_person_serves_several(
        committees, several, labels, marked):
    items = tuple(_in(c, item(f"NV{n}")) for n, c in enumerate(committees, 1))
    text = render_focal_message(ReminderMessage(Recipient(1, "focal", "tg", 1), items, TODAY),
                                labels=labels, several=several)
    lines = [line for line in text.split("\n") if line.startswith("• ")]
    assert len(lines) == len(items)
    for line, committee in zip(lines, committees, strict=True):
        expected = f"[{labels[committee]}] " if marked and labels else ""
        # The mark comes after " CODE – ": the scan still finds the item's buttons there.
        assert line.split(" – ", 1)[1].startswith(expected + "Tiếp tục"), line


def test_a_leaders_escalation_marks_the_committee_when_the_agency_serves_several():
    overdue = _in(2, item("NV3", due="2025-08-29", kind="escalation_10"))
    message = ReminderMessage(Recipient(20, "leader", "tg:20", 1), (overdue,), TODAY)
    labels = {1: "BCĐ", 2: "Xã"}
    marked = render_escalation(message, labels=labels, several=frozenset({1}))
    assert "• NV3 – [Xã] Tiếp tục" in marked
    assert "[Xã]" not in render_escalation(message, labels=labels)  # Sở Y tế serves one
    assert "[Xã]" not in render_escalation(message)  # one committee in the deployment
