"""A focal person's free-text status reply ("đã xong", "dang lam 70%", "xin gia hạn") -> Reply.

Invariant: when unsure, ask — a reply is "done" only on a clear, un-negated, un-questioned,
un-hedged statement that the whole item is finished. Reply.why says which rule decided.

Before reading: a reply over MAX_REPLY_CHARS is not read (too_long); abbreviations are spelled
out and tone marks moved (domain/reply_normalise.py: "ko" -> "không", "hòan" -> "hoàn"); sentences
ending in "?" say nothing; away messages ("em đang bận họp, chiều em nhắn") are masked.

Precedence, first rule that applies wins:
- the assignment is disputed ("không thuộc chức năng của Sở", "Sở chỉ phối hợp") -> disputed
- no signal at all ("ok", "đã nhận", "cảm ơn", "?", "không có vướng mắc") -> unclear
- an un-negated extension request ("xin gia hạn", "xin khất sang …", "cho lùi đến …") -> extension
- completion next to an un-negated obstacle, nothing in between ("xong nhưng còn vướng") -> unclear
- an un-negated obstacle ("vướng mắc", "tắc", "kẹt", "chờ Bộ … hướng dẫn", "chưa … được") -> blocked
- "not started" ("chưa triển khai", "chưa thực hiện") and nothing done or under way -> not_started
- partial work ("xong phần A", "vừa xong khâu chuẩn bị thôi", "phần B chưa", "đã hoàn thành 50",
  "sắp xong", "chưa hẳn đã xong", "xong gì đâu", "còn lâu mới xong", "khi nào xong em báo", a
  percent below 100) -> in_progress; never outranked by a completion
- a formal report's closing "…, nhiệm vụ hoàn thành." outranks progress words before it -> done
- any progress signal -> in_progress; it outranks completion ("đã xong phần khảo sát, đang …")
- a completion said without certainty ("hình như xong rồi", "… hay chưa em cũng chưa rõ") -> unclear
- a clear, un-negated completion ("đã hoàn thành", "xong", "HT", "100%", "UBND tỉnh đã ký QĐ",
  "đã có QĐ phê duyệt số 1520/QĐ-UBND") -> done; but one not said as past ("đã", "rồi", a signed
  document) with a date still ahead ("Hoàn thành trước 30/11") is a promise -> in_progress
Reading rules:
- keywords match with or without diacritics; a word typed with diacritics must be that word
  ("đăng tải" is not "đang", "chia sẻ" is not "sẽ"); a few ("tắc", "kẹt") only with diacritics
- a negator ("không", "ko", "k", "chưa") up to 5 words before in the same clause, stopping at
  "đã"/"đang", negates; so does a trailing "… : không", also after a form's list of labels
  ("Vướng mắc, đề xuất: không"), and a list after a negated item ("không có khó khăn, vướng mắc")
- "chưa" + completion ("chưa xong") is progress; "không"/"chưa thể"/"… được"/"… chưa được" +
  completion is an obstacle ("không hoàn thành được", "hoàn thành chưa được")
- a completion followed by "(…) chưa/không (ạ)" at the clause's end asks, says nothing
- completion after "dự kiến", "sẽ", "sắp", "khi", "nếu" … or before "… thì" is progress
- percentages: the smallest is kept; above 100, negated, prospective ones and targets ("vượt chỉ
  tiêu 50%") are ignored; below 100 is progress, 100 is completion — except a measured value
  ("đạt 52% dân số", or any percent when the reply says the target is met) next to a completion
  that does not govern it: it is kept in Reply.values and the reply is done; so "done" never
  carries a percent below 100
- document numbers and their "ngày …" are masked; a document named as proof without a number
  makes its clause the evidence; new_due (not for done): see domain/reply_dates.py; for an
  in-progress reply it is the expected completion date (Reply.expected_on)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from domain import reply_patterns as rp
from domain import reply_words as vocab
from domain.reply_dates import new_due
from domain.reply_normalise import normalise
from domain.reply_text import Pattern, Span, Text, aligned_views, mask, pattern
from domain.text import tidy

ReplyStatus = Literal[
    "done", "in_progress", "blocked", "extension", "not_started", "disputed", "unclear"
]
# A reply longer than this is not read: a person is asked for a short answer instead.
MAX_REPLY_CHARS = 3000


@dataclass(frozen=True)
class Reply:
    """What a status reply says: status, percent, new date, evidence and item codes named."""

    status: ReplyStatus
    percent: int | None
    new_due: date | None
    note: str
    evidence: tuple[str, ...]
    codes: tuple[str, ...]
    why: str = field(default="", compare=False)
    values: tuple[str, ...] = ()
    too_long: bool = False

    @property
    def expected_on(self) -> date | None:
        """The completion date an in-progress reply expects ("đang làm, dự kiến xong 15/10").

        The reminder policy checks the item in on it. Other replies' dates are not that: an
        extension's is the date asked for, a blocker's or a not-started one's is not a promise
        to finish.
        """
        return self.new_due if self.status == "in_progress" else None


_NEGATION_REACH = 5

_EXTENSIONS = pattern(vocab.EXTENSION_REQUESTS)
_OBSTACLES = pattern(vocab.OBSTACLES)
_OBSTACLES_ACCENTED = pattern(vocab.OBSTACLES_ACCENTED, accented_only=True)
_PROGRESS = pattern(vocab.PROGRESS)
_COMPLETIONS = pattern(vocab.COMPLETIONS)
_CONNECTIVES = pattern(vocab.CONNECTIVES)
_NOT_STARTED = pattern(vocab.NOT_STARTED)
_DISPUTED = pattern(vocab.DISPUTED)
_AWAY = pattern(vocab.AWAY)
_DOCUMENT_PROOF = pattern(vocab.DOCUMENT_PROOF)


def find_item_codes(text: str) -> tuple[str, ...]:
    """Item codes named in text ("NV12", "nv 12", "#CT3") -> ("NV12", "CT3"), in order, once."""
    return _read(normalise(tidy(text))).codes


@dataclass
class _Reading:
    """The reply's views with references, codes, questions and away words masked."""

    text: Text
    codes: tuple[str, ...]
    evidence: tuple[str, ...]
    proofs: list[Span]
    asked: bool
    away: bool


