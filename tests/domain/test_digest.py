"""Digest figures: periods, classes, lists, the per-agency table, and that it all reconciles."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from domain.digest import build_digest, reconcile
from domain.digest_classes import (
    adjusted,
    assignment_indicator,
    classify_assignment,
    classify_indicator,
    classify_task,
    document_status,
    report_source,
    written_assessment,
)
from domain.digest_groups import group_tasks
from domain.digest_inputs import (
    AssignmentIn,
    DigestInputs,
    ExtensionIn,
    Figures,
    IndicatorIn,
    ItemIn,
    PersonIn,
    ReminderIn,
    digest_period,
)
from domain.digest_text import digest_sections
from domain.digest_text_groups import group_line
from domain.digest_words import state_text

D = date.fromisoformat
TODAY = D("2025-11-21")  # a Friday, ISO week 47


def item(item_id: int = 1, *, due: str | None = "2025-09-30", kind: str = "task",
         deadline_kind: str = "date", assessment: str | None = None) -> ItemIn:
    prefix = "NV" if kind == "task" else "CT"
    return ItemIn(item_id, f"{prefix}{item_id}", str(item_id), kind, f"Nhiệm vụ số {item_id}",
                  "Kế hoạch số 328-KH/TU ngày 24/4/2025", ("Sở Y tế",), "Quý III",
                  deadline_kind, D(due) if due else None, assessment)


def part(assignment_id: int = 1, item_id: int = 1, *, status: str = "not_started",
         agency: tuple[int, str] = (1, "Sở Y tế"), done_on: str | None = None,
         last_update: str | None = None, **fields) -> AssignmentIn:
    return AssignmentIn(assignment_id, item_id, agency[0], agency[1], status,
                        done_on=D(done_on) if done_on else None,
                        last_update=D(last_update) if last_update else None, **fields)


@pytest.mark.parametrize(("today", "weeks", "start", "end", "iso_weeks"), [
    ("2025-11-21", 1, "2025-11-17", "2025-11-23", (47,)),
    ("2025-11-17", 1, "2025-11-17", "2025-11-23", (47,)),
    ("2025-11-23", 1, "2025-11-17", "2025-11-23", (47,)),
    ("2025-11-24", 1, "2025-11-24", "2025-11-30", (48,)),
    ("2025-11-21", 2, "2025-11-17", "2025-11-30", (47, 48)),
    ("2025-11-12", 2, "2025-11-03", "2025-11-16", (45, 46)),
    ("2025-12-31", 1, "2025-12-29", "2026-01-04", (1,)),
    ("2026-01-02", 2, "2025-12-29", "2026-01-11", (1, 2)),
])
def test_period_is_the_week_or_the_block_of_weeks(today, weeks, start, end, iso_weeks):
    period = digest_period(D(today), weeks)
    assert (period.start, period.end, period.weeks) == (D(start), D(end), iso_weeks)
    assert period.key == f"{start}_{end}"


def test_period_refuses_nonsense():
    with pytest.raises(ValueError):
        digest_period(TODAY, 0)
    with pytest.raises(ValueError):
        digest_period(TODAY, 1, epoch=D("2024-01-02"))


@pytest.mark.parametrize(("deadline_kind", "due", "status", "done_on", "expected"), [
    ("date", "2025-09-30", "done", "2025-09-30", "done_on_time"),
    ("date", "2025-09-30", "done", "2025-10-01", "done_late"),
    ("date", "2025-09-30", "done", None, "done_on_time"),
    ("date", "2025-11-21", "in_progress", None, "in_progress_on_time"),
    ("date", "2025-11-20", "in_progress", None, "overdue"),
    ("date", "2025-11-20", "not_started", None, "overdue"),
    ("date", "2025-11-20", "blocked", None, "overdue"),
    ("date", "2025-12-31", "blocked", None, "in_progress_on_time"),
    ("date", "2025-12-31", "not_started", None, "not_due"),
    ("unknown", None, "not_started", None, "not_due"),
    ("unknown", None, "in_progress", None, "in_progress_on_time"),
    ("recurring", None, "done", "2025-01-01", "recurring"),
    ("dependent", None, "not_started", None, "recurring"),
])
def test_one_agency_part(deadline_kind, due, status, done_on, expected):
    task = item(due=due, deadline_kind=deadline_kind)
    assert classify_assignment(task, part(status=status, done_on=done_on), TODAY) == expected


@pytest.mark.parametrize(("parts", "expected"), [
    ([("done", "2025-09-01"), ("done", "2025-09-30")], "done_on_time"),
    ([("done", "2025-09-01"), ("done", "2025-10-02")], "done_late"),
    ([("done", "2025-09-01"), ("in_progress", None)], "overdue"),
    ([("done", "2025-09-01"), ("not_started", None)], "overdue"),
    ([], "overdue"),
])
def test_an_item_is_done_when_every_agency_is_done_and_late_by_the_last(parts, expected):
    task = item(due="2025-09-30")
    rows = [part(n, status=status, done_on=done_on) for n, (status, done_on) in enumerate(parts)]
    assert classify_task(task, rows, TODAY) == expected


@pytest.mark.parametrize(("statuses", "expected"), [
    (("not_started", "not_started"), "not_due"),
    (("not_started", "blocked"), "in_progress_on_time"),
    (("done", "not_started"), "in_progress_on_time"),
    ((), "not_due"),
])
def test_an_item_in_time_is_started_when_any_agency_started(statuses, expected):
    task = item(due="2025-12-31")
    rows = [part(n, status=status) for n, status in enumerate(statuses)]
    assert classify_task(task, rows, TODAY) == expected


def test_an_approved_extension_moves_the_deadline_the_item_is_judged_by():
    task = item(due="2025-09-30")
    extended = part(status="done", done_on="2025-10-15", extended_due=D("2025-10-31"))
    assert classify_task(task, [extended], TODAY) == "done_on_time"
    assert adjusted(task, [extended])  # đúng hạn (đã điều chỉnh)
    assert not adjusted(task, [part(status="done", done_on="2025-09-29",
                                    extended_due=D("2025-10-31"))])
    after_it = part(status="done", done_on="2025-11-03", extended_due=D("2025-10-31"))
    assert classify_task(task, [after_it], TODAY) == "done_late"
    waiting = part(status="in_progress", extended_due=D("2025-12-31"))
    assert classify_task(task, [waiting], TODAY) == "in_progress_on_time"
    assert classify_assignment(task, waiting, TODAY) == "in_progress_on_time"
    lapsed = part(status="in_progress", extended_due=D("2025-11-20"))
    assert classify_task(task, [lapsed], TODAY) == "overdue"


def test_a_part_done_on_the_original_deadline_was_not_adjusted():
    # Finished on the day it was due: on time by the original deadline, whatever was extended.
    task = item(due="2025-09-30")
    assert not adjusted(task, [part(status="done", done_on="2025-09-30",
                                    extended_due=D("2025-10-31"))])


def test_a_done_part_past_the_deadline_does_not_make_the_item_overdue():
    # Only unfinished parts can be overdue: the other agency's extension still runs.
    task = item(due="2025-09-30")
    parts = [part(1, status="done", done_on="2025-09-20"),
             part(2, agency=(2, "Sở Nội vụ"), status="in_progress",
                  extended_due=D("2026-03-31"))]
    assert classify_task(task, parts, TODAY) == "in_progress_on_time"


@pytest.mark.parametrize(("kind", "written", "source"), [
    # An indicator's written assessment is "Đạt"/"Chưa đạt", not a task status: any text counts.
    ("indicator", "Đạt 2 tổ chức", "document"), ("indicator", None, "none"),
    ("indicator", "", "none"),
    # A task's text counts only when it states a status.
    ("task", "Giao Sở Y tế chủ trì", "none"), ("task", "Đạt", "none"),
])
def test_what_counts_as_the_appendixs_own_report(kind, written, source):
    thing = item(kind=kind, due=None, deadline_kind="unknown", assessment=written)
    assert report_source(thing, [part()]) == source


def test_an_indicator_part_without_a_report_takes_the_appendixs_assessment():
    indicator = item(kind="indicator", due=None, deadline_kind="unknown", assessment="Đạt")
    reported = part(2, indicator=IndicatorIn("not_achieved", datetime(2025, 11, 1, tzinfo=UTC)))
    assert [assignment_indicator(indicator, p) for p in (part(1), reported)] == [
        "achieved", "not_achieved"]


@pytest.mark.parametrize(("due", "expected"), [
    ("2025-11-20", "overdue"), ("2025-11-21", "not_due"), ("2025-11-22", "not_due")])
def test_a_task_due_today_is_not_overdue(due, expected):
    # `<` against today, not `<=`: overdue starts the day after the deadline.
    task = item(due=due)
    assert classify_task(task, [part()], TODAY) == expected
    assert classify_assignment(task, part(), TODAY) == expected
    assert classify_task(task, [], TODAY) == expected


@pytest.mark.parametrize(("written", "status", "source"), [
    ("Quá hạn (Thời gian hoàn thành: Quý II)", "not_started", "document"),
    ("Đã hoàn thành", "done", "document"), ("Đang triển khai", "in_progress", "document"),
    ("Chưa hoàn thành", "not_started", "document"), (None, None, "none"), ("", None, "none"),
])
def test_the_appendix_assessment_is_the_starting_state(written, status, source):
    task = item(due="2025-12-31", assessment=written)
    assert document_status(written) == status
    assert report_source(task, [part()]) == source
    assert report_source(task, [part(last_update="2025-11-20")]) == "reported"
    if status == "in_progress":
        assert classify_task(task, [part()], TODAY) == "in_progress_on_time"
        # Someone's report replaces the appendix's state.
        reported = part(status="not_started", last_update="2025-11-20")
        assert classify_task(task, [reported], TODAY) == "not_due"
    if status == "done":
        assert classify_task(task, [part()], TODAY) == "done_on_time"


@pytest.mark.parametrize(("written", "expected"), [
    ("Chưa đạt", "not_achieved"), ("Không đạt", "not_achieved"),
    ("Chưa đánh giá được", "not_assessable"), ("Đạt", "achieved"), ("Vượt", "achieved"),
    ("Đạt và vượt", "achieved"), ("  ĐẠT ", "achieved"), ("Chưa hoàn thành", "not_achieved"),
    ("Quá hạn (Thời gian hoàn thành: Quý II)", "not_achieved"), (None, "not_assessable"),
    ("", "not_assessable"),
])
def test_written_assessment(written, expected):
    assert written_assessment(written) == expected


def test_the_latest_report_of_any_agency_beats_the_appendix():
    indicator = item(kind="indicator", due=None, deadline_kind="unknown", assessment="Chưa đạt")
    assert classify_indicator(indicator, [part()]) == "not_achieved"
    early = IndicatorIn("not_assessable", datetime(2025, 11, 1, tzinfo=UTC))
    late = IndicatorIn("achieved", datetime(2025, 11, 18, tzinfo=UTC))
    rows = [part(1, indicator=late), part(2, agency=(2, "Sở Nội vụ"), indicator=early)]
    assert classify_indicator(indicator, rows) == "achieved"


HEALTH, POLICE, FARMS = (1, "Sở Y tế"), (2, "Công an tỉnh"), (3, "Sở Nông nghiệp và Môi trường")


def scenario(**changes) -> DigestInputs:
    """Five tasks, one indicator, three agencies: one of each thing the digest lists."""
    items = [
        item(1, due="2025-07-31"), item(2, due="2025-09-30"), item(3, due="2025-12-05"),
        item(4, due="2025-12-31"), item(5, due=None, deadline_kind="recurring"),
        item(6, kind="indicator", due=None, deadline_kind="unknown", assessment="Chưa đạt"),
    ]
    parts = [
        part(1, 1, agency=HEALTH, status="done", done_on="2025-08-10", last_update="2025-08-10"),
        part(2, 1, agency=POLICE, status="blocked", note="Chờ hướng dẫn của Bộ",
             status_since=D("2025-11-19"), last_update="2025-11-19"),
        part(3, 2, agency=FARMS),
        part(4, 3, agency=HEALTH, status="in_progress", percent=40, last_update="2025-11-18"),
        part(5, 3, agency=FARMS),
        part(6, 4, agency=POLICE),
        part(7, 5, agency=HEALTH, status="in_progress"),
        part(8, 6, agency=HEALTH),
    ]
    base = DigestInputs(
        period=digest_period(TODAY), items=items, assignments=parts,
        extensions=[ExtensionIn(4, D("2025-11-19"), D("2026-01-31"), "Chờ kinh phí")],
        reminders=[ReminderIn(3, D("2025-11-17")), ReminderIn(5, D("2025-11-18")),
                   ReminderIn(4, D("2025-11-17")), ReminderIn(6, TODAY),
                   ReminderIn(2, D("2025-11-10")), ReminderIn(8, D("2025-11-17"), True)],
        people=[PersonIn(1, 1, "Sở Y tế", "focal", "Lê Thị Hoa"),
                PersonIn(2, 2, "Công an tỉnh", "focal", "Trần Văn Nam", False, "blocked"),
                PersonIn(3, 2, "Công an tỉnh", "leader", "", True)],
    )
    return replace(base, **changes)


def test_figures_of_the_scenario():
    digest = build_digest(scenario())
    assert digest.figures.tasks == {"done_on_time": 0, "done_late": 0,
                                    "in_progress_on_time": 1, "overdue": 2,
                                    "not_due": 1, "recurring": 1}
    assert digest.figures.indicators == {"achieved": 0, "not_achieved": 1, "not_assessable": 0}
    assert reconcile(digest) == []


def test_overdue_is_grouped_by_agency_most_overdue_first():
    digest = build_digest(scenario())
    assert [(g.agency_name, [(line.item.code, line.days) for line in g.lines])
            for g in digest.overdue] == [("Công an tỉnh", [("NV1", 113)]),
                                         ("Sở Nông nghiệp và Môi trường", [("NV2", 52)])]
    assert digest.overdue_items == 2


def test_due_soon_lists_the_window_and_the_agencies_not_done():
    digest = build_digest(scenario())
    assert [(line.item.code, line.days_left, line.agencies) for line in digest.due_soon] == [
        ("NV3", 14, ("Sở Y tế", "Sở Nông nghiệp và Môi trường"))]
    later = build_digest(scenario(period=digest_period(D("2025-11-20"))))
    assert later.due_soon == ()


def test_blocked_extensions_and_silence():
    digest = build_digest(scenario())
    assert [(b.item.code, b.assignment.note) for b in digest.blocked] == [
        ("NV1", "Chờ hướng dẫn của Bộ")]
    assert [(e.item.code, e.request.new_due) for e in digest.extensions] == [
        ("NV3", D("2026-01-31"))]
    # Farms ignored two reminders; Health answered its own by an update the next day; the
    # police reminder of today and the one of last week do not count; answered=True does.
    assert [(s.agency_name, s.unanswered, s.reminded) for s in digest.silent] == [
        ("Sở Nông nghiệp và Môi trường", 2, 2)]
    assert [p.name for p in digest.unreachable] == ["Trần Văn Nam"]
    assert digest.without_focal == ("Sở Nông nghiệp và Môi trường",)


def test_per_agency_table_counts_each_agency_part():
    digest = build_digest(scenario())
    rows = {r.agency_name: (r.assigned, r.done, r.overdue, r.last_update)
            for r in digest.agencies}
    assert rows == {"Sở Y tế": (3, 1, 0, D("2025-11-18")),
                    "Công an tỉnh": (2, 0, 1, D("2025-11-19")),
                    "Sở Nông nghiệp và Môi trường": (2, 0, 1, None)}
    assert [r.agency_name for r in digest.agencies] == [
        "Công an tỉnh", "Sở Nông nghiệp và Môi trường", "Sở Y tế"]


def test_reconcile_catches_numbers_that_disagree():
    digest = build_digest(scenario())
    tasks = digest.figures.tasks
    one_more = {**tasks, "not_due": tasks["not_due"] + 1}
    wrong_total = replace(digest, figures=Figures(one_more, digest.figures.indicators))
    assert reconcile(wrong_total)
    wrong_table = replace(digest, assignment_classes={**digest.assignment_classes,
                                                      "done_on_time": 9})
    assert reconcile(wrong_table)
    fewer_lines = replace(digest, overdue=digest.overdue[:1])
    assert reconcile(fewer_lines)


def test_figures_survive_json_and_tolerate_old_rows():
    figures = build_digest(scenario()).figures
    assert Figures.from_json(figures.as_json()) == figures
    assert Figures.from_json({"tasks": {"done_late": 2}}).tasks["done_late"] == 2
    assert Figures.from_json(None).task_total == 0


LOCAL = (9, "Địa phương")


def test_a_group_without_members_is_not_an_agency():
    # NV2 is led by Farms and by "Địa phương", a group the registry cannot expand.
    base = scenario()
    digest = build_digest(replace(base, assignments=[
        *base.assignments, part(9, 2, agency=LOCAL, agency_is_group=True),
        part(10, 4, agency=LOCAL, agency_is_group=True)]))
    assert [row.agency_name for row in digest.agencies] == [
        "Công an tỉnh", "Sở Nông nghiệp và Môi trường", "Sở Y tế"]
    assert "Địa phương" not in digest.without_focal
    assert [(g.name, g.codes) for g in digest.unassigned] == [("Địa phương", ("NV2", "NV4"))]
    # Its overdue part is still listed (and counted in lượt phân công), marked as a group.
    assert digest.assignment_classes["overdue"] == 3
    assert [g.agency_name for g in digest.overdue].count("Địa phương") == 1
    assert reconcile(digest) == []
    text = "\n".join(digest_sections(digest))
    assert "Địa phương (nhóm đơn vị, cần phân công cơ quan chủ trì cụ thể) (1):" in text
    assert ("Cần phân công cơ quan chủ trì cụ thể (nhóm đơn vị chưa có danh sách thành viên"
            " trong danh mục cơ quan): “Địa phương”: NV2, NV4.") in text


def test_a_group_member_without_members_is_named_apart_in_the_group_line():
    sectors = "Các sở, ban, ngành, địa phương"
    items = [item(1, due="2025-07-31")]
    parts = [part(1, 1, agency=HEALTH, via_group=sectors, last_update="2025-11-18"),
             part(2, 1, agency=FARMS, via_group=sectors),
             part(3, 1, agency=LOCAL, via_group=sectors, agency_is_group=True)]
    digest = build_digest(replace(scenario(), items=items, assignments=parts, extensions=[],
                                  reminders=[]))
    (task,) = group_tasks(digest.items)
    assert (task.reported, task.silent, task.unassigned) == (
        ("Sở Y tế",), ("Sở Nông nghiệp và Môi trường",), ("Địa phương",))
    assert group_line(task, 10).endswith(
        "Các sở, ban, ngành, địa phương: 1/2 cơ quan đã báo cáo; chưa báo cáo: Sở Nông nghiệp"
        " và Môi trường; chưa phân công cơ quan cụ thể: Địa phương")


def test_a_blocker_the_secretariat_handled_is_not_listed_as_unresolved():
    base = scenario()
    handled = [replace(a, blocker_handled_on=D("2025-11-20")) if a.status == "blocked" else a
               for a in base.assignments]
    digest = build_digest(replace(base, assignments=handled))
    assert digest.blocked == ()
    (police,) = [a for a in handled if a.status == "blocked"]
    assert state_text(item(1), police) == (
        "vướng mắc (Cơ quan thường trực đã xử lý 20/11), chưa báo cáo lại")
    # Blocked again after it was handled: open again.
    again = [replace(a, status_since=D("2025-11-21")) if a.status == "blocked" else a
             for a in handled]
    assert [b.item.code for b in build_digest(replace(base, assignments=again)).blocked] == [
        "NV1"]
