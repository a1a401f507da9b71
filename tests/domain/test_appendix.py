"""The appendix interpreter on the real seed and on hand-made row tables."""

from datetime import date
from pathlib import Path

import pytest

from domain.appendix import AppendixError, AppendixItem, SourceRow, parse_appendix
from storage.readers import read_source_rows


def rows(*lines: str) -> list[SourceRow]:
    """Text-format rows: tab-separated cells, one line each."""
    return [SourceRow(tuple(line.split("\t")), n) for n, line in enumerate(lines, start=1)]


@pytest.fixture
def seed_items(seed_path: Path) -> list[AppendixItem]:
    return parse_appendix(read_source_rows(seed_path), 2025)


def section_two(items: list[AppendixItem]) -> dict[str, AppendixItem]:
    return {i.number: i for i in items if i.section.startswith("II-")}


def test_seed_has_93_items_20_indicators_73_tasks(seed_items):
    assert len(seed_items) == 93
    assert sum(i.kind == "indicator" for i in seed_items) == 20
    assert sum(i.kind == "task" for i in seed_items) == 73


def test_every_section_two_deadline_is_understood(seed_items):
    tasks = section_two(seed_items)
    assert len(tasks) == 73
    assert [n for n, t in tasks.items() if t.deadline.kind == "unknown"] == []


@pytest.mark.parametrize(
    ("number", "raw", "kind", "due"),
    [
        ("15", "Tháng 9", "date", date(2025, 9, 30)),
        ("48", "Tháng 7/2025.", "date", date(2025, 7, 31)),
        ("29", "Quý IV/2025", "date", date(2025, 12, 31)),
        ("1", "Quý II", "date", date(2025, 6, 30)),
        ("7", "Quý III", "date", date(2025, 9, 30)),
        ("8", "Năm 2025", "date", date(2025, 12, 31)),
        ("10", "2025", "date", date(2025, 12, 31)),
        ("28", "Trong năm 2025", "date", date(2025, 12, 31)),
        ("47", "Tháng 9/2025", "date", date(2025, 9, 30)),
        ("4", "Thường xuyên", "recurring", None),
        ("5", "Theo tiến độ TW", "dependent", None),
    ],
)
def test_seed_deadlines(seed_items, number, raw, kind, due):
    deadline = section_two(seed_items)[number].deadline
    assert (deadline.raw, deadline.kind, deadline.due) == (raw, kind, due)


@pytest.mark.parametrize(
    ("number", "ends_with"),
    [
        ("26", "gắn kết chặt chẽ với việc triển khai thực hiện Nghị quyết 57-NQ/TW"),
        ("32", "thu hút đầu tư, an sinh xã hội trên địa bàn tỉnh"),
        ("39", "theo Nghị định số 29/2023/NĐ-CP ngày 03/6/2023 của Chính phủ"),
        ("64", "phục vụ hoạt động và công tác chuyên môn"),
    ],
)
def test_continuation_lines_are_joined_into_their_rows(seed_items, number, ends_with):
    task = section_two(seed_items)[number]
    assert task.text.endswith(ends_with)
    assert len(task.lines) == 2
    assert "  " not in task.text


def test_section_two_tasks_one_and_two_carry_the_overdue_assessment(seed_items):
    tasks = section_two(seed_items)
    for number in ("1", "2"):
        assert tasks[number].kind == "task"
        assert tasks[number].assessment == "Quá hạn (Thời gian hoàn thành: Quý II)"
        assert tasks[number].deadline.due == date(2025, 6, 30)
    assert not any(i.section.startswith("I-") and i.number in ("21", "22") for i in seed_items)


def test_seed_indicators_keep_their_assessment_and_lead_agencies(seed_items):
    indicators = [i for i in seed_items if i.kind == "indicator"]
    assert {i.assessment for i in indicators} == {"Chưa đạt", "Chưa đánh giá được"}
    five_g = next(i for i in indicators if i.text == "Tỷ lệ phủ sóng 5G trên địa bàn")
    assert five_g.lead_agencies == ("Sở Khoa học và Công nghệ",)
    nineteen = next(i for i in indicators if i.number == "19")
    assert nineteen.lead_agencies == ("Sở Khoa học và Công nghệ", "các Viện/trường")


def test_default_year_comes_from_the_assigning_document():
    items = parse_appendix(rows(
        "STT\tNhiệm vụ\tVăn bản giao nhiệm vụ\tCơ quan chủ trì\tThời hạn",
        "1.\tViệc A\tKế hoạch số 10-KH/TU ngày 2/1/2024\tSở Y tế\tQuý I",
        "2.\tViệc B\t\tSở Y tế\tQuý I",
    ), fallback_year=2026)
    assert [i.deadline.due for i in items] == [date(2024, 3, 31), date(2026, 3, 31)]


def test_columns_are_found_by_name_in_any_order():
    items = parse_appendix(rows(
        "Thời gian hoàn thành\tĐơn vị chủ trì\tNội dung nhiệm vụ\tTT\tCơ quan phối hợp",
        "Tháng 10/2025\tSở Tư pháp\tRà soát văn bản\t1\tSở Nội vụ; Công an tỉnh",
    ), fallback_year=2025)
    [item] = items
    assert (item.number, item.text, item.lead_agencies, item.support_agencies) == (
        "1", "Rà soát văn bản", ("Sở Tư pháp",), ("Sở Nội vụ", "Công an tỉnh"))
    assert item.deadline.due == date(2025, 10, 31)


def test_unknown_deadlines_are_kept_not_fatal():
    [item] = parse_appendix(rows(
        "STT\tNhiệm vụ\tCơ quan chủ trì\tThời hạn",
        "1\tViệc A\tSở Y tế\ttùy tình hình",
    ), fallback_year=2025)
    assert (item.deadline.kind, item.deadline.raw) == ("unknown", "tùy tình hình")


def test_a_sheet_of_punctuation_deadlines_is_read_and_kept():
    # The sheet that froze the bot for 46 s: every cell a run of dots. Each item is kept,
    # its deadline unknown (to be listed at import), the over-long ones with their reason.
    cells = ["." * 30 + "x", "…" * 3000 + "Quý IV", "Quý IV" + "." * 5000]
    items = parse_appendix(rows("STT\tNhiệm vụ\tCơ quan chủ trì\tThời hạn", *(
        f"{n}\tViệc {n}\tSở Y tế\t{cells[n % 3]}" for n in range(1, 201))), fallback_year=2025)
    assert len(items) == 200
    kinds = {(item.deadline.kind, item.deadline.reason is not None) for item in items}
    assert kinds == {("unknown", False), ("unknown", True), ("date", False)}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (("Không có bảng nào ở đây",), "không tìm thấy bảng nhiệm vụ"),
        (("STT\tCơ quan chủ trì\tThời hạn", "1\tSở Y tế\tQuý I"), "bảng không có cột nhiệm vụ"),
        (("STT\tNhiệm vụ\tThời hạn", "1\t\tQuý I"), "không có nội dung"),
        (("STT\tNhiệm vụ\tThời hạn", "1a\tViệc\tQuý I"), "số thứ tự không hợp lệ"),
    ],
)
def test_unreadable_tables_say_why_and_where(lines, message):
    with pytest.raises(AppendixError, match=message):
        parse_appendix(rows(*lines), fallback_year=2025)


def test_row_error_names_the_line():
    with pytest.raises(AppendixError) as error:
        parse_appendix(rows("tiêu đề", "STT\tNhiệm vụ\tThời hạn", "1a\tViệc\tQuý I"), 2025)
    assert error.value.where == "dòng 3"
