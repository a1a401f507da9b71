"""Reading the value out of an indicator report."""

import pytest

from domain.indicator_values import declines_value, parse_indicator_value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5G phủ khoảng 20% dân số", (20.0, "%")),
        ("đạt 45,5 %", (45.5, "%")),
        ("khoảng 30 phần trăm", (30.0, "%")),
        ("có 12 doanh nghiệp KH&CN", (12.0, None)),
        ("5G mới phủ thử nghiệm", (None, None)),
        ("theo QĐ 2345/QĐ-UBND", (None, None)),
        ("", (None, None)),
    ],
)
def test_parse_indicator_value(text, expected):
    assert parse_indicator_value(text) == expected


@pytest.mark.parametrize(("text", "declines"), [("bỏ qua", True), ("Bo qua.", True),
                                                ("chưa có", True), ("-", True),
                                                ("20%", False), ("không đạt 20%", False)])
def test_declines_value(text, declines):
    assert declines_value(text) is declines
