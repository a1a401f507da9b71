"""How the digest classes tasks and indicators, in Vietnamese follow-up practice (QĐ 42/2014).

Decisions (DESIGN.md, "Honest classes"):
- Tasks are counted per item, in six classes that partition them: recurring and dependent items
  ("Thường xuyên", "Theo tiến độ TW") are *thường xuyên / theo tiến độ TW* whatever their
  status; an item is done when every active assignment is done; otherwise an item one of whose
  unfinished parts is past the deadline it is judged by is *quá hạn chưa hoàn thành*; an item
  some agency has started (in progress, blocked or partly done) is *đang thực hiện trong hạn*;
  the rest is *chưa đến hạn*. One agency's part is classed the same way.
- Nobody's report is invented: whether anyone reported is a separate flag (`report_source`):
  "reported" (a status or value came in), "document" (the appendix itself carries an assessment,
  e.g. "Quá hạn (Thời gian hoàn thành: Quý II)"), or "none" — shown as *chưa báo cáo*. "Chưa
  thực hiện" is only ever what someone reported.
- The appendix's own assessment of a task is its starting state until someone reports:
  "Đã hoàn thành" done, "Đang triển khai" in progress, "Chưa hoàn thành"/"Quá hạn (…)" not done.
- The deadline an assignment is judged by is its approved extension if any, else the item's:
  work finished after the original deadline but within the approved one is on time
  (*đúng hạn (đã điều chỉnh)*, flagged by `adjusted`). A task finished ON its deadline is on
  time, and a task due TODAY is not overdue: overdue starts the day after. Undated tasks are
  never overdue; a done task with no recorded finishing day counts as on time.
- Indicators take the latest report of any of their assignments, else the assessment written in
  the appendix ("Đạt"/"Vượt" -> đạt/vượt, "Chưa đạt", "Chưa đánh giá được"); an indicator with
  neither is *chưa đánh giá được*.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Literal

from domain.digest_inputs import AssignmentIn, IndicatorClass, ItemIn, TaskClass
from domain.reminder_steps import Status
from domain.text import fold, strip_diacritics

ReportSource = Literal["reported", "document", "none"]
_ONGOING = frozenset({"recurring", "dependent"})
_STARTED: frozenset[str] = frozenset({"in_progress", "blocked"})
# Matched on the folded text without diacritics, as whole words: "chưa đạt", "Không đạt",
# "Đạt", "Vượt", "Hoàn thành", "Chưa đánh giá được", "Quá hạn (Thời gian hoàn thành: …)".
_NOT_ASSESSABLE = re.compile(r"\b(?:chua|khong) (?:danh gia|xac dinh)\b")
_NOT_ACHIEVED = re.compile(r"\b(?:(?:chua|khong) (?:dat|hoan thanh)|qua han)\b")
_ACHIEVED = re.compile(r"\b(?:dat|vuot|hoan thanh)\b")
_NOT_DONE = re.compile(r"\b(?:(?:chua|khong) (?:hoan thanh|thuc hien|trien khai)|qua han)\b")
_UNDER_WAY = re.compile(r"\b(?:dang (?:trien khai|thuc hien)|tiep tuc)\b")
_DONE = re.compile(r"\b(?:da )?hoan thanh\b")
# First match wins: "chưa hoàn thành" must be read before "hoàn thành".
_WRITTEN_STATUS: tuple[tuple[re.Pattern[str], Status], ...] = (
    (_NOT_DONE, "not_started"), (_UNDER_WAY, "in_progress"), (_DONE, "done"))
_WRITTEN_CLASS: tuple[tuple[re.Pattern[str], IndicatorClass], ...] = (
    (_NOT_ASSESSABLE, "not_assessable"), (_NOT_ACHIEVED, "not_achieved"),
    (_ACHIEVED, "achieved"))
_ASSESSMENT_CLASSES: dict[str, IndicatorClass] = {
    "achieved": "achieved", "not_achieved": "not_achieved", "not_assessable": "not_assessable"}


@cache  # pure, and called per assignment: at 100,000 of them the folding dominated
def document_status(text: str | None) -> Status | None:
    """A task's state as the appendix wrote it ("Đã hoàn thành", "Quá hạn (…)"), if it did."""
    key = strip_diacritics(fold(text or ""))
    return next((status for pattern, status in _WRITTEN_STATUS if pattern.search(key)), None)


