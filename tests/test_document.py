"""Document fields from official headers and news lead sentences (guide §4)."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.document import (
    HEADER_NUMBER_RE,
    _kind_starts,
    _lead_in_words,
    _mention_patterns,
    _mentions,
    find_fields,
    header_number,
)
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


MENTION_TEXTS = [
    "Ngày 29/4/2022, UBND tỉnh ban hành Kế hoạch số 698/KH-UBND về việc chuyển đổi số. Theo đó, Kế hoạch đề ra 5 mục tiêu.",
    "Chủ tịch UBND vừa ký Quyết định số 861/QĐ-UBND-HC ngày 5/8/2022 ban hành Đề án chuyển đổi số tỉnh Đồng Tháp.",
    "Nhằm thực hiện Nghị quyết số 09-NQ/TU, tỉnh đang triển khai Kế hoạch 77/KH-UBND theo Chương trình chuyển đổi số.",
    "ban hành  Kế hoạch, theo Nghị quyết định hướng; phê duyệt Đề án: Kế hoạch này nêu rõ\nQuyết định 12 về việc",
    "UBND tỉnh ban hành kế hoạch. ban hành",
]


@pytest.mark.parametrize("text", MENTION_TEXTS)
def test_mentions_are_found_where_a_full_scan_finds_them(text: str) -> None:
    # the mention patterns, searched only around the document nouns, match what a scan of the text matches
    kinds = _kind_starts(LEX, text)
    assert kinds == [m.start() for m in LEX.doctype_re.finditer(text, overlapped=True)]
    for mention in _mention_patterns(LEX):
        found = [(m.span(), m.groupdict()) for m in _mentions(mention, text, kinds)]
        assert found == [(m.span(), m.groupdict()) for m in mention.pattern.finditer(text)], mention.how


def test_mention_leads_made_of_words_are_searched_by_runs() -> None:
    leads = {m.how: _lead_in_words(m.lead) for m in _mention_patterns(LEX)}
    assert leads["issue"] is not None and leads["named"] is not None  # `ban hành Kế hoạch`, `theo Kế hoạch`
    assert _lead_in_words(r"(?:số|\d+)\s+") is None  # a digit class, a stop or a comma may break a run
    assert _lead_in_words(r"(?:số\.)\s+") is None


@pytest.mark.parametrize(
    "text",
    [
        "ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG\nSố: 1914/KH-UBND\nHải Dương, ngày 05 tháng 6 năm 2023",
        "| Số: 77/KH-UBND | Hà Tĩnh\n  Số :12/QĐ-UBND",
        "Kế hoạch số: 5/KH-UBND trong câu\n\n\n   Số: 9/KH-UBND",  # a number inside a line is no header
        "Số hiệu: 3/KH-UBND",
        "",
    ],
)
def test_header_number_is_searched_at_line_starts(text: str) -> None:
    found, expected = header_number(text), HEADER_NUMBER_RE.search(text[:3000])
    assert (found and (found.span(), found["num"])) == (expected and (expected.span(), expected["num"]))
