"""The year stage alone (extractors/years.py, structure.py): year mentions, the horizon, and a
value's deadline year in the order of labelling guide §3 — without the rest of the extractor."""

from __future__ import annotations

import pytest

from extractors.context import build_context
from extractors.lexicon import get_lexicon
from extractors.numbers import find_mentions
from extractors.structure import bounded_spans, is_heading_line, open_paren
from extractors.years import (
    YEAR_FRAGMENTS,
    YEAR_RE,
    YEAR_RUN_BREAK,
    document_horizon,
    find_years,
    resolve_year,
    year_matches,
)

LEX = get_lexicon()
TITLE = "Kế hoạch chuyển đổi số của tỉnh Bắc Giang\n"  # a title with no year: no horizon


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đến năm 2025, 80% hồ sơ được xử lý trực tuyến.", [(2025, False)]),
        ("kinh tế số chiếm 20% GRDP vào năm 2025.", [(2025, True)]),  # trails the value it dates
        ("giai đoạn 2021-2025, nhiệm kỳ 2025 - 2030", [(2025, False), (2030, False)]),
        ("hoàn thành trong quý 2-2026 việc số hóa", [(2026, False)]),
        ("Hải Dương, ngày 5 tháng 6 năm 2023", []),  # a date
        ("doanh thu tăng 10% so với năm 2021", []),  # a baseline
        ("Quyết định số 2030/QĐ-UBND", []),  # a document number
    ],
)
def test_year_mentions(text: str, expected: list[tuple[int, bool]]) -> None:
    assert [(y.year, y.trailing) for y in find_years(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Đến năm 2025, 80% hồ sơ; giai đoạn 2021-2025, nhiệm kỳ 2025 - 2030.",
        "đến năm 2025 đến năm 2030 định hướng đến 2045",  # one run, several years
        "trong quý II/2026 (năm 2027) và quý 3 năm 2028",
        "năm\n\n2025, năm  2026",  # spaces and lines between the word and its year
        "năm 20250; năm 2025/26; 2019-năm 2020",  # digits that are no year
        "năm 2025",
        "",
    ],
)
def test_year_matches_are_the_patterns_matches(text: str) -> None:
    # searching only the runs that hold four digits finds what a scan of the whole text finds
    assert [m.span() for m in year_matches(text)] == [m.span() for m in YEAR_RE.finditer(text)]


def test_year_words_stay_inside_a_run() -> None:
    # year_matches holds only while no word of YEAR_RE holds a character that breaks a run
    assert YEAR_FRAGMENTS == ("YEAR_PREP", "YEAR_WORD", "QUARTER", "YEAR_NOUN")
    for name in YEAR_FRAGMENTS:
        for word in LEX.fragment_words(name):
            assert not YEAR_RUN_BREAK.search(word), (name, word)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kế hoạch chuyển đổi số tỉnh Bình Định đến năm 2025", 2025),
        ("Kế hoạch chuyển đổi số năm 2024 của tỉnh Bắc Giang", 2024),
        ("Kế hoạch chuyển đổi số tỉnh Bắc Giang giai đoạn 2025-2027", 2027),
        ("Chuyển đổi số tỉnh Bắc Giang\nNghị quyết về chuyển đổi số đến năm 2025, định hướng đến năm 2030.", 2025),
        ("Chuyển đổi số tỉnh Bắc Giang\nPhát triển chính quyền số, tầm nhìn đến năm 2045.", 2045),
        ("Chuyển đổi số tỉnh Bắc Giang\nTỉnh phấn đấu 80% hồ sơ trực tuyến.", None),
    ],
)
def test_document_horizon(text: str, expected: int | None) -> None:
    """Guide §3 (3): the title's year, a one-year plan's year or its period's end, else the plan or vision named."""
    assert document_horizon(text, text.split("\n", 1)[0]) == expected


