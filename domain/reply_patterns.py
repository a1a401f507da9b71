"""The regular expressions the reply parser reads around its keywords, on the bare key.

Tails after a completion ("… rồi chưa", "… chưa được", "… gì đâu", "… thôi"), a form's labels
("Vướng mắc, đề xuất: không"), percents and shares, document references and their issue dates,
item codes and questions. Every repetition is bounded or anchored, so each match costs time
linear in what it reads.
"""

from __future__ import annotations

import re

from domain import reply_words as vocab
from domain.reply_text import Span, mask
from domain.text import strip_diacritics

SYMBOL = r"\d{1,6}[^\W\d_]?(?:/\d{4})?(?:[-/][^\W\d_][^\W_]*)+"
TYPES = "|".join(strip_diacritics(t) for t in vocab.DOCUMENT_TYPES)
TYPED_DOCUMENT = re.compile(
    rf"(?<![^\W_])(?:{TYPES})(?: so)?[ .:]*{SYMBOL}"
    rf"|(?<![^\W_])(?:{TYPES}) so[ .:]*\d{{1,6}}(?![\d/%]|[.,]\d)"
)
BARE_DOCUMENT = re.compile(rf"(?<![^\W_/-]){SYMBOL}")
ISSUE_DATE = re.compile(
    r",? *(?:ngay|ban hanh ngay|ky ngay) *"
    r"(?:\d{1,2} *[/.-] *\d{1,2}(?: *[/.-] *\d{2,4})?|\d{1,2} thang \d{1,2}(?: nam \d{4})?)"
)
ITEM_CODE = re.compile(r"(?<![^\W_#])#? ?(nv|ct) ?[-.]? ?(\d{1,4})(?![^\W_])")
PARTIAL_NOUNS = "|".join(strip_diacritics(noun) for noun in vocab.PARTIAL_NOUNS)
PARTIAL = re.compile(rf"(?<![\d/.])(\d{{1,4}}) ?/ ?(\d{{1,4}}) (?:{PARTIAL_NOUNS})(?![^\W_])")
PERCENT = re.compile(r"(?<![\d.,/])(\d{1,3})(?:[.,]\d{1,2})?\s*(?:%|phan tram(?![^\W_]))")
CLAUSE_PUNCTUATION = re.compile(r"[,;:!?\n()\[\]\"|]|(?<!\d)\.|\.(?!\d)")
# A sentence that ends in "?" (the "?" run included): a question, it says nothing.
# Anchored at sentence starts, so a long run without "?" is scanned once, not once per character.
QUESTION = re.compile(r"(?:^|(?<=[.!?;\n]))[^.!?;\n]*\?+")
# Particles and the person addressed, closing a question: "xong chưa ạ", "xong chưa em".
QUESTION_WORDS = r"(?:\s+(?:a|nhi|vay|ha|nhe|the|khong|em|anh|chi|ban|ong|dong chi))*"
# "xong chưa?", "Vướng mắc, đề xuất: không có": a negator closing the clause after the keyword.
FIELD_LABELS = (
    r"(?:\s*[,/&]\s*(?:va\s+)?(?:de xuat|kien nghi|vuong mac|kho khan|ton tai|han che))*"
)
TRAILING_NEGATOR = re.compile(
    FIELD_LABELS + r"\s*[:\-–]?\s*(?:khong|ko|k|chua)(?: (?:co|gi|a|nhi|vay))*\s*(?=$|[?.,;!|])"
)
# Up to four words or percents after a completion, within its clause: "xong hết", "hoàn thành
# nhiệm vụ", "hoàn thành 100%" (a connective starts a new clause).
OBJECT = (r"(?:\s+(?!(?:nhung|song|ma|vi|do|nen)(?![^\W_]))[^\W\d_]+"
           r"|\s+\d{1,3}(?:[.,]\d+)?\s*%){0,4}?")
