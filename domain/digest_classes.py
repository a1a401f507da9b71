"""How the digest classes tasks and indicators, in Vietnamese reporting practice.

Decisions (DESIGN.md, "Status model"):
- Tasks are counted per item, in six classes that partition them: recurring and dependent items
  ("Thường xuyên", "Theo tiến độ TW") are *thường xuyên* whatever their status; an item is done
  when every active assignment is done, on the day the last one finished; otherwise an item
  past its deadline is *đang thực hiện quá hạn* (started or not: overdue is what the committee
  chases); an item some agency has started (in progress, blocked or partly done) is *đang thực
  hiện trong hạn*; the rest is *chưa thực hiện*. One agency's part is classed the same way.
- "On time" and "overdue" are judged against the ORIGINAL deadline (item.due): an approved
  extension moves reminders, it does not make late work on time. A task finished on its due day
  is on time; a task is overdue from the day after. Undated tasks are never overdue, and a done
  task with no recorded finishing day counts as on time (nothing says it was late).
- Blocked counts as in progress.
- Indicators take the latest report of any of their assignments, else the assessment written in
  the appendix ("Đạt"/"Vượt" -> đạt/vượt, "Chưa đạt", "Chưa đánh giá được"); an indicator with
  neither is *chưa đánh giá được*.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from domain.digest_inputs import AssignmentIn, IndicatorClass, ItemIn, TaskClass
from domain.text import fold, strip_diacritics

_ONGOING = frozenset({"recurring", "dependent"})
# Matched on the folded text without diacritics, as whole words: "chưa đạt", "Không đạt",
# "Đạt", "Vượt", "Hoàn thành", "Chưa đánh giá được", "Quá hạn (Thời gian hoàn thành: …)".
_NOT_ASSESSABLE = re.compile(r"\b(?:chua|khong) (?:danh gia|xac dinh)\b")
_NOT_ACHIEVED = re.compile(r"\b(?:(?:chua|khong) (?:dat|hoan thanh)|qua han)\b")
_ACHIEVED = re.compile(r"\b(?:dat|vuot|hoan thanh)\b")
_ASSESSMENT_CLASSES: dict[str, IndicatorClass] = {
    "achieved": "achieved", "not_achieved": "not_achieved", "not_assessable": "not_assessable"}


def classify_assignment(item: ItemIn, assignment: AssignmentIn, today: date) -> TaskClass:
    """One agency's part of a task, by the rules in the module docstring."""
    if item.deadline_kind in _ONGOING:
        return "recurring"
    due = item.due
    if assignment.status == "done":
        late = due is not None and assignment.done_on is not None and assignment.done_on > due
        return "done_late" if late else "done_on_time"
    if due is not None and due < today:
        return "in_progress_overdue"
    return "not_started" if assignment.status == "not_started" else "in_progress_on_time"


def classify_task(item: ItemIn, assignments: Sequence[AssignmentIn], today: date) -> TaskClass:
    """A task's class from all its active assignments."""
    if item.deadline_kind in _ONGOING:
        return "recurring"
    due = item.due
    if assignments and all(a.status == "done" for a in assignments):
        finished = [a.done_on for a in assignments if a.done_on is not None]
        late = due is not None and bool(finished) and max(finished) > due
        return "done_late" if late else "done_on_time"
    if due is not None and due < today:
        return "in_progress_overdue"
    started = any(a.status != "not_started" for a in assignments)
    return "in_progress_on_time" if started else "not_started"


def written_assessment(text: str | None) -> IndicatorClass:
    """The class of an assessment as the appendix wrote it."""
    key = strip_diacritics(fold(text or ""))
    if _NOT_ASSESSABLE.search(key):
        return "not_assessable"
    if _NOT_ACHIEVED.search(key):
        return "not_achieved"
    if _ACHIEVED.search(key):
        return "achieved"
    return "not_assessable"


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
