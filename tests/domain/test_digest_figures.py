"""Digest figures the mutation run found unpinned (docs/MUTATION.md): one test per change."""

from __future__ import annotations

from dataclasses import replace

from domain.digest import AgencyRow, build_digest, reconcile
from domain.digest_groups import group_tasks, ranking
from domain.digest_inputs import (
    TASK_CLASSES,
    ExtensionIn,
    Figures,
    PersonIn,
    PreviousDigest,
    ReminderIn,
)
from tests.domain.test_digest import FARMS, HEALTH, LOCAL, POLICE, D, item, part, scenario

BASE = scenario()


def test_a_group_placeholder_that_is_not_overdue_is_not_an_overdue_line():
    # NV4 (due 31/12) given to "Địa phương", a group without members: counted per agency,
    # not in the overdue list, and the digest still agrees with itself.
    digest = build_digest(replace(BASE, assignments=[
        *BASE.assignments, part(10, 4, agency=LOCAL, agency_is_group=True)]))
    assert digest.assignment_classes == {
        "done_on_time": 0, "done_late": 1, "in_progress_on_time": 1, "overdue": 2,
        "not_due": 3, "recurring": 1}
    assert reconcile(digest) == []


def test_a_class_missing_from_the_per_agency_table_counts_as_zero():
    digest = build_digest(BASE)
    missing = {k: v for k, v in digest.assignment_classes.items() if k != "done_on_time"}
    assert reconcile(replace(digest, assignment_classes=missing)) == []


def test_the_change_against_an_agency_with_nothing_assigned_before_is_from_zero():
    figures = Figures(dict(Figures().tasks), {"achieved": 0, "not_achieved": 1,
                                              "not_assessable": 0},
                      agencies={"Sở Y tế": (0, 0), "Công an tỉnh": (1, 2)})
    digest = build_digest(replace(BASE, previous=PreviousDigest(
        D("2025-11-10"), D("2025-11-16"), figures)))
    assert [(r.place, r.agency_name, r.done, r.assigned, r.overdue, r.change_points)
            for r in ranking(digest)] == [
        (1, "Sở Y tế", 1, 3, 0, 33), (2, "Công an tỉnh", 0, 2, 1, -50),
        (3, "Sở Nông nghiệp và Môi trường", 0, 2, 1, None)]


def test_due_soon_looks_at_the_unfinished_parts_only():
    # Due 05/12 (the last day of the 14-day window), done by one agency; the other has an
    # extension to 31/12: the item's open deadline is 31/12, so it is not due soon.
    items = [item(1, due="2025-12-05")]
    parts = [part(1, 1, status="done", done_on="2025-11-20"),
             part(2, 1, status="in_progress", agency=(2, "Công an tỉnh"),
                  extended_due=D("2025-12-31"), last_update="2025-11-19")]
    digest = build_digest(replace(BASE, items=items, assignments=parts, extensions=[],
                                  reminders=[]))
    assert [s.cls for s in digest.items] == ["in_progress_on_time"]
    assert digest.due_soon == ()


def test_a_group_tasks_agencies_are_listed_in_vietnamese_name_order():
    # "Đ" sorts with "D" (before "S"), not after every unaccented letter.
    group = "Các sở, ban, ngành"
    parts = [part(1, 1, agency=(1, "Sở Y tế"), via_group=group, last_update="2025-11-18"),
             part(2, 1, agency=(2, "Đài Phát thanh"), via_group=group, last_update="2025-11-18"),
             part(3, 1, agency=(3, "Sở Tư pháp"), via_group=group),
             part(4, 1, agency=(4, "Đoàn Thanh niên"), via_group=group),
             part(5, 1, agency=(8, "Xã phường"), via_group=group, agency_is_group=True),
             part(6, 1, agency=(9, "Địa phương"), via_group=group, agency_is_group=True)]
    digest = build_digest(replace(BASE, items=[item(1, due="2025-07-31")], assignments=parts,
                                  extensions=[], reminders=[]))
    (task,) = group_tasks(digest.items)
    assert (task.group, task.reported, task.silent, task.unassigned) == (
        group, ("Đài Phát thanh", "Sở Y tế"), ("Đoàn Thanh niên", "Sở Tư pháp"),
        ("Địa phương", "Xã phường"))