def _clause_text(text: Text, span: Span) -> str:
    start = text.clause_start(span[0])
    return text.note[start:text.clause_end(span[1])].strip(" ,.;:")


def _read(note: str) -> _Reading:
    lower, key = aligned_views(note)
    documents = rp.document_spans(note, key)
    questions = [found.span() for found in rp.QUESTION.finditer(key)]
    unasked = mask(key, questions)
    plain = Text.of(note, lower, unasked,
                    [m.end() for m in rp.CLAUSE_PUNCTUATION.finditer(unasked)])
    proofs = [span for span in plain.find(_DOCUMENT_PROOF)
              if not plain.nearest_negator(plain.words_before(span[0], 3))
              and not rp.TRAILING_NEGATOR.match(unasked, span[1])]
    evidence = list(dict.fromkeys(note[start:end] for start, end in documents))
    if proofs and not evidence:
        evidence.append(_clause_text(plain, proofs[0]))
    masked = mask(key, documents + rp.issue_dates(key, documents))
    codes = list(rp.ITEM_CODE.finditer(masked))  # "NV12 xong chưa?" still names NV12
    masked = mask(masked, [found.span() for found in codes] + questions)
    away = Text.of(note, lower, masked, ()).find(_AWAY)
    masked = mask(masked, away)
    labels = (f"{found.group(1).upper()}{found.group(2)}" for found in codes)
    starts = [m.end() for m in rp.CLAUSE_PUNCTUATION.finditer(masked)]
    starts += [end for _, end in Text.of(note, lower, masked, ()).find(_CONNECTIVES)]
    return _Reading(Text.of(note, lower, masked, starts), tuple(dict.fromkeys(labels)),
                    tuple(evidence), proofs, bool(questions), bool(away))