# "xong rồi chưa", "hoàn thành nhiệm vụ chưa ạ", "xong hết chưa nhỉ": asking, not telling.
ASKED_AFTER = re.compile(
    OBJECT + r"\s+(?:chua|khong)" + QUESTION_WORDS + r"\s*(?=$|[?.,;!|\n])"
)
# "hoàn thành chưa được", "xong hết chưa được vì thiếu vốn": cannot.
UNABLE_AFTER = re.compile(
    OBJECT + r"\s+(?:chua|khong|ko|k)(?: the)? duoc(?:\s+(?:a|nhe|nha|anh|chi|em|roi|luon))*"
    r"(?=\s*(?:$|[^\w\s])|\s+(?:vi|do|nen)(?![^\W_]))"
)
# "xong gì đâu", "hoàn thành thế nào được", "xong cái gì mà xong": denied.
DENIED_AFTER = re.compile(
    r"(?:\s+(?:gi|roi|het|ca|duoc|nhiem vu)|\s+\d{1,3}(?:[.,]\d+)?\s*%)*"
    r"\s+(?:dau|the nao duoc|sao duoc|(?:cai )?gi ma)(?![^\W_])"
)
# "đã hoàn thành 50", "xong 3 hạng mục": a count or share, not the whole item.
COUNT_AFTER = re.compile(
    r"(?:\s+[^\W\d_]+){0,3}?\s+(?<!thang )(?<!ngay )(?<!quy )(?<!nam )(?<!tuan )(?<!luc )"
    r"(\d{1,3})(?![\d/%]|[.,]\d|\s*(?:/|thang|ngay|tuan|nam|quy|gio|phut)(?![^\W_]))"
)
NOT_SAID_AFTER = (TRAILING_NEGATOR, ASKED_AFTER, UNABLE_AFTER, DENIED_AFTER)
ONLY_AFTER = re.compile(r"[^,;.!?\n]{0,40}?\s+thoi(?![^\W_])")
# "hoàn thành 80%", "xong được khoảng 60%": the completion is of that share only.
PERCENT_AFTER = re.compile(
    r"(?:\s+[^\W\d_]+){0,3}?\s+(\d{1,3})(?:[.,]\d{1,2})?\s*(?:%|phan tram)"
)
# "xong thì báo", "hoàn thành nhiệm vụ rồi thì em báo sau", "tháng 12 xong sẽ …": not yet.
TRAILING_CONDITION = re.compile(OBJECT + r"\s*(?:se|thi(?! cong))(?![^\W_])")
TRAILING_ABILITY = re.compile(r" duoc(?! ?\d)")
LIST_GLUE = re.compile(r"(?:\s|,|/|&|-|va|hay|hoac|gi)*")
# "…, nhiệm vụ hoàn thành." closing a formal report.
CONCLUSION = re.compile(
    r"(?:nhiem vu|cong viec|nv)(?: nay| tren)?(?: da| duoc)* hoan thanh(?: tot)?\s*[.!]?\s*$"
)
CLAUSE_FINAL_NOT_YET = re.compile(
    r"(?<![^\W_])(?:con |thi |van )?chua(?:\s+(?:a|nhe|nha|anh|chi|em))*(?=\s*(?:$|[.,;!\n]))"
)


def document_spans(note: str, key: str) -> list[Span]:
    """Document references: typed ("Quyết định số 12") or a bare official number ("12/QĐ-UB")."""
    spans = [found.span() for found in TYPED_DOCUMENT.finditer(key)]
    for found in BARE_DOCUMENT.finditer(mask(key, spans)):
        letters = [c for c in note[found.start():found.end()] if c.isalpha()]
        if letters and letters[0].isupper():
            spans.append(found.span())
    return sorted(spans)


def issue_dates(key: str, documents: list[Span]) -> list[Span]:
    """The "ngày 12/9/2025" right after each reference: the document's date, not a deadline."""
    after = (ISSUE_DATE.match(key, end) for _, end in documents)
    return [found.span() for found in after if found]
