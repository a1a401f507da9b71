"""A scripted month following the demo (17/09–17/10/2025): five Friday digests, each built from
the state of that day, each compared with the one before. Asserts every class, the extension
rule, the figures by document, the ranking and its week-on-week change, and that it reconciles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from domain.digest import Digest, build_digest, reconcile
from domain.digest_groups import by_document, group_tasks, ranking
from domain.digest_inputs import (
    AssignmentIn,
    DigestInputs,
    IndicatorIn,
    ItemIn,
    PreviousDigest,
    digest_period,
)
from domain.digest_text import render_digest

D = date.fromisoformat
PLAN, PROGRAMME = "331-KH/TU", "01-CTr/BCĐ"
HEALTH, SCIENCE, FARMS, HOME, POLICE, OFFICE = (
    "Sở Y tế", "Sở Khoa học và Công nghệ", "Sở Nông nghiệp và Môi trường", "Sở Nội vụ",
    "Công an tỉnh", "Văn phòng Tỉnh ủy")
AGENCY_IDS = {name: n for n, name in enumerate((HEALTH, SCIENCE, FARMS, HOME, POLICE, OFFICE), 1)}
GROUP = "Các sở, ban, ngành"
FRIDAYS = [D("2025-09-19"), D("2025-09-26"), D("2025-10-03"), D("2025-10-10"),
           D("2025-10-17")]


def task(item_id: int, code: str, due: str | None, document: str, leads: tuple[str, ...],
         kind: str = "date", assessment: str | None = None) -> ItemIn:
    return ItemIn(item_id, code, code[2:], "task", f"Nhiệm vụ {code}", document, leads,
                  "Tháng 9" if due else "Thường xuyên", kind, D(due) if due else None,
                  assessment, document_code=document, attached_to="Công văn 4362-CV/TU")


ITEMS = [
    task(1, "NV47", "2025-09-30", PROGRAMME, (HEALTH,)),   # done 29/09: on time
    task(2, "NV7", "2025-09-30", PROGRAMME, (SCIENCE,)),   # done 03/10: late
    task(3, "NV15", "2025-09-30", PROGRAMME, (FARMS,)),    # done 14/10: late
    task(4, "NV17", "2025-09-30", PROGRAMME, (FARMS,)),    # extended to 31/12: in progress
    task(5, "NV18", "2025-09-30", PROGRAMME, (FARMS,)),    # extended to 15/10, done 10/10
    task(6, "NV21", "2025-09-30", PROGRAMME, (HOME, SCIENCE)),  # one of two agencies done
    task(7, "NV3", "2025-12-31", PLAN, (OFFICE,)),         # nobody reports: chưa đến hạn
    task(8, "NV4", None, PLAN, (GROUP,), kind="recurring"),
    task(9, "NV2", "2025-06-30", PROGRAMME, (GROUP,),      # group task, overdue by the paper
         assessment="Quá hạn (Thời gian hoàn thành: Quý II)"),
    task(10, "NV33", "2025-10-31", PLAN, (POLICE,)),       # in progress in time
    ItemIn(11, "CT1", "1", "indicator", "Tỷ lệ phủ sóng 5G", PLAN, (SCIENCE,), "", "unknown",
           None, "Chưa đạt", document_code=PLAN),
]


@dataclass
class Part:
    """One assignment and what happens to it, day by day."""

    assignment_id: int
    item_id: int
    agency: str
    via_group: str | None = None
    events: list[tuple[str, str, int | None]] = field(default_factory=list)  # day, status, %
    extension: tuple[str, str] | None = None  # approved on, new deadline
    value: tuple[str, str] | None = None  # reported on, value

    def on(self, day: date) -> AssignmentIn:
        seen = [(D(d), s, p) for d, s, p in self.events if D(d) <= day]
        last, status, percent = seen[-1] if seen else (None, "not_started", None)
        done_on = next((when for when, said, _ in seen if said == "done"), None)
        extended = (D(self.extension[1]) if self.extension and D(self.extension[0]) <= day
                    else None)
        indicator = None
        if self.value is not None and D(self.value[0]) <= day:
            reported_on, value = D(self.value[0]), self.value[1]
            indicator = IndicatorIn("achieved", datetime(2025, 10, 8, 9, tzinfo=UTC), value)
            last = max(last or reported_on, reported_on)
        return AssignmentIn(self.assignment_id, self.item_id, AGENCY_IDS[self.agency],
                            self.agency, status, percent, None, done_on if status == "done"
                            else None, extended, None, last, indicator, via_group=self.via_group)


PARTS = [
    Part(1, 1, HEALTH, events=[("2025-09-17", "in_progress", 70), ("2025-09-29", "done", None)]),
    Part(2, 2, SCIENCE, events=[("2025-09-22", "in_progress", 50), ("2025-10-03", "done", None)]),
    Part(3, 3, FARMS, events=[("2025-10-14", "done", None)]),
    Part(4, 4, FARMS, events=[("2025-09-25", "in_progress", 30)],
         extension=("2025-09-26", "2025-12-31")),
    Part(5, 5, FARMS, events=[("2025-10-10", "done", None)],
         extension=("2025-10-01", "2025-10-15")),
    Part(6, 6, HOME, events=[("2025-09-22", "in_progress", 60), ("2025-10-06", "done", None)]),
    Part(7, 6, SCIENCE),
    Part(8, 7, OFFICE),
    Part(9, 8, HEALTH, GROUP), Part(10, 8, POLICE, GROUP),
    Part(11, 9, HEALTH, GROUP, events=[("2025-10-08", "in_progress", 20)]),
    Part(12, 9, POLICE, GROUP),
    Part(13, 10, POLICE, events=[("2025-10-01", "in_progress", 40)]),
    Part(14, 11, SCIENCE, value=("2025-10-08", "82%")),
]


def month() -> list[Digest]:
    """The five Friday digests, each compared with the one before (as digest_run keeps them)."""
    digests: list[Digest] = []
    for friday in FRIDAYS:
        previous = digests[-1] if digests else None
        inputs = DigestInputs(
            digest_period(friday), ITEMS, [part.on(friday) for part in PARTS],
            previous=PreviousDigest(previous.period.start, previous.period.end,
                                    previous.figures) if previous else None,
            history=tuple(PreviousDigest(d.period.start, d.period.end, d.figures)
                          for d in digests))
        digests.append(build_digest(inputs))
    return digests


def classes(digest: Digest) -> dict[str, str]:
    return {s.item.code: s.cls for s in digest.items if s.item.kind == "task"}


def test_every_week_reconciles():
    for digest in month():
        assert reconcile(digest) == [], digest.period
        figures = digest.figures
        assert figures.task_total == 10 and figures.indicator_total == 1
        # Ranking and per-agency table count the same assignments.
        assert sum(r.assigned for r in ranking(digest)) == sum(digest.assignment_classes.values())
        assert sum(d.total for d in by_document(digest)) == figures.task_total


def test_the_classes_week_by_week():
    weeks = [classes(d) for d in month()]
    # 19/09: nothing due yet except NV2 (the paper's "Quá hạn"); NV47 under way.
    assert weeks[0] == {"NV47": "in_progress_on_time", "NV7": "not_due", "NV15": "not_due",
                        "NV17": "not_due", "NV18": "not_due", "NV21": "not_due",
                        "NV3": "not_due", "NV4": "recurring", "NV2": "overdue",
                        "NV33": "not_due"}
    # 03/10: 30/09 has passed. NV17's extension (31/12) keeps it in time; NV18 is judged by its
    # approved 15/10; NV21 is overdue while Science has not finished.
    assert weeks[2] == {"NV47": "done_on_time", "NV7": "done_late", "NV15": "overdue",
                        "NV17": "in_progress_on_time", "NV18": "not_due", "NV21": "overdue",
                        "NV3": "not_due", "NV4": "recurring", "NV2": "overdue",
                        "NV33": "in_progress_on_time"}
    # 17/10: NV18 finished after 30/09 but within its extension: on time (đã điều chỉnh).
    assert weeks[4] == {"NV47": "done_on_time", "NV7": "done_late", "NV15": "done_late",
                        "NV17": "in_progress_on_time", "NV18": "done_on_time",
                        "NV21": "overdue", "NV3": "not_due", "NV4": "recurring",
                        "NV2": "overdue", "NV33": "in_progress_on_time"}
    last = month()[-1]
    assert last.figures.adjusted == 1
    assert [s.adjusted for s in last.items if s.item.code == "NV18"] == [True]
    assert last.figures.unreported == {"done_on_time": 0, "done_late": 0,
                                       "in_progress_on_time": 0, "overdue": 0, "not_due": 1,
                                       "recurring": 1}
    assert last.figures.indicators == {"achieved": 1, "not_achieved": 0, "not_assessable": 0}


def test_the_text_says_both_dates_and_the_adjusted_class():
    text = render_digest(month()[-1])
    assert "• NV17 – Sở Nông nghiệp và Môi trường: hạn 30/09, đã điều chỉnh đến 31/12/2025" in text
    assert "• NV18 – Sở Nông nghiệp và Môi trường: hạn 30/09, đã điều chỉnh đến 15/10/2025" in text
    assert "- Hoàn thành đúng hạn: 2/10 (20%) – đúng hạn (đã điều chỉnh): 1" in text
    assert "- Hoàn thành quá hạn: 2/10 (20%, +1)" in text
    assert "chưa thực hiện" not in text.lower()
    # The group task once, with who reported.
    assert "Các sở, ban, ngành: 1/2 cơ quan đã báo cáo; chưa báo cáo: Công an tỉnh" in text
    assert "CT1 – Tỷ lệ phủ sóng 5G – Sở Khoa học và Công nghệ: Đạt/vượt, 82%" in text


def test_by_document():
    last = {d.document: (d.total, d.done, d.classes["overdue"], d.classes["not_due"])
            for d in by_document(month()[-1])}
    assert last == {PROGRAMME: (7, 4, 2, 0), PLAN: (3, 0, 0, 1)}


def test_ranking_and_week_on_week_change():
    digests = month()
    third, fourth = ranking(digests[2]), ranking(digests[3])
    # 03/10: Health 1/3 done (NV47 of NV47, NV4, NV2), Science 1/2 (NV7; NV21 open).
    assert [(r.agency_name, r.done, r.assigned) for r in third][:2] == [
        (SCIENCE, 1, 2), (HEALTH, 1, 3)]
    assert all(r.change_points is not None for r in third)
    # 10/10: Home finished NV21 (06/10) and Farms NV18 (10/10): both moved up.
    change = {r.agency_name: r.change_points for r in fourth}
    assert change[HOME] == 100 and change[FARMS] == 33 and change[POLICE] == 0
    assert [r.agency_name for r in fourth][:2] == [HOME, SCIENCE]
    first = ranking(digests[0])
    assert all(r.change_points is None for r in first)


def test_group_task_listed_once():
    last = month()[-1]
    shared = [t for t in group_tasks(last.items) if t.status.item.code == "NV2"]
    assert [(t.group, t.reported, t.silent) for t in shared] == [(GROUP, (HEALTH,), (POLICE,))]
