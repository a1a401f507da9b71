"""Digest figures the mutation run found unpinned (docs/MUTATION.md): one test per change."""

from __future__ import annotations

from dataclasses import replace

from domain.digest import build_digest, reconcile
from domain.digest_groups import ranking
from domain.digest_inputs import Figures, PreviousDigest
from tests.domain.test_digest import LOCAL, D, part, scenario

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