def _year_of(text: str, value: str) -> tuple[int | None, str]:
    text = TITLE + text
    mentions = find_mentions(text, LEX)
    ctx = build_context(text, LEX, [m.start for m in mentions])
    m = next(m for m in mentions if m.start == text.index(value))
    return resolve_year(ctx, m.start, m.end, None)


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ("Đến năm 2025, 80% hồ sơ được xử lý trực tuyến.", "80%", (2025, "clause")),
        ("kinh tế số chiếm 20% GRDP vào năm 2025, 30% vào năm 2030.", "20%", (2025, "clause")),
        ("kinh tế số chiếm 20% GRDP vào năm 2025, 30% vào năm 2030.", "30%", (2030, "clause")),
        ("năm 2026 chiếm 12% GRDP, năm 2030 chiếm 22% GRDP.", "12%", (2026, "clause")),
        ("Phấn đấu đến năm 2025: 80% hồ sơ trực tuyến; 90% người dân có tài khoản.", "90%", (2025, "sentence")),
        ("Đến năm 2025, tỉnh đạt 80% hồ sơ trực tuyến.\n90% người dân có tài khoản.", "90%", (2025, "carried")),
        ("Mục tiêu đến năm 2030\n- 80% hồ sơ được xử lý trực tuyến.", "80%", (2030, "heading")),
        ("Mục tiêu đến năm 2025\n80% hồ sơ trực tuyến.\nĐịnh hướng đến năm 2030\n90% hồ sơ trực tuyến.", "90%",
         (2030, "heading")),
        # a year in parentheses dates only what is inside them (unseen-errors T5)
        ("85% văn bản đi cấp tỉnh được ký số (đến năm 2030 là 98%).", "98%", (2030, "clause")),
        ("85% văn bản đi cấp tỉnh được ký số (đến năm 2030 là 98%).", "85%", (None, "horizon")),
        ("Tỉnh phấn đấu 80% hồ sơ được xử lý trực tuyến.", "80%", (None, "horizon")),
    ],
)
def test_deadline_year_in_the_guide_order(text: str, value: str, expected: tuple[int | None, str]) -> None:
    assert _year_of(text, value) == expected


@pytest.mark.parametrize(
    ("line", "has_value", "expected"),
    [
        ("Mục tiêu cụ thể", False, True),
        ("II. NHIỆM VỤ VÀ GIẢI PHÁP", False, True),
        ("a) Về phát triển chính quyền số:", False, True),
        ("Mục tiêu đến năm 2025: 80% hồ sơ trực tuyến", True, False),  # a line with a value states targets
        ("Tỉnh đã hoàn thành việc số hóa hồ sơ.", False, False),
    ],
)
def test_heading_lines(line: str, has_value: bool, expected: bool) -> None:
    assert is_heading_line(line, has_value) is expected


def test_a_sentence_without_a_stop_is_cut_at_a_space() -> None:
    text = " ".join(["hồ sơ"] * 1000)
    spans = bounded_spans(text, 0, len(text), limit=100)
    assert all(e - s <= 100 for s, e in spans)
    assert " ".join(text[s:e] for s, e in spans) == text  # every character kept, cut only at spaces


def test_the_parenthesis_open_at_a_value() -> None:
    text = "85% hồ sơ (đến năm 2030 là 98%) và 90%"
    assert open_paren(text, 0, text.index("98%")) == text.index("(")
    assert open_paren(text, 0, text.index("90%")) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Đạt 80%. Phấn đấu 90%… 100% hồ sơ! (năm 2025)", ["Đạt 80%.", "Phấn đấu 90%…", "100% hồ sơ!", "(năm 2025)"]),
        ("TP. Hồ Chí Minh.  2025 là năm đầu. tiếp theo", ["TP.", "Hồ Chí Minh.", "2025 là năm đầu. tiếp theo"]),
        ("không có dấu chấm", ["không có dấu chấm"]),
        (". Mở đầu", [".", "Mở đầu"]),
    ],
)
def test_sentences_of_a_line(line: str, expected: list[str]) -> None:
    # a sentence ends at a stop followed by spaces and a capital, a digit or a quote
    ctx = build_context(line, LEX, [])
    assert [line[s:e] for s, e in sorted({ctx.sentence_of(p) for p in range(len(line))})] == expected
