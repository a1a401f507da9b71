"""domain.digest's lists at their edges: the due-soon window, silence, sorting, progress."""

from __future__ import annotations

from domain.digest import build_digest, name_key
from domain.digest_inputs import DigestInputs, ReminderIn, digest_period
from tests.domain.test_digest import TODAY, D, item, part

HEALTH, POLICE = (1, "Sở Y tế"), (2, "Công an tỉnh")


def inputs(items, parts, **fields) -> DigestInputs:
    return DigestInputs(period=digest_period(TODAY), items=items, assignments=parts, **fields)


def test_due_soon_runs_from_today_to_fourteen_days_ahead():
    dues = ["2025-11-20", "2025-11-21", "2025-12-05", "2025-12-06"]
    items = [item(n, due=due) for n, due in enumerate(dues, 1)]
    parts = [part(n, n, status="in_progress") for n in range(1, 5)]
    digest = build_digest(inputs(items, parts))
    assert [(line.item.code, line.days_left) for line in digest.due_soon] == [
        ("NV2", 0), ("NV3", 14)]


def test_due_soon_names_only_the_agencies_not_done_and_skips_indicators():
    items = [item(1, due="2025-11-25"), item(2, due="2025-11-25", kind="indicator")]
    parts = [part(1, 1, agency=HEALTH, status="done", done_on="2025-11-20"),
             part(2, 1, agency=POLICE), part(3, 2, agency=POLICE)]
    digest = build_digest(inputs(items, parts))
    assert [(line.item.code, line.days_left, line.agencies) for line in digest.due_soon] == [
        ("NV1", 4, ("Công an tỉnh",))]


def test_an_item_without_a_lead_is_due_soon_by_its_own_deadline():
    digest = build_digest(inputs([item(1, due="2025-11-24")], []))
    assert [(line.item.code, line.days_left, line.agencies) for line in digest.due_soon] == [
        ("NV1", 3, ())]


def test_silence_counts_reminders_of_the_period_before_today():
    parts = [part(1, 1, agency=HEALTH, last_update="2025-11-18"),
             part(2, 2, agency=HEALTH, last_update="2025-11-17"),
             part(3, 3, agency=POLICE)]
    reminders = [ReminderIn(1, D("2025-11-18")),  # answered by an update the same day
                 ReminderIn(2, D("2025-11-18")),  # the update came the day before: silent
                 ReminderIn(3, D("2025-11-17")),  # the period's first day counts
                 ReminderIn(3, D("2025-11-16")),  # the week before does not
                 ReminderIn(3, TODAY),  # nor today's
                 ReminderIn(9, D("2025-11-18"))]  # nor an assignment not in the digest
    items = [item(n, due="2025-12-31") for n in (1, 2, 3)]
    digest = build_digest(inputs(items, parts, reminders=reminders))
    assert [(s.agency_name, s.unanswered, s.reminded) for s in digest.silent] == [
        ("Công an tỉnh", 1, 1), ("Sở Y tế", 1, 2)]


def test_silent_agencies_with_as_many_unanswered_go_by_name():
    parts = [part(1, 1, agency=HEALTH), part(2, 2, agency=POLICE)]
    reminders = [ReminderIn(1, D("2025-11-18")), ReminderIn(2, D("2025-11-18"))]
    digest = build_digest(inputs([item(1), item(2)], parts, reminders=reminders))
    assert [s.agency_name for s in digest.silent] == ["Công an tỉnh", "Sở Y tế"]


def test_progress_averages_what_the_parts_said():
    parts = [part(1, 1, agency=HEALTH, status="done", done_on="2025-11-20"),
             part(2, 1, agency=POLICE, status="in_progress", percent=40),
             part(3, 1, agency=(3, "Sở Nội vụ"), status="in_progress"),
             part(4, 2, agency=HEALTH), part(5, 3, agency=HEALTH, status="in_progress")]
    items = [item(1, due="2025-12-31"), item(2, due="2025-12-31"), item(3, due="2025-12-31")]
    digest = build_digest(inputs(items, parts))
    assert [status.percent for status in digest.items] == [70, 0, None]


def test_agency_rate_and_the_sort_key():
    parts = [part(1, 1, agency=HEALTH, status="done", done_on="2025-09-01"),
             part(2, 2, agency=HEALTH), part(3, 3, agency=HEALTH)]
    items = [item(1), item(2, due="2025-12-31"), item(3, due="2025-12-31")]
    row = build_digest(inputs(items, parts)).agencies[0]
    assert (row.assigned, row.done, row.overdue) == (3, 1, 0)
    assert row.rate == 1 / 3
    empty = build_digest(inputs([item(1, kind="indicator")], [part(1, 1)]))
    assert empty.agencies == ()
    assert name_key("Đà Nẵng") == ("da nang", "Đà Nẵng")
    assert sorted(["Sở Y tế", "Ban Tổ chức", "Đảng ủy", "Công an"], key=name_key) == [
        "Ban Tổ chức", "Công an", "Đảng ủy", "Sở Y tế"]  # Đ sorts as D
