"""Tổng quan's files: the weekly digest's own chart, workbook and text, and the 8-week trend."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from domain.digest_inputs import digest_period
from domain.digest_text import render_digest
from scheduler.digest_job import build_for
from storage.digest_workbook import build_workbook
from tests.console.conftest import TZ, Console


async def test_the_overview_offers_the_digests_files_and_its_trend(console: Console):
    await console.sign_in(console.leader)  # reads: the read-only role may
    page = await (await console.client.get("/console/")).text()
    assert '<img class="chart" src="/console/tai/bieudo.png"' in page
    assert "/console/tai/bangtinh.xlsx" in page and "/console/tai/tonghop.txt" in page
    assert "Biểu đồ và xu hướng 1 tuần" in page  # no digest sent yet: this week alone
    assert "<td>22/09</td>" in page

    chart = await console.client.get("/console/tai/bieudo.png")
    png = await chart.read()
    assert chart.status == 200 and chart.content_type == "image/png"
    assert png.startswith(b"\x89PNG") and chart.headers["Content-Disposition"].startswith(
        "inline;")
    saved = await console.client.get("/console/tai/bieudo.png", params={"tai": "1"})
    assert saved.headers["Content-Disposition"].startswith("attachment;")

    async with console.sessions() as session:
        digest = await build_for(digest_period(date(2025, 9, 22), 1), TZ, session=session)
    answer = await console.client.get("/console/tai/bangtinh.xlsx")
    assert answer.status == 200 and answer.headers["Content-Disposition"] == (
        f'attachment; filename="tien-do-nhiem-vu-{digest.period.key}.xlsx"')
    served = load_workbook(io.BytesIO(await answer.read()))
    expected = load_workbook(io.BytesIO(build_workbook(digest)))
    assert served.sheetnames == expected.sheetnames
    for name in expected.sheetnames:
        assert [[c.value for c in row] for row in served[name].iter_rows()] == [
            [c.value for c in row] for row in expected[name].iter_rows()]

    text = await console.client.get("/console/tai/tonghop.txt")
    assert text.status == 200 and await text.text() == render_digest(digest)


async def test_the_files_need_a_session(console: Console):
    for path in ("/console/tai/bieudo.png", "/console/tai/bangtinh.xlsx",
                 "/console/tai/tonghop.txt"):
        answer = await console.client.get(path, allow_redirects=False)
        assert answer.status == 303 and answer.headers["Location"] == "/console/dangnhap"
