"""The labelled reply corpus: every row read as labelled, and never a false "done"."""

from __future__ import annotations

from collections import Counter

import pytest

from domain.replies import parse_reply
from tests.domain.reply_corpus import ROWS, TODAY

KINDS = {"done", "done-evidence", "in-progress", "percent", "blocked", "extension",
         "not-started", "disputed", "question", "negation-trap", "nearly", "away", "unclear",
         "form-field", "target-percent", "teencode", "tone-marks", "unsure"}


def test_the_corpus_is_large_and_covers_every_kind():
    per_kind = Counter(kind for kind, *_ in ROWS)
    assert len(ROWS) >= 300
    assert set(per_kind) == KINDS
    assert min(per_kind.values()) >= 10
    assert len({text for _, text, *_ in ROWS}) == len(ROWS)  # no row twice


@pytest.mark.parametrize(("kind", "text", "status", "percent", "new_due"), ROWS)
def test_corpus_row(kind, text, status, percent, new_due):
    reply = parse_reply(text, TODAY)
    assert (reply.status, reply.percent, reply.new_due) == (status, percent, new_due), reply.why


def test_no_false_done():
    false_done = [text for _, text, status, *_ in ROWS
                  if status != "done" and parse_reply(text, TODAY).status == "done"]
    assert false_done == []


def test_done_with_evidence_keeps_the_document():
    for kind, text, *_ in ROWS:
        if kind == "done-evidence":
            assert parse_reply(text, TODAY).evidence, text