@dataclass
class _Signals:
    """Which kinds of statement the reply makes, after negation and hedging are read."""

    extension: bool = False
    obstacle: bool = False
    progress: bool = False
    partial: bool = False
    completion: bool = False
    not_started: bool = False
    disputed: bool = False
    concluded: bool = False
    unsure: bool = False
    stated: bool = False  # a completion said as past: "đã xong", "xong rồi", a signed document
    target_met: bool = False
    why: list[str] = field(default_factory=list)

    def note(self, reason: str) -> None:
        if reason not in self.why:
            self.why.append(reason)


def _affirmed(text: Text, table: Pattern) -> list[Span]:
    """Spans of the table that no negator reaches (list items after a negated one included)."""
    kept: list[Span] = []
    negated_end: int | None = None
    for start, end in text.find(table):
        listed = negated_end is not None and rp.LIST_GLUE.fullmatch(text.key, negated_end, start)
        before = text.words_before(start, _NEGATION_REACH)
        if listed or rp.TRAILING_NEGATOR.match(text.key, end) or text.nearest_negator(before):
            negated_end = end
            continue
        kept.append((start, end))
    return kept


def _read_completion(text: Text, start: int, end: int, signals: _Signals) -> None:
    """Sort one completion word into done, not yet (progress), cannot (obstacle) or nothing."""
    key = text.key
    if rp.TRAILING_NEGATOR.match(key, end) or rp.ASKED_AFTER.match(key, end):
        signals.note("completion asked about or denied")  # "xong chưa", "xong rồi chưa ạ"
        return
    words = text.words_before(start, _NEGATION_REACH)
    stated = key.startswith(("da ", "duoc "), start)  # "Kế hoạch đã được phê duyệt"
    if not stated and text.ends_with(words, vocab.NEUTRAL_BEFORE_COMPLETION):
        return
    if rp.UNABLE_AFTER.match(key, end):
        signals.obstacle = True
        signals.note("completion not possible")  # "hoàn thành chưa được"
        return
    # Hedges reach across a connective: "làm sao mà xong được", "chưa chắc là đã xong".
    clause = text.last_words(max(0, start - 40), start, _NEGATION_REACH + 2)
    after = text.words_after(end, 5, text.clause_end(end))
    if after and any(text.is_word(after[0], w) for w in ("hết", "được", "xong")):
        after = after[1:]  # "xong hết phần A"
    part_after = text.has_phrase(after, vocab.PARTS_AFTER)  # "hoàn thành nhiệm vụ bước 1"
    only_match = rp.ONLY_AFTER.match(key, end)  # "… thôi", not "thời hạn"
    only = only_match is not None and text.lower[only_match.end() - 4:only_match.end()] in (
        "thôi", "thoi")
    target = key.startswith(("dat ", "vuot "), start)  # "vượt chỉ tiêu 50%": the target
    amount = rp.PERCENT_AFTER.match(key, end) or rp.COUNT_AFTER.match(key, end)
    below_100 = amount is not None and int(amount.group(1)) < 100 and not target
    if (text.has_phrase(clause, vocab.HEDGES) or rp.DENIED_AFTER.match(key, end)
            or part_after or only or below_100):
        signals.partial = True
        signals.note("completion hedged, denied or of a part only")
        return
    negator = text.nearest_negator(words)
    if negator is not None:
        not_yet = text.is_word(negator, vocab.NOT_YET) and not text.has_phrase(
            words, vocab.INABILITY
        )
        if not_yet and not rp.TRAILING_ABILITY.match(key, end):
            signals.partial = True
            signals.note("completion negated with 'chưa'")
        else:
            signals.obstacle = True
            signals.note("completion negated: cannot")
        return
    already = key.startswith("da ", start) or text.ends_with(
        text.last_words(text.clause_start(start), start, 1), ["đã"])
    # "xong sẽ báo": the away phrase "sẽ báo" is masked in key, yet its "sẽ" makes the
    # completion a condition ("when done, I will report"), never a report of it.
    conditional = not already and (rp.TRAILING_CONDITION.match(key, end) or rp.TRAILING_CONDITION
                                   .match(aligned_views(text.note)[1], end))
    if text.has_phrase(words, vocab.PROSPECTIVE) or conditional:
        signals.partial = True
        signals.note("completion expected, not reached")
    else:
        signals.completion = True
        signals.target_met |= key.startswith(("dat", "vuot"), start)
        signals.stated |= bool(already) or key.startswith(" roi", end)


