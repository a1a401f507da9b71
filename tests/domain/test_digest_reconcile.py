"""domain.digest.reconcile: each disagreement named in its own words, agreement at the edges."""

from __future__ import annotations

from dataclasses import replace

from domain.digest import build_digest, reconcile
from domain.digest_inputs import Figures
from tests.domain.test_digest import scenario

DIGEST = build_digest(scenario())
FIGURES = DIGEST.figures


def test_the_scenario_agrees_with_itself():
    assert reconcile(DIGEST) == []


def test_task_and_indicator_totals_against_the_items():
    one_more = {**FIGURES.tasks, "not_due": FIGURES.tasks["not_due"] + 1}
    assert reconcile(replace(DIGEST, figures=replace(FIGURES, tasks=one_more))) == [
        "task classes add up to 6, 5 tasks"]
    indicators = {**FIGURES.indicators, "achieved": 1}
    assert reconcile(replace(DIGEST, figures=replace(FIGURES, indicators=indicators))) == [
        "indicator classes add up to 2, 1 indicators"]


def test_unreported_and_document_assessed_may_reach_the_count_but_not_pass_it():
    every_one = replace(FIGURES, unreported=dict(FIGURES.tasks))
    assert reconcile(replace(DIGEST, figures=every_one)) == []
    split = replace(FIGURES, unreported={**FIGURES.unreported, "overdue": 1},
                    from_document={**FIGURES.from_document, "overdue": 1})
    assert reconcile(replace(DIGEST, figures=split)) == []
    too_many = replace(FIGURES, unreported={**FIGURES.unreported, "overdue": 5})
    assert reconcile(replace(DIGEST, figures=too_many)) == [
        "6 unreported of 5 tasks", "overdue: more unreported or document-assessed than counted"]
    documents = replace(FIGURES, from_document={**FIGURES.from_document, "not_due": 1})
    assert reconcile(replace(DIGEST, figures=documents)) == [
        "not_due: more unreported or document-assessed than counted"]


def test_the_per_agency_table_against_the_parts():
    assert reconcile(replace(DIGEST, assignment_classes={
        **DIGEST.assignment_classes, "done_on_time": 9})) == [
        "per-agency done_on_time: 9 != 0 assignments"]
    missing = {k: v for k, v in DIGEST.assignment_classes.items() if k != "overdue"}
    assert reconcile(replace(DIGEST, assignment_classes=missing)) == [
        "per-agency overdue: None != 2 assignments"]


def test_the_overdue_list_against_the_table_and_the_items():
    assert reconcile(replace(DIGEST, overdue=DIGEST.overdue[:1])) == [
        "1 overdue lines, per-agency table says 2 and groups without members 0",
        "1 items in the overdue list, 2 overdue items have an agency"]


def test_figures_default_to_no_unreported_and_no_document_counts():
    bare = Figures(dict(FIGURES.tasks), dict(FIGURES.indicators))
    assert reconcile(replace(DIGEST, figures=bare)) == []
