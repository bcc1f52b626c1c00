"""Document fields from official headers and news lead sentences (guide §4)."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.document import find_fields
from extractors.lexicon import get_lexicon

LEX = get_lexicon()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG\nSố: 1914/KH-UBND\nHải Dương, ngày 05 tháng 6 năm 2023\nKẾ HOẠCH\nChuyển đổi số tỉnh Hải Dương năm 2023\n",
            ("Hải Dương", "Kế hoạch", "1914/KH-UBND", dt.date(2023, 6, 5)),
        ),
        (
            "Ngày 29/4/2022, UBND tỉnh ban hành Kế hoạch số 698/KH-UBND về việc chuyển đổi số tỉnh Quảng Bình đến năm 2025.",
            ("Quảng Bình", "Kế hoạch", "698/KH-UBND", dt.date(2022, 4, 29)),
        ),
        (
            "Chủ tịch UBND Tỉnh vừa ký Quyết định số 861/QĐ-UBND-HC ngày 5/8/2022 ban hành Đề án chuyển đổi số tỉnh Đồng Tháp.",
            ("Đồng Tháp", "Đề án", "861/QĐ-UBND-HC", dt.date(2022, 8, 5)),
        ),
        (
            "Nhằm cụ thể hóa Quyết định số 411/QĐ-TTg của Thủ tướng Chính phủ trên địa bàn tỉnh Cà Mau.",
            ("Cà Mau", None, None, None),
        ),
        (
            "Kế hoạch chuyển đổi số thành phố Huế năm 2026 vừa được ban hành.",
            ("Huế", "Kế hoạch", None, None),
        ),
        (
            "Bộ Chính trị đặt mục tiêu kinh tế số chiếm trên 30% GDP năm 2030\n30/09/2019\nNgày 27.9, Tổng bí thư đã ký ban hành Nghị quyết của Bộ Chính trị.",
            ("Việt Nam", "Nghị quyết", None, dt.date(2019, 9, 27)),
        ),
    ],
)
def test_document_fields(text: str, expected: tuple[object, ...]) -> None:
    f = find_fields(text, LEX)
    assert (f.province, f.doc_type, f.doc_number, f.issued) == expected


def test_province_keeps_the_texts_spelling() -> None:
    assert find_fields("Kế hoạch của UBND tỉnh Khánh Hoà về chuyển đổi số.", LEX).province == "Khánh Hoà"
