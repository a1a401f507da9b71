"""Status replies as focal persons write them -> Reply."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.replies import Reply, find_item_codes, parse_reply
from domain.text import tidy

TODAY = date(2025, 11, 21)

# (reply, status, percent, new_due, evidence)
REPLIES = [
    # done
    ("Đã hoàn thành", "done", None, None, ()),
    ("da hoan thanh", "done", None, None, ()),
    ("xong rồi", "done", None, None, ()),
    ("Xong", "done", None, None, ()),
    ("đã xong", "done", None, None, ()),
    ("hoàn thành 100%", "done", 100, None, ()),
    ("HT", "done", None, None, ()),
    ("đã ht", "done", None, None, ()),
    ("100%", "done", 100, None, ()),
    ("đã phê duyệt", "done", None, None, ()),
    ("đã triển khai xong", "done", None, None, ()),
    ("ĐÃ HOÀN THÀNH NHIỆM VỤ", "done", None, None, ()),
    (
        "đã ban hành Quyết định số 2345/QĐ-UBND ngày 12/9/2025",
        "done",
        None,
        None,
        ("Quyết định số 2345/QĐ-UBND",),
    ),
    (
        "Dạ, Sở đã hoàn thành, UBND tỉnh đã ký ban hành Kế hoạch 331-KH/TU ạ",
        "done",
        None,
        None,
        ("Kế hoạch 331-KH/TU",),
    ),
    ("Xong rồi nhé, không có khó khăn gì", "done", None, None, ()),
    ("Không vướng mắc, đã hoàn thành", "done", None, None, ()),
    ("không cần gia hạn, đã xong", "done", None, None, ()),
    ("Đã tháo gỡ khó khăn, hoàn thành", "done", None, None, ()),
    ("CT3: đạt", "done", None, None, ()),
    ("vượt 120% kế hoạch", "done", None, None, ()),
    # in progress
    ("đang thực hiện", "in_progress", None, None, ()),
    ("dang lam", "in_progress", None, None, ()),
    ("đang triển khai, đạt 60%", "in_progress", 60, None, ()),
    ("được 70%", "in_progress", 70, None, ()),
    ("70%", "in_progress", 70, None, ()),
    ("Đạt 62,5%", "in_progress", 62, None, ()),
    ("đã trình UBND tỉnh, chờ phê duyệt", "in_progress", None, None, ()),
    ("đang xin ý kiến các sở", "in_progress", None, None, ()),
    ("đang hoàn thiện dự thảo", "in_progress", None, None, ()),
    ("dự kiến hoàn thành tháng 12", "in_progress", None, date(2025, 12, 31), ()),
    ("DU KIEN HOAN THANH TRUOC 15/12", "in_progress", None, date(2025, 12, 15), ()),
    ("Tháng 12 sẽ xong", "in_progress", None, date(2025, 12, 31), ()),
    ("Tiến độ 85%, dự kiến xong trước 20/12", "in_progress", 85, date(2025, 12, 20), ()),
    ("Dự kiến Quý I/2026 hoàn thành", "in_progress", None, date(2026, 3, 31), ()),
    ("chưa hoàn thành, đang làm", "in_progress", None, None, ()),
    ("chưa hoàn thành", "in_progress", None, None, ()),
    ("chưa xong", "in_progress", None, None, ()),
    ("Chưa xong được 60%", "in_progress", 60, None, ()),
    ("Chưa đạt 50%", "in_progress", None, None, ()),
    ("CT5 chưa đạt", "in_progress", None, None, ()),
    ("đang thực hiện, không có vướng mắc", "in_progress", None, None, ()),
    ("Đang thực hiện, không có khó khăn, vướng mắc gì", "in_progress", None, None, ()),
    ("NV12: đang thực hiện, đạt 60%. Vướng mắc: không", "in_progress", 60, None, ()),
    ("xong 80%", "in_progress", 80, None, ()),
    # two items, two statuses: the reply as a whole is not done
    ("Nhiệm vụ NV5 đã hoàn thành; NV6 đang thực hiện", "in_progress", None, None, ()),
    ("đã xong phần khảo sát, đạt 50%", "in_progress", 50, None, ()),
    ("đã hoàn thành 2/3 khối lượng", "in_progress", None, None, ()),
    ("đã hoàn thành dự thảo, đang trình UBND tỉnh", "in_progress", None, None, ()),
    ("cơ bản hoàn thành", "in_progress", None, None, ()),
    ("dự kiến đạt 100% vào tháng 12", "in_progress", None, date(2025, 12, 31), ()),
    ("100% nhưng chưa ban hành", "in_progress", 100, None, ()),
    ("Đến ngày 20/11 đạt 80%", "in_progress", 80, None, ()),  # "as of", not a promise
    ("Đang triển khai đến hết năm", "in_progress", None, date(2025, 12, 31), ()),
    ("đã được gia hạn đến 30/12, đang thực hiện", "in_progress", None, date(2025, 12, 30), ()),
    (
        "Đã trình UBND tỉnh tại Tờ trình số 45/TTr-SKHCN ngày 10/11/2025",
        "in_progress",
        None,
        None,
        ("Tờ trình số 45/TTr-SKHCN",),
    ),
    # blocked
    ("vướng mắc về kinh phí", "blocked", None, None, ()),
    ("vuong mac", "blocked", None, None, ()),
    ("gặp khó khăn do thiếu nhân lực", "blocked", None, None, ()),
    ("chưa có hướng dẫn của Bộ nên chưa triển khai được", "blocked", None, None, ()),
    ("bị vướng", "blocked", None, None, ()),
    ("khó khăn", "blocked", None, None, ()),
    ("KHO KHAN VE MAT BANG", "blocked", None, None, ()),
    ("Nhiệm vụ NV12 chưa triển khai do chưa được bố trí kinh phí", "blocked", None, None, ()),
    ("không hoàn thành được", "blocked", None, None, ()),
    ("chưa thể hoàn thành trong năm nay", "blocked", None, None, ()),
    ("Đang chờ hướng dẫn của Bộ KH&CN", "blocked", None, None, ()),
    ("Hệ thống bị lỗi, chưa sử dụng được", "blocked", None, None, ()),
    # extension
    ("xin gia hạn đến 30/11", "extension", None, date(2025, 11, 30), ()),
    ("xin lùi thời hạn sang Quý I/2026", "extension", None, date(2026, 3, 31), ()),
    ("đề nghị gia hạn đến hết tháng 12/2025", "extension", None, date(2025, 12, 31), ()),
    ("xin gia han den 15/12", "extension", None, date(2025, 12, 15), ()),
    ("xin gia hạn sang tháng 3 năm sau", "extension", None, date(2026, 3, 31), ()),
    ("Xin gia hạn 1 tháng", "extension", None, None, ()),
    ("xin được gia hạn đến 31/12", "extension", None, date(2025, 12, 31), ()),
    (
        "Do vướng mắc GPMB nên đề nghị BCĐ cho gia hạn đến 31/3/2026",
        "extension",
        None,
        date(2026, 3, 31),
        (),
    ),
    # year-less and clearly past (Quý I = 31/3, 8 months ago): next year is meant
    ("xin gia hạn đến Quý I", "extension", None, date(2026, 3, 31), ()),
    # year-less but only days past: a late reply, not next year; no usable date
    ("xin gia hạn đến 15/11", "extension", None, None, ()),
    ("xin gia hạn đến 30/9/2025", "extension", None, None, ()),  # year written, past
    (
        "Xin gia hạn theo Công văn số 12/SKHCN-CĐS ngày 30/12/2025",
        "extension",
        None,
        None,
        ("Công văn số 12/SKHCN-CĐS",),
    ),
    # unclear
    ("", "unclear", None, None, ()),
    ("ok", "unclear", None, None, ()),
    ("đã nhận", "unclear", None, None, ()),
    ("cảm ơn", "unclear", None, None, ()),
    ("?", "unclear", None, None, ()),
    ("Dạ vâng ạ", "unclear", None, None, ()),
    ("không có vướng mắc", "unclear", None, None, ()),
    ("không vướng mắc gì", "unclear", None, None, ()),
    ("xong nhưng còn vướng", "unclear", None, None, ()),
    ("Xong chưa?", "unclear", None, None, ()),
    ("Thời hạn hoàn thành: 30/11", "unclear", None, None, ()),
    ("Đã đăng tải lên cổng thông tin", "unclear", None, None, ()),  # đăng, not đang
    (
        "Báo cáo số 1815/BC-SKHCN đã gửi, Công văn số 12/SKHCN-CĐS",
        "unclear",
        None,
        None,
        ("Báo cáo số 1815/BC-SKHCN", "Công văn số 12/SKHCN-CĐS"),
    ),
]


@pytest.mark.parametrize(("text", "status", "percent", "new_due", "evidence"), REPLIES)
def test_parse_reply(text, status, percent, new_due, evidence):
    reply = parse_reply(text, TODAY)
    assert (reply.status, reply.percent, reply.new_due) == (status, percent, new_due)
    assert reply.evidence == evidence


def test_reply_has_codes_and_tidied_note():
    reply = parse_reply("  #NV3\u00a0đã  xong,   nv 4 đạt 70% ", TODAY)
    assert reply == Reply(
        status="in_progress",
        percent=70,
        new_due=None,
        note="#NV3 đã xong, nv 4 đạt 70%",
        evidence=(),
        codes=("NV3", "NV4"),
    )


def test_decomposed_diacritics_read_like_composed():
    decomposed = unicodedata.normalize("NFD", "Đã hoàn thành, không có vướng mắc")
    assert parse_reply(decomposed, TODAY).status == "done"


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("NV12", ("NV12",)),
        ("nv 12", ("NV12",)),
        ("#NV12 đã xong", ("NV12",)),
        ("ct3, Ct 4 và CT3", ("CT3", "CT4")),
        ("NV12; NV-13; nv.14", ("NV12", "NV13", "NV14")),
        ("Báo cáo NV7 và CT10 theo Kế hoạch 331-KH/TU", ("NV7", "CT10")),
        ("Chỉ thị số 05-CT/TU", ()),  # a document number, not an indicator code
        ("CT 5G", ()),
        ("canv12, nvx 12, NV", ()),
        ("đã xong", ()),
    ],
)
def test_find_item_codes(text, codes):
    assert find_item_codes(text) == codes


FRAGMENTS = [
    "đã",
    "xong",
    "hoàn thành",
    "chưa",
    "không",
    "đang",
    "vướng mắc",
    "khó khăn",
    "gia hạn",
    "đến",
    "30/11",
    "Quý I",
    "tháng 12",
    "năm sau",
    "dự kiến",
    "sẽ",
    "80%",
    "100%",
    "120%",
    "HT",
    "NV12",
    "Quyết định số 2345/QĐ-UBND",
    "ngày",
    "12/9/2025",
    ",",
    ".",
    "?",
    ":",
    "được",
    "2/3 khối lượng",
    "không có",
    "nhưng",
    "DA XONG",
    "chờ phê duyệt",
    "29/2",
]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(st.sampled_from(FRAGMENTS), max_size=12).map(" ".join)))
def test_parse_reply_never_raises_and_never_marks_partial_work_done(text):
    reply = parse_reply(text, TODAY)
    assert reply.status in {"done", "in_progress", "blocked", "extension", "not_started",
                            "disputed", "unclear"}
    assert reply.note == tidy(text)
    if reply.status == "done":
        assert reply.percent in (None, 100)
        assert reply.new_due is None
    if reply.percent is not None:
        assert 0 <= reply.percent <= 100
    if reply.new_due is not None:
        assert reply.new_due >= TODAY
