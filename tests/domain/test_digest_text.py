"""The digest's Vietnamese text: numbers as the committee writes them, sections, splitting."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.digest import build_digest
from domain.digest_inputs import (
    AssignmentIn,
    DigestInputs,
    Figures,
    ItemIn,
    PreviousDigest,
    digest_period,
)
from domain.digest_text import (
    MAX_LINES,
    MAX_PER_AGENCY,
    digest_sections,
    percent,
    render_digest,
    share,
    split_digest,
    split_sections,
    title,
)
from tests.domain.test_digest import scenario

D = date.fromisoformat


@pytest.mark.parametrize(("part", "whole", "expected"), [
    (0, 0, "0%"), (0, 5, "0%"), (5, 5, "100%"), (1, 3, "33%"), (2, 3, "67%"), (1, 8, "13%"),
    # The seeds' own figures: 35/82 (43%), 29/45 (64%), 38/82 (46%), 485/1132 (43%).
    (35, 82, "43%"), (29, 45, "64%"), (38, 82, "46%"), (485, 1132, "43%"),
])
def test_percent_rounds_halves_up(part, whole, expected):
    assert percent(part, whole) == expected


def test_share_reads_like_the_seeds():
    assert share(35, 82) == "35/82 (43%)"


@pytest.mark.parametrize(("today", "weeks", "expected"), [
    ("2025-11-21", 1, "tuần 47 (17/11–23/11/2025)"),
    ("2025-11-21", 2, "tuần 47–48 (17/11–30/11/2025)"),
    ("2025-12-31", 1, "tuần 1 (29/12/2025–04/01/2026)"),
])
def test_title_names_the_weeks_and_dates(today, weeks, expected):
    period = digest_period(D(today), weeks)
    assert title(period) == f"Báo cáo tiến độ thực hiện Nghị quyết 57-NQ/TW {expected}"


def with_previous(start: str, end: str, tasks: dict[str, int]) -> DigestInputs:
    figures = Figures({**Figures().tasks, **tasks},
                      {"achieved": 0, "not_achieved": 1, "not_assessable": 0})
    return scenario(previous=PreviousDigest(D(start), D(end), figures))


def test_task_and_indicator_sections():
    text = render_digest(build_digest(scenario()))
    assert "\n".join([
        "I. NHIỆM VỤ: 5 nhiệm vụ",
        "- Hoàn thành đúng hạn: 0/5 (0%)",
        "- Hoàn thành quá hạn: 0/5 (0%)",
        "- Đang thực hiện trong hạn: 1/5 (20%)",
        "- Quá hạn chưa hoàn thành: 2/5 (40%) – chưa báo cáo: 1",
        "- Chưa đến hạn: 1/5 (20%) – chưa báo cáo: 1",
        "- Thường xuyên / theo tiến độ TW: 1/5 (20%)",
        "Chưa có báo cáo nào: 2/5 nhiệm vụ (chưa báo cáo).",
        "Nhiệm vụ chưa đến hạn (1), theo thời hạn:",
        "• hạn 31/12/2025 (1): NV4",
        "Đã hoàn thành 0/5 (0%) nhiệm vụ; quá hạn chưa hoàn thành 2 nhiệm vụ. Chưa có báo cáo"
        " kỳ trước để so sánh.",
        "",
        "II. CHỈ TIÊU: 1 chỉ tiêu",
        "- Đạt/vượt: 0/1 (0%)",
        "- Chưa đạt: 1/1 (100%)",
        "- Chưa đánh giá được: 0/1 (0%)",
    ]) in text


@pytest.mark.parametrize(("start", "end", "phrase"), [
    ("2025-11-10", "2025-11-16", "so với tuần trước"),
    ("2025-11-03", "2025-11-16", "so với kỳ trước"),
    ("2025-10-27", "2025-11-02", "so với báo cáo kỳ đến ngày 02/11/2025"),
])
def test_change_since_the_previous_digest(start, end, phrase):
    previous = with_previous(start, end, {"overdue": 3, "not_due": 2})
    text = render_digest(build_digest(previous))
    assert "- Quá hạn chưa hoàn thành: 2/5 (40%, -1) – chưa báo cáo: 1" in text
    assert "- Chưa đến hạn: 1/5 (20%, -1) – chưa báo cáo: 1" in text
    assert "- Thường xuyên / theo tiến độ TW: 1/5 (20%, +1)" in text
    assert "- Hoàn thành đúng hạn: 0/5 (0%)\n" in text
    assert (f"quá hạn chưa hoàn thành 2 nhiệm vụ. Không có thêm nhiệm vụ hoàn thành {phrase};"
            " số nhiệm vụ quá hạn giảm 1.") in text


def test_more_done_than_last_week():
    inputs = with_previous("2025-11-10", "2025-11-16", {"overdue": 2,
                                                        "not_due": 2, "recurring": 1})
    done = [replace(a, status="done", done_on=D("2025-11-20")) if a.assignment_id == 6 else a
            for a in inputs.assignments]
    text = render_digest(build_digest(replace(inputs, assignments=done)))
    assert "- Hoàn thành đúng hạn: 1/5 (20%, +1)" in text
    assert ("Đã hoàn thành 1/5 (20%) nhiệm vụ; quá hạn chưa hoàn thành 2 nhiệm vụ. +1 hoàn"
            " thành so với tuần trước; số nhiệm vụ quá hạn không đổi.") in text


def test_lists_say_what_they_hold():
    text = render_digest(build_digest(scenario()))
    assert ("IV. NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH: 2 nhiệm vụ, 2 lượt phân công (quá hạn lâu"
            " nhất trước; số ngày là ngày theo lịch)\n"
            "Công an tỉnh (1):\n"
            "• NV1 – Nhiệm vụ số 1 – hạn 31/07/2025, quá hạn 113 ngày; vướng mắc\n"
            "Sở Nông nghiệp và Môi trường (1):\n"
            "• NV2 – Nhiệm vụ số 2 – hạn 30/09/2025, quá hạn 52 ngày; chưa báo cáo") in text
    assert "chưa thực hiện" not in text.lower()
    assert ("V. NHIỆM VỤ ĐẾN HẠN TRONG 14 NGÀY TỚI: 1 nhiệm vụ\n"
            "• NV3 – Nhiệm vụ số 3 – hạn 05/12/2025 (còn 14 ngày theo lịch) – Sở Y tế;"
            " Sở Nông nghiệp và Môi trường") in text
    assert ("VI. VƯỚNG MẮC CHƯA ĐƯỢC GIẢI QUYẾT: 1 lượt phân công báo vướng mắc\n"
            "• NV1 – Công an tỉnh – Nhiệm vụ số 1: Chờ hướng dẫn của Bộ (báo ngày 19/11/2025)"
            ) in text
    assert ("VII. GIA HẠN\nĐã duyệt gia hạn: không có.\nĐề nghị gia hạn chờ duyệt: 1 đề nghị\n"
            "• NV3 (hạn 05/12/2025) – Sở Y tế: đề nghị gia hạn đến 31/01/2026; lý do: Chờ"
            " kinh phí; gửi ngày 19/11/2025") in text
    assert ("Chưa phản hồi nhắc việc trong kỳ (1 cơ quan):\n"
            "• Sở Nông nghiệp và Môi trường: 2/2 lượt phân công được nhắc chưa có phản hồi\n"
            "Không liên lạc được qua hệ thống (1 người):\n"
            "• Trần Văn Nam – cán bộ đầu mối, Công an tỉnh: đã chặn bot\n"
            "Chưa đăng ký cán bộ đầu mối (1 cơ quan): Sở Nông nghiệp và Môi trường.") in text
    assert ("1. Sở Y tế: 1/3 (33%), quá hạn 0; chưa có số liệu tuần trước\n"
            "2. Công an tỉnh: 0/2 (0%), quá hạn 1; chưa có số liệu tuần trước\n"
            "3. Sở Nông nghiệp và Môi trường: 0/2 (0%), quá hạn 1; chưa có số liệu tuần trước\n"
            "Cộng: 1/7 lượt phân công hoàn thành (14%), 2 lượt quá hạn, 3 cơ quan") in text
    assert ("• (không ghi văn bản giao): 5 / 0 (0%) / 2 / 1 / 1 / 1") in text


def test_empty_lists_say_so():
    quiet = scenario(assignments=[], extensions=[], reminders=[], people=[])
    text = render_digest(build_digest(quiet))
    for heading in ("IV. NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH", "VI. VƯỚNG MẮC CHƯA ĐƯỢC GIẢI QUYẾT",
                    "Đề nghị gia hạn chờ duyệt", "Đã duyệt gia hạn",
                    "Chưa phản hồi nhắc việc trong kỳ",
                    "Không liên lạc được qua hệ thống", "Chưa đăng ký cán bộ đầu mối"):
        assert f"{heading}: không có." in text


def many_overdue(agencies: int, per_agency: int) -> DigestInputs:
    items = [ItemIn(n, f"NV{n}", str(n), "task", f"Nhiệm vụ {n}", "", ("Sở",), "Quý III", "date",
                    D("2025-09-30"), None) for n in range(1, per_agency + 1)]
    parts = [AssignmentIn(a * 1000 + n, n, a, f"Cơ quan {a:02d}", "not_started")
             for a in range(agencies) for n in range(1, per_agency + 1)]
    return DigestInputs(digest_period(D("2025-11-21")), items, parts)


def test_long_overdue_list_is_capped_with_the_rest_counted():
    digest = build_digest(many_overdue(agencies=30, per_agency=MAX_PER_AGENCY + 2))
    section = digest_sections(digest)[4]
    lines = section.split("\n")
    assert len(lines) <= MAX_LINES + 2
    assert "  … và 2 lượt phân công khác" in lines
    shown = sum(1 for line in lines if line.endswith(f"({MAX_PER_AGENCY + 2}):"))
    hidden = 30 - shown
    assert lines[-1] == (f"… và {hidden} cơ quan khác ({hidden * (MAX_PER_AGENCY + 2)} lượt"
                         " phân công quá hạn): xem tệp Excel kèm theo.")
    assert lines[0].startswith(f"IV. NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH: {MAX_PER_AGENCY + 2}"
                               f" nhiệm vụ, {30 * (MAX_PER_AGENCY + 2)} lượt phân công")


def test_split_keeps_sections_whole_when_they_fit():
    digest = build_digest(many_overdue(agencies=40, per_agency=3))
    sections = digest_sections(digest)
    parts = split_digest(digest, 1500)
    assert len(parts) > 1 and all(len(p.encode("utf-16-le")) // 2 <= 1500 for p in parts)
    for section in sections:
        if len(section) <= 1500:
            assert sum(section in part for part in parts) == 1


def test_a_section_longer_than_the_limit_is_cut_between_lines():
    sections = ["Tiêu đề", "\n".join(f"dòng {n}" for n in range(100)), "Cuối"]
    parts = split_sections(sections, 100)
    assert parts[0].startswith("Tiêu đề") and parts[-1].endswith("Cuối")
    lines = [line for part in parts for line in part.split("\n") if line]
    assert lines == ["Tiêu đề", *(f"dòng {n}" for n in range(100)), "Cuối"]


sections_strategy = st.lists(
    st.lists(st.text(alphabet="aăâđêôơư ạ🙂x", min_size=1, max_size=30).map(str.strip)
             .filter(bool), min_size=1, max_size=8).map("\n".join),
    min_size=1, max_size=8)


@given(sections_strategy, st.integers(min_value=30, max_value=200))
def test_splitting_loses_no_text_and_respects_the_limit(sections, limit):
    parts = split_sections(sections, limit)
    assert all(len(part.encode("utf-16-le")) // 2 <= limit for part in parts)
    # A word longer than the limit is cut inside, so compare the text without its spacing.
    assert "".join("".join(parts).split()) == "".join("".join(sections).split())


def test_messages_fit_each_channel():
    digest = build_digest(replace(many_overdue(agencies=60, per_agency=4)))
    for limit in (4096, 2000):
        assert all(len(p.encode("utf-16-le")) // 2 <= limit for p in split_digest(digest, limit))