def test_at_an_equal_rate_the_agency_with_more_finished_ranks_first():
    none: dict[str, int] = dict.fromkeys(TASK_CLASSES, 0)
    rows = (AgencyRow(1, "A", {**none, "done_on_time": 1, "overdue": 1}, None),
            AgencyRow(2, "B", {**none, "done_on_time": 2, "overdue": 2}, None))
    assert [(r.place, r.agency_name, r.done, r.assigned) for r in ranking(
        replace(build_digest(BASE), agencies=rows))] == [(1, "B", 2, 4), (2, "A", 1, 2)]


def test_each_items_status_and_the_overdue_list_in_full():
    items = [item(1, due="2025-07-31"), item(2, due="2025-09-30"), item(3, due="2025-10-31"),
             item(4, kind="indicator", due=None, deadline_kind="unknown", assessment="Đạt")]
    parts = [
        part(1, 1, agency=HEALTH, status="done", done_on="2025-08-10", last_update="2025-08-10"),
        part(2, 1, agency=FARMS, status="done", done_on="2025-07-20", last_update="2025-07-20"),
        part(3, 2, agency=POLICE), part(4, 2, agency=FARMS),
        part(5, 3, agency=FARMS, status="in_progress", percent=40, last_update="2025-11-18"),
        part(6, 3, agency=HEALTH, status="in_progress", percent=60,
             extended_due=D("2025-12-31"), last_update="2025-11-17"),
        part(7, 4, agency=HEALTH)]
    digest = build_digest(replace(BASE, items=items, assignments=parts, extensions=[],
                                  reminders=[]))
    # Code, class, done on (the last part's day, tasks only), progress (done 100, not started
    # 0, tasks only), last update, latest extension, and each part's class and days overdue.
    assert [(s.item.code, s.cls, s.done_on, s.percent, s.last_update, s.extended_due,
             [(p.assignment.assignment_id, p.cls, p.days_overdue) for p in s.assignments])
            for s in digest.items] == [
        ("NV1", "done_late", D("2025-08-10"), 100, D("2025-08-10"), None,
         [(1, "done_late", 0), (2, "done_on_time", 0)]),
        ("NV2", "overdue", None, 0, None, None, [(3, "overdue", 52), (4, "overdue", 52)]),
        ("NV3", "overdue", None, 50, D("2025-11-18"), D("2025-12-31"),
         [(5, "overdue", 21), (6, "in_progress_on_time", 0)]),
        ("CT4", "achieved", None, None, None, None, [(7, "achieved", 0)])]
    # Agencies by their longest overdue, then by more lines; lines longest overdue first.
    assert [(g.agency_id, g.agency_name, [(line.item.code, line.days) for line in g.lines])
            for g in digest.overdue] == [
        (3, "Sở Nông nghiệp và Môi trường", [("NV2", 52), ("NV3", 21)]),
        (2, "Công an tỉnh", [("NV2", 52)])]


def test_the_scenarios_lists_name_each_agency_by_id():
    digest = build_digest(BASE)
    assert [(r.agency_id, r.agency_name, r.last_update, r.overdue, r.assigned)
            for r in digest.agencies] == [
        (2, "Công an tỉnh", D("2025-11-19"), 1, 2),
        (3, "Sở Nông nghiệp và Môi trường", None, 1, 2),
        (1, "Sở Y tế", D("2025-11-18"), 0, 3)]
    assert [(s.agency_id, s.agency_name, s.unanswered, s.reminded) for s in digest.silent] == [
        (3, "Sở Nông nghiệp và Môi trường", 2, 2)]
    assert [(b.item.code, b.assignment.assignment_id) for b in digest.blocked] == [("NV1", 2)]
    assert [(e.item.code, e.request.assignment_id) for e in digest.extensions] == [("NV3", 4)]
    assert [(p.person_id, p.reason) for p in digest.unreachable] == [(2, "blocked")]
    assert digest.without_focal == ("Sở Nông nghiệp và Môi trường",)
    assert (digest.heading, digest.history, digest.unassigned) == ("", (), ())


