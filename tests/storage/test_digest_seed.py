"""The seed appendix with nobody's report yet (`dondoc digest --today 2025-10-03`): the digest
invents no status. Items are not yet due, or past due with no report, never "chưa thực hiện"."""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo

from domain.digest import reconcile
from domain.digest_inputs import digest_period
from domain.digest_text import render_digest
from scheduler.digest_job import build_for

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


async def test_nothing_reported_nothing_invented(example):
    async with example() as session:
        digest = await build_for(digest_period(date(2025, 10, 3)), TZ, session=session)
    figures = digest.figures
    assert figures.tasks == {"done_on_time": 0, "done_late": 0, "in_progress_on_time": 0,
                             "overdue": 19, "not_due": 52, "recurring": 2}
    # 17 overdue items nobody reported on; 2 carry the appendix's own "Quá hạn (…)" (NV1, NV2).
    assert figures.unreported == {"done_on_time": 0, "done_late": 0, "in_progress_on_time": 0,
                                  "overdue": 17, "not_due": 52, "recurring": 2}
    assert figures.from_document == {"done_on_time": 0, "done_late": 0,
                                     "in_progress_on_time": 0, "overdue": 2, "not_due": 0,
                                     "recurring": 0}
    assert figures.indicators == {"achieved": 0, "not_achieved": 14, "not_assessable": 6}
    assert reconcile(digest) == []
    text = render_digest(digest)
    assert "chưa thực hiện" not in text.lower()
    assert "- Quá hạn chưa hoàn thành: 19/73 (26%) – chưa báo cáo: 17; theo Công văn" \
           " 4362-CV/TU: 2" in text
    assert "- Chưa đến hạn: 52/73 (71%) – chưa báo cáo: 52" in text
    # Which items: the not-yet-due ones by deadline, the overdue ones each with "chưa báo cáo"
    # or the appendix's assessment and its source.
    not_due = re.search(r"• hạn 31/12/2025 \(52\): (.*)", text)
    assert not_due is not None and len(not_due.group(1).split(", ")) == 52
    assert "NV47 – Triển khai bệnh án điện tử – hạn 30/09/2025, quá hạn 3 ngày; chưa báo cáo" \
           in text
    assert "hạn 30/06/2025, quá hạn 95 ngày; theo Công văn 4362-CV/TU: quá hạn (Thời gian" \
           " hoàn thành: Quý II)" in text
    # A group task once, with who has not reported; units said for every figure.
    assert re.search(r"• NV2 – .* Các sở, ban, ngành: 0/\d+ cơ quan đã báo cáo; chưa báo cáo:",
                     text)
    assert "IV. NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH: 19 nhiệm vụ, 66 lượt phân công" in text