def effective_status(item: ItemIn, assignment: AssignmentIn) -> Status:
    """The status a part is judged by: its own, or the appendix's until anyone reports."""
    if assignment.last_update is None and assignment.status == "not_started":
        return document_status(item.assessment) or "not_started"
    return assignment.status


def judged_due(item: ItemIn, assignment: AssignmentIn) -> date | None:
    """The deadline a part is judged by: the approved extension, else the item's."""
    return assignment.extended_due or item.due


def is_overdue(due: date | None, today: date) -> bool:
    """Past its deadline: from the day after it (a task due today is not overdue)."""
    return due is not None and due < today


def classify_assignment(item: ItemIn, assignment: AssignmentIn, today: date) -> TaskClass:
    """One agency's part of a task, by the rules in the module docstring."""
    if item.deadline_kind in _ONGOING:
        return "recurring"
    due = judged_due(item, assignment)
    status = effective_status(item, assignment)
    if status == "done":
        late = due is not None and assignment.done_on is not None and assignment.done_on > due
        return "done_late" if late else "done_on_time"
    if is_overdue(due, today):
        return "overdue"
    return "in_progress_on_time" if status in _STARTED else "not_due"


def classify_task(item: ItemIn, assignments: Sequence[AssignmentIn], today: date) -> TaskClass:
    """A task's class from all its active assignments."""
    if item.deadline_kind in _ONGOING:
        return "recurring"
    if not assignments:
        return "overdue" if is_overdue(item.due, today) else "not_due"
    statuses = [effective_status(item, a) for a in assignments]
    if all(status == "done" for status in statuses):
        late = any(a.done_on is not None and (due := judged_due(item, a)) is not None
                   and a.done_on > due for a in assignments)
        return "done_late" if late else "done_on_time"
    if any(status != "done" and is_overdue(judged_due(item, a), today)
           for a, status in zip(assignments, statuses, strict=True)):
        return "overdue"
    started = any(status != "not_started" for status in statuses)
    return "in_progress_on_time" if started else "not_due"


def adjusted(item: ItemIn, assignments: Sequence[AssignmentIn]) -> bool:
    """Finished after the original deadline, within an approved extension."""
    return item.due is not None and any(
        a.extended_due is not None and a.done_on is not None and a.done_on > item.due
        for a in assignments)


def report_source(item: ItemIn, assignments: Sequence[AssignmentIn]) -> ReportSource:
    """Whether anyone reported on the item, or only the appendix did, or nobody."""
    # An approved extension was asked for by the agency: that is a report too.
    if any(a.last_update is not None or a.indicator is not None or a.status != "not_started"
           or a.extended_due is not None for a in assignments):
        return "reported"
    if item.kind == "indicator":
        return "document" if item.assessment else "none"
    return "document" if document_status(item.assessment) is not None else "none"


@cache
def written_assessment(text: str | None) -> IndicatorClass:
    """The class of an assessment as the appendix wrote it."""
    key = strip_diacritics(fold(text or ""))
    return next((cls for pattern, cls in _WRITTEN_CLASS if pattern.search(key)),
                "not_assessable")


def classify_indicator(item: ItemIn, assignments: Sequence[AssignmentIn]) -> IndicatorClass:
    """An indicator's class: its latest report, else the appendix's own assessment."""
    reports = [a.indicator for a in assignments if a.indicator is not None]
    if reports:
        return _ASSESSMENT_CLASSES[max(reports, key=lambda r: r.at).assessment]
    return written_assessment(item.assessment)


def assignment_indicator(item: ItemIn, assignment: AssignmentIn) -> IndicatorClass:
    """One agency's part of an indicator: its own latest report, else the appendix's."""
    if assignment.indicator is not None:
        return _ASSESSMENT_CLASSES[assignment.indicator.assessment]
    return written_assessment(item.assessment)
