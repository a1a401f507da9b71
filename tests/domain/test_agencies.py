"""Agency names: canonical forms, keys, groups, and splitting lead-agency cells."""

import unicodedata

import pytest

from domain.agencies import (
    agency_key,
    canonical_name,
    is_group_name,
    split_agencies,
)


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("Sở Khoa học và Công nghệ", ["Sở Khoa học và Công nghệ"]),
        ("Sở Nội vụ; Sở Khoa học và Công nghệ", ["Sở Nội vụ", "Sở Khoa học và Công nghệ"]),
        ("Sở Khoa học và Công nghệ; các sở, ban, ngành; địa phương",
         ["Sở Khoa học và Công nghệ", "các sở, ban, ngành", "địa phương"]),
        ("Sở Khoa học và Công nghệ và các Viện/trường",
         ["Sở Khoa học và Công nghệ", "các Viện/trường"]),
        ("Báo và phát thanh, truyền hình tỉnh", ["Báo và phát thanh, truyền hình tỉnh"]),
        ("Đoàn Đại biểu QH và HĐND", ["Đoàn Đại biểu QH và HĐND"]),
        ("Các sở, ban, ngành, địa phương", ["Các sở, ban, ngành, địa phương"]),
        ("Sở Y tế;\u00a0 Sở Tài chính.", ["Sở Y tế", "Sở Tài chính"]),
        ("", []),
        (" ; ", []),
    ],
)
def test_split_agencies_splits_on_semicolons_never_on_a_bare_va(cell, names):
    assert split_agencies(cell) == names


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
        ("Sở KH & CN", "Sở Khoa học và Công nghệ"),
        ("KHCN", "Sở Khoa học và Công nghệ"),
        ("UBND tỉnh", "Ủy ban nhân dân tỉnh"),
        ("Ủy ban MTTQ tỉnh", "Ủy ban Mặt trận Tổ quốc tỉnh"),
        ("Đoàn Đại biểu QH và HĐND", "Đoàn Đại biểu Quốc hội và Hội đồng nhân dân"),
        ("Theo tiến độ TW", "Theo tiến độ Trung ương"),
        ("Văn phòng Tỉnh uỷ", "Văn phòng Tỉnh ủy"),
        ("các sở, ban, ngành", "Các sở, ban, ngành"),
        ("Sở Văn hoá", "Sở Văn hóa"),
    ],
)
def test_canonical_name_expands_abbreviations_and_unifies_spelling(written, canonical):
    assert canonical_name(written) == canonical


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Tỉnh uỷ", "Tỉnh ủy"),
        ("Sở Văn hoá", "Sở Văn hóa"),
        ("SỞ Y TẾ", "Sở Y tế"),
        ("Sở  Y\u00a0tế", "Sở Y tế"),
        (unicodedata.normalize("NFD", "Sở Nội vụ"), "Sở Nội vụ"),
        ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
        ("KHCN", "Sở Khoa học và Công nghệ"),
    ],
)
def test_spellings_of_one_agency_share_a_key(one, other):
    assert agency_key(one) == agency_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("Sở Y tế", "Sở Tài chính"), ("Đoàn Đại biểu", "Đòan Đại biểu"), ("Quý", "Qúy")],
)
def test_different_words_keep_different_keys(one, other):
    assert agency_key(one) != agency_key(other)


@pytest.mark.parametrize(
    ("name", "group"),
    [
        ("Các sở, ban, ngành", True),
        ("các sở, ban, ngành, địa phương", True),
        ("Các cơ quan Đảng", True),
        ("Các cơ quan Đảng cấp tỉnh", True),
        ("Đảng ủy xã, phường", True),
        ("Đảng uỷ xã, phường", True),
        ("Các đơn vị đề xuất", True),
        ("địa phương", True),
        ("Sở Khoa học và Công nghệ", False),
        ("Văn phòng Tỉnh ủy", False),
        ("Công an tỉnh", False),
    ],
)
def test_group_names_are_recognised(name, group):
    assert is_group_name(name) is group