def _negated_amount(text: Text, words: list[Span]) -> bool:
    """ "chưa 50%", "chưa đạt 50%", "không được 50%": the amount is not reached."""
    if text.nearest_negator(words[-1:]):
        return True
    reach_verbs = ["đạt", "được", "tới", "đến", "lên"]
    return bool(text.nearest_negator(words[-2:-1])) and text.ends_with(words, reach_verbs)


@dataclass(frozen=True)
class _Amount:
    value: int
    measured: bool  # a value measured in people, households …, not a share of the work
    governed: bool  # right after a completion word ("hoàn thành 80%"): the work's progress
    span: Span


def _read_amounts(text: Text, signals: _Signals) -> list[_Amount]:
    """Percentages reached (0-100); records the signals negated or over-100 ones give."""
    amounts = []
    for found in rp.PERCENT.finditer(text.key):
        value = int(found.group(1))
        words = text.words_before(found.start(), _NEGATION_REACH)
        if text.has_phrase(words, vocab.PROSPECTIVE) or text.ends_with(words, vocab.TARGET_WORDS):
            continue
        if any(rule.match(text.key, found.end()) for rule in rp.NOT_SAID_AFTER):
            signals.note("percent asked about or denied")  # "hoàn thành 100% chưa", "… đâu"
            continue
        if _negated_amount(text, words):
            signals.partial = True
            signals.note("amount not reached")
        elif value > 100:  # "vượt 120% kế hoạch": an indicator beyond its target
            signals.completion |= text.ends_with(words, ["đạt", "vượt"])
        else:
            after = text.words_after(found.end(), 3)
            governed = bool(text.find_in(words[-3:], _COMPLETIONS))
            measured = (text.has_phrase(after, vocab.MEASURED_NOUNS)
                        or text.has_phrase(after[:1], ["số"])
                        or text.has_phrase(text.last_words(text.clause_start(found.start()),
                                                           found.start(), 12), vocab.RATE_WORDS))
            amounts.append(_Amount(value, measured, governed, found.span()))
    for found in rp.PARTIAL.finditer(text.key):
        if int(found.group(1)) < int(found.group(2)):
            signals.partial = True
            signals.note("a share of the work")
    return amounts


def _weigh_amounts(text: Text, amounts: list[_Amount], signals: _Signals) -> tuple[
        list[int], tuple[str, ...]]:
    """Progress percents, and the measured values a completed item reports."""
    percents, values = [], []
    for amount in amounts:
        is_value = (signals.completion and not amount.governed and amount.value < 100
                    and (amount.measured or signals.target_met))
        if is_value:
            values.append(_clause_text(text, amount.span))
            continue
        percents.append(amount.value)
        if amount.value < 100:
            signals.partial = True
            signals.note("percent below 100")
        else:
            signals.completion = True
    return percents, tuple(dict.fromkeys(values))