def test_the_lists_orders_and_what_passes_through():
    radio, justice, office = (2, "Đài Phát thanh"), (4, "Sở Tư pháp"), (5, "Văn phòng UBND")
    items = [item(9, kind="indicator", due=None, deadline_kind="unknown", assessment="Đạt"),
             item(1, due="2025-07-31"), item(2, due="2025-09-30"), item(3, due="2025-12-31"),
             item(4, due="2025-12-31", assessment="Đang thực hiện")]
    parts = [part(10, 9, agency=HEALTH),
             part(1, 1, agency=radio, status="blocked", status_since=D("2025-11-19"), note="a"),
             part(2, 2, agency=justice, status="blocked", status_since=D("2025-11-10"), note="b"),
             part(3, 3, agency=HEALTH, status="in_progress"),
             part(7, 3, agency=(8, "Xã, phường"), agency_is_group=True),
             part(6, 3, agency=office, status="in_progress"),
             part(4, 4, agency=justice),
             part(8, 4, agency=LOCAL, agency_is_group=True),
             part(5, 1, agency=HEALTH, status="done", done_on="2025-11-01")]
    history = (PreviousDigest(D("2025-11-10"), D("2025-11-16"), Figures()),)
    digest = build_digest(replace(
        BASE, items=items, assignments=parts, heading="Tuần 47", history=history,
        extensions=[ExtensionIn(3, D("2025-11-19"), D("2026-01-31"), "a"),
                    ExtensionIn(4, D("2025-11-12"), D("2026-01-31"), "b")],
        reminders=[ReminderIn(3, D("2025-10-01")), ReminderIn(3, D("2025-11-17")),
                   ReminderIn(4, D("2025-11-17")), ReminderIn(2, D("2025-11-18"))],
        people=[PersonIn(1, 1, "Sở Y tế", "focal", "Lê Thị Hoa", False, "blocked"),
                PersonIn(2, 2, "Đài Phát thanh", "leader", "Ngô An", False, "blocked"),
                PersonIn(3, 4, "Sở Tư pháp", "focal", "Phan Bình")]))
    # NV1 is overdue although one part is done: no "done on" for an unfinished item. NV4 is
    # known only from the appendix's assessment.
    assert [(s.item.code, s.cls, s.done_on, s.source) for s in digest.items] == [
        ("CT9", "achieved", None, "document"), ("NV1", "overdue", None, "reported"),
        ("NV2", "overdue", None, "reported"), ("NV3", "in_progress_on_time", None, "reported"),
        ("NV4", "in_progress_on_time", None, "document")]
    assert digest.figures.from_document["in_progress_on_time"] == 1
    # Blocked oldest first; extensions by request day; unreachable by agency name (Đ as D).
    assert [b.assignment.assignment_id for b in digest.blocked] == [2, 1]
    assert [e.request.assignment_id for e in digest.extensions] == [4, 3]
    assert [p.person_id for p in digest.unreachable] == [2, 1]
    assert digest.without_focal == ("Đài Phát thanh", "Văn phòng UBND")
    # Reminders before the period do not count; most unanswered first.
    assert [(s.agency_id, s.unanswered, s.reminded) for s in digest.silent] == [
        (4, 2, 2), (1, 1, 1)]
    # Every agency's part is counted past an indicator and past a group placeholder; most
    # overdue first, then most assigned.
    assert [(r.agency_id, r.overdue, r.assigned) for r in digest.agencies] == [
        (4, 1, 2), (2, 1, 1), (1, 0, 2), (5, 0, 1)]
    assert [(g.name, g.codes) for g in digest.unassigned] == [
        ("Địa phương", ("NV4",)), ("Xã, phường", ("NV3",))]
    assert (digest.heading, digest.history) == ("Tuần 47", history)