def _clause_final_not_yet(text: Text, signals: _Signals) -> None:
    """ "phần B chưa", "còn lại thì chưa": a part not yet done; a bare "Chưa" says nothing."""
    for found in rp.CLAUSE_FINAL_NOT_YET.finditer(text.key):
        clause = text.words_in(text.clause_start(found.start()), found.start())
        said = [w for w in clause if not any(text.is_word(w, c) for c in vocab.COURTESY)]
        if said and not text.find_in(clause, _COMPLETIONS):
            signals.partial = True
            signals.note("a part not yet done")


def _read_signals(reading: _Reading) -> tuple[_Signals, list[int], tuple[str, ...]]:
    text = reading.text
    signals = _Signals(
        extension=bool(_affirmed(text, _EXTENSIONS)),
        obstacle=bool(_affirmed(text, _OBSTACLES) or text.find(_OBSTACLES_ACCENTED)),
        progress=bool(_affirmed(text, _PROGRESS)),
        not_started=bool(text.find(_NOT_STARTED)),
        disputed=bool(text.find(_DISPUTED)),
        concluded=rp.CONCLUSION.search(text.key) is not None,
    )
    amounts = _read_amounts(text, signals)
    for start, end in text.find(_COMPLETIONS):
        _read_completion(text, start, end, signals)
    if reading.proofs:
        signals.completion = signals.stated = True
        signals.note("an official document as proof")
    _clause_final_not_yet(text, signals)
    if signals.completion and signals.not_started:  # "đã xây dựng xong kế hoạch, chưa triển khai"
        signals.partial = True
        signals.note("part done, part not started")
    percents, values = _weigh_amounts(text, amounts, signals)
    signals.unsure = signals.completion and text.has_phrase(list(text.words), vocab.UNSURE)
    return signals, percents, values


def _status(signals: _Signals) -> tuple[ReplyStatus, str]:
    if signals.disputed:
        return "disputed", "the assignment is disputed"
    if signals.extension:
        return "extension", "an extension is requested"
    if signals.completion and signals.obstacle and not (signals.progress or signals.partial):
        return "unclear", "completion next to an obstacle"
    if signals.obstacle:
        return "blocked", "an obstacle"
    if signals.not_started and not (signals.completion or signals.partial):
        return "not_started", "reported not started"
    if signals.partial:
        return "in_progress", "partial work: " + "; ".join(signals.why)
    if signals.progress and not (signals.concluded and signals.completion):
        return "in_progress", "work under way"
    if signals.completion and signals.unsure:
        return "unclear", "completion said without certainty"
    if signals.completion:
        return "done", "a clear completion" + (
            " (report's conclusion)" if signals.concluded and signals.progress else "")
    return "unclear", "no status said"


def parse_reply(text: str, today: date) -> Reply:
    """Read a focal person's status reply; anything not clearly said is "unclear"."""
    note = tidy(text)
    if len(note) > MAX_REPLY_CHARS:
        return Reply("unclear", None, None, note, (), (), f"longer than {MAX_REPLY_CHARS} "
                     "characters: not read", too_long=True)
    reading = _read(normalise(note))
    signals, percents, values = _read_signals(reading)
    status, why = _status(signals)
    if status == "unclear" and why == "no status said":
        why = ("a question" if reading.asked else "an away message" if reading.away
               else "; ".join(signals.why) or why)
    due = None
    if status == "done" and not signals.stated:  # "Hoàn thành trước 30/11": a promise
        ahead = new_due(reading.text, today, for_extension=False)
        if ahead is not None and ahead > today:
            status, why = "in_progress", "a completion dated ahead, not said as done"
    if status in ("extension", "in_progress", "blocked", "not_started"):
        due = new_due(reading.text, today, for_extension=status == "extension")
    percent = min(percents, default=None)
    return Reply(status, percent, due, note, reading.evidence, reading.codes, why,
                 values if status == "done" else ())


def read_view(note: str) -> Text:
    """The tidied reply as the rules read it (normalised, references and questions masked)."""
    return _read(normalise(note)).text
